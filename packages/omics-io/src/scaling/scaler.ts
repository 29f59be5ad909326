import { findGroup } from '../dataset/select';
import type { Dataset, Group } from '../dataset/types';

/**
 * - 'standard': (x − mean) / standard deviation (population, as scikit-learn);
 * - 'minmax': (x − min) / (max − min), onto [0, 1];
 * - 'robust': (x − median) / interquartile range (numpy's linear percentiles);
 * - 'log1p': log(1 + x), for peak areas spanning decades; needs x > −1.
 * A zero spread scales by 1, so constant features pass through shifted, not divided by zero.
 */
export type ScalerKind = 'standard' | 'minmax' | 'robust' | 'log1p';

/** Fitted per-feature scaling; plain JSON, so it can be stored with a model and used again. */
export interface Scaler {
  kind: ScalerKind;
  /** Feature names, in the order of the dataset it was fitted on. */
  features: string[];
  /** Groups whose values the statistics came from. */
  fittedOn: string[];
  /** Subtracted from each feature (0 for log1p). */
  center: number[];
  /** Divided into each feature after centring (1 for log1p). */
  scale: number[];
}

/** Fits a scaler on the values of `groups` (default: all groups); missing values are ignored. */
export function fitScaler(
  dataset: Dataset,
  kind: ScalerKind,
  options: { groups?: readonly string[] } = {},
): Scaler {
  if (!['standard', 'minmax', 'robust', 'log1p'].includes(kind)) {
    throw new TypeError(
      `omics-io: scaler kind must be 'standard', 'minmax', 'robust' or 'log1p', got ${JSON.stringify(kind)}`,
    );
  }
  const groups: Group[] = options.groups
    ? options.groups.map((name) => findGroup(dataset, name))
    : dataset.groups;
  if (groups.length === 0) throw new RangeError('omics-io: fitScaler needs at least one group to fit on');
  const center: number[] = [];
  const scale: number[] = [];
  dataset.features.forEach((feature, k) => {
    const values: number[] = [];
    for (const g of groups) for (const v of g.values[k]!) if (!Number.isNaN(v)) values.push(v);
    if (values.length === 0) {
      throw new RangeError(
        `omics-io: feature ${JSON.stringify(feature.name)} has no values in groups ${groups.map((g) => JSON.stringify(g.name)).join(', ')} to fit a scaler on`,
      );
    }
    const [c, s] = statistics(kind, values, feature.name);
    center.push(c);
    scale.push(s === 0 || !Number.isFinite(s) ? 1 : s);
  });
  return {
    kind,
    features: dataset.features.map((f) => f.name),
    fittedOn: groups.map((g) => g.name),
    center,
    scale,
  };
}

function statistics(kind: ScalerKind, v: number[], name: string): [number, number] {
  switch (kind) {
    case 'standard': {
      let mean = 0;
      for (const x of v) mean += x;
      mean /= v.length;
      let ss = 0;
      for (const x of v) ss += (x - mean) ** 2;
      return [mean, Math.sqrt(ss / v.length)];
    }
    case 'minmax': {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const x of v) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      return [lo, hi - lo];
    }
    case 'robust': {
      const sorted = Float64Array.from(v).sort();
      return [percentile(sorted, 0.5), percentile(sorted, 0.75) - percentile(sorted, 0.25)];
    }
    default:
      for (const x of v)
        if (!(x > -1))
          throw new RangeError(
            `omics-io: log1p scaling needs values > -1; feature ${JSON.stringify(name)} has ${x}`,
          );
      return [0, 1];
  }
}

/** Linear-interpolated percentile of sorted values (numpy's default method). */
function percentile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Scales one feature's values (feature index k of the scaler) into out; NaN stays NaN. */
export function scaleValues(
  scaler: Scaler,
  k: number,
  x: ArrayLike<number>,
  out = new Float64Array(x.length),
): Float64Array {
  const c = scaler.center[k]!;
  const s = scaler.scale[k]!;
  if (scaler.kind === 'log1p') {
    for (let i = 0; i < x.length; i++) {
      if (x[i]! <= -1)
        throw new RangeError(
          `omics-io: log1p scaling needs values > -1; feature ${JSON.stringify(scaler.features[k])} has ${x[i]}`,
        );
      out[i] = Math.log1p(x[i]!);
    }
  } else for (let i = 0; i < x.length; i++) out[i] = (x[i]! - c) / s;
  return out;
}

/** Inverse of scaleValues. */
export function unscaleValues(
  scaler: Scaler,
  k: number,
  z: ArrayLike<number>,
  out = new Float64Array(z.length),
): Float64Array {
  const c = scaler.center[k]!;
  const s = scaler.scale[k]!;
  if (scaler.kind === 'log1p') for (let i = 0; i < z.length; i++) out[i] = Math.expm1(z[i]!);
  else for (let i = 0; i < z.length; i++) out[i] = z[i]! * s + c;
  return out;
}

/** The dataset with every feature scaled; features are matched by name, so the order may differ from the fit. */
export function scaleDataset(dataset: Dataset, scaler: Scaler): Dataset {
  return mapFeatures(dataset, scaler, scaleValues, (sd, s) => sd / s);
}

/** Undoes scaleDataset. */
export function unscaleDataset(dataset: Dataset, scaler: Scaler): Dataset {
  return mapFeatures(dataset, scaler, unscaleValues, (sd, s) => sd * s);
}

function mapFeatures(
  dataset: Dataset,
  scaler: Scaler,
  map: (scaler: Scaler, k: number, x: ArrayLike<number>) => Float64Array,
  mapSd: (sd: number, scale: number) => number,
): Dataset {
  const index = dataset.features.map((f) => {
    const k = scaler.features.indexOf(f.name);
    if (k < 0)
      throw new RangeError(`omics-io: the scaler was not fitted on feature ${JSON.stringify(f.name)}`);
    return k;
  });
  return {
    ...dataset,
    groups: dataset.groups.map((g) => {
      const out: Group = { ...g, values: g.values.map((row, j) => map(scaler, index[j]!, row)) };
      if (g.spread && scaler.kind !== 'log1p') {
        out.spread = {
          sd: g.spread.sd.map((row, j) => row.map((sd) => mapSd(sd, scaler.scale[index[j]!]!))),
          n: g.spread.n,
        };
      } else delete out.spread;
      return out;
    }),
  };
}
