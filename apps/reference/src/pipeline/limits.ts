/**
 * Sizes the CLI refuses before allocating anything (README "Limits"): a run that asks for more
 * would exhaust memory, so it is stopped at once with one line instead of after minutes or by the
 * out-of-memory killer. Every check here is arithmetic on shapes (or a file's size); none allocates.
 */

/** Memory the networks, their optimiser state and the solver tapes may take (bytes). */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;
/** Parameters of all members of a model together (model.json holds them as JSON numbers). */
export const MAX_MODEL_PARAMS = 2_000_000;
/** Training epochs (each keeps a loss record; the default is 300). */
export const MAX_EPOCHS = 100_000;
/** Points of a model's time grid (predictions.csv has one row per point, state and group). */
export const MAX_GRID_POINTS = 100_000;
/** Output rows of `simulate` (settings `steps` + 1, or `--points`). */
export const MAX_OUTPUT_ROWS = 1_000_000;
/** Output values of `simulate` (rows × columns). */
export const MAX_OUTPUT_VALUES = 20_000_000;
/** Size of a model.json file; larger files are refused before they are read. */
export const MAX_MODEL_FILE_BYTES = 128 * 1024 * 1024;
/** Size of a settings file. */
export const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;

/** The shapes of one network, as NeuralODE builds it. */
export interface NetworkShape {
  /** Inputs: states, controls and time where it is one. */
  inputs: number;
  hidden: readonly number[];
  /** Outputs: one per state (two with production–degradation) or one per reaction. */
  outputs: number;
  /** Kinetic parameters after the network's (elasticities, Michaelis constants). */
  extra?: number;
}

/** Parameters of one network (weights and biases, plus its kinetic parameters). */
export function networkParams(s: NetworkShape): number {
  const widths = [s.inputs, ...s.hidden, s.outputs];
  let p = s.extra ?? 0;
  for (let l = 0; l + 1 < widths.length; l++) p += widths[l]! * widths[l + 1]! + widths[l + 1]!;
  return p;
}

/** Doubles one network evaluation keeps on its tape (input, each layer's pre-activation and activation). */
function tapeDoubles(s: NetworkShape): number {
  return s.inputs + 2 * [...s.hidden, s.outputs].reduce((a, w) => a + w, 0);
}

/**
 * Bytes to train (or predict with) `members` such networks on a grid of `gridPoints`: each
 * member's parameters, and during its training about eight more copies of them (gradient,
 * Adam moments, best parameters, L-BFGS history) and the tapes of the solver's stages (rk4: four
 * per interval) over the grid; with `threads` members training at once (worker threads), that
 * many sets of copies and tapes, and a copy of each member in the thread that trained it.
 */
function modelBytes(
  s: NetworkShape,
  members: number,
  gridPoints: number,
  training: boolean,
  threads = 1,
): number {
  const p = networkParams(s);
  const t = Math.max(1, threads);
  const copies = members + (t > 1 ? t : 0) + t * (training ? 8 : 2);
  return 8 * (copies * p + t * 4 * Math.max(gridPoints, 1) * tapeDoubles(s));
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.ceil(bytes / 1024 ** 2)} MiB`;
}

/**
 * Why a model of this shape cannot be built, or undefined when it fits: more parameters than
 * MAX_MODEL_PARAMS, or more memory than MAX_MODEL_BYTES (with `threads` members training at once:
 * `train --threads` trains on fewer threads rather than exceed it).
 */
export function modelSizeProblem(
  s: NetworkShape,
  members: number,
  gridPoints: number,
  training: boolean,
  threads = 1,
): string | undefined {
  const params = networkParams(s) * members;
  if (!(params <= MAX_MODEL_PARAMS))
    return `${members} network(s) with hidden widths ${s.hidden.join(',')} would have ${params.toExponential(2)} parameters, more than the limit of ${MAX_MODEL_PARAMS.toLocaleString('en-US')}`;
  const bytes = modelBytes(s, members, gridPoints, training, threads);
  if (!(bytes <= MAX_MODEL_BYTES))
    return `hidden widths ${s.hidden.join(',')} on a grid of ${gridPoints} points would need about ${mib(bytes)} of memory, more than the limit of ${mib(MAX_MODEL_BYTES)}`;
  return undefined;
}

/** Why an output of `rows` rows and `columns` columns is too large, or undefined. */
export function outputSizeProblem(rows: number, columns: number): string | undefined {
  if (!(rows <= MAX_OUTPUT_ROWS))
    return `${rows.toLocaleString('en-US')} output rows, more than the limit of ${MAX_OUTPUT_ROWS.toLocaleString('en-US')}`;
  if (!(rows * columns <= MAX_OUTPUT_VALUES))
    return `${(rows * columns).toLocaleString('en-US')} output values (rows × columns), more than the limit of ${MAX_OUTPUT_VALUES.toLocaleString('en-US')}`;
  return undefined;
}
