/** A measured quantity: one column of a wide table, or one feature name of a long table. */
export interface Feature {
  /** The name as written in the header (or feature column); what users select it by. */
  name: string;
  /** The name without its unit ('Glucose' for 'Glucose g/L'). */
  label: string;
  /** Unit parsed from the header or unit column ('uM', 'g/L'), when one was given. */
  unit?: string;
}

/** Replicate statistics kept when several replicates were averaged into one value. */
export interface GroupSpread {
  /** Sample standard deviation across replicates (NaN when fewer than two); `sd[feature][time]`. */
  sd: Float64Array[];
  /** Number of replicates with a value; `n[feature][time]`. */
  n: Uint32Array[];
}

/** One strain, condition or experiment: a time series of every feature. */
export interface Group {
  name: string;
  /** Strictly increasing, finite. */
  times: Float64Array;
  /** `values[feature][time]`, NaN where not measured (never zero for a missing cell). */
  values: Float64Array[];
  spread?: GroupSpread;
  /** Source line of the (first) row behind each time, for messages that point into the file. */
  lines?: Int32Array;
}

/**
 * A clean, typed time-series table: groups → times, with features in a fixed order. Readers
 * produce it; preparation functions return new datasets and never modify their input.
 */
export interface Dataset {
  /** File it was read from, when known. */
  file?: string;
  /** Header of the group column, when the table had one. */
  groupColumn?: string;
  timeColumn: string;
  features: Feature[];
  groups: Group[];
}
