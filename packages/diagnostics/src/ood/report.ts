import { checkField, checkState, type Trajectory, type VectorField } from '../field';
import { ftleAlongTrajectory } from '../lyapunov/ftle';
import { spectralNormMap } from '../spectrum/jacobian-spectrum';

import { nearest, scaledDistance, standardDeviations } from './distance';

/** Inputs and thresholds of `oodReport`. */
export interface OodOptions {
  /** The states the model was fitted on, one trajectory per training group. */
  training: readonly Trajectory[];
  /** The model's prediction for the test condition (from its initial state and controls). */
  test: Trajectory;
  /**
   * Control values aligned sample by sample with the training and test states. When given,
   * distances are measured in the joint (state, control) input space of the model, so a strain
   * with unseen enzyme levels is caught even while its states still look familiar.
   */
  controls?: { training: readonly ArrayLike<ArrayLike<number>>[]; test: ArrayLike<ArrayLike<number>> };
  /** Measurements of the test condition, when they exist (NaN marks a missing cell). */
  observed?: Trajectory;
  /** FTLE window length (default: a tenth of the test span) and number of sampled start states per set (default 20). 0 samples turns FTLE off. */
  ftleWindow?: number;
  ftleSamples?: number;
  /** Flag when more than this fraction of test states lies beyond the training distance threshold. Default 0.1. */
  maxFractionOutside?: number;
  /** Flag when the largest test Jacobian norm exceeds this multiple of the largest training one. Default 2. */
  maxNormRatio?: number;
  /** Flag when the largest test FTLE exceeds the largest training FTLE by this much (in 1/time). Default 0.1. */
  maxFtleExcess?: number;
  /** Flag when the mean nRMSE against observations exceeds this. Default 0.5. */
  maxNrmse?: number;
}

/** How far a test trajectory lies from what the model has seen, and what that costs. */
export interface OodReport {
  /**
   * Per test state: Euclidean distance to the nearest training state (joined with its controls when
   * given), each coordinate scaled by its training standard deviation.
   */
  distance: Float64Array;
  /**
   * The largest distance at which training states still find a neighbour in the *other* training
   * trajectories (leave-one-trajectory-out); with a single training trajectory, twice its largest
   * step between samples.
   */
  distanceThreshold: number;
  /** Fraction of test states beyond the threshold. */
  fractionOutside: number;
  /** Spectral norms ‖∂f/∂y‖₂ at the test states and at the training states. */
  jacobianNorm: { test: Float64Array; training: Float64Array; ratio: number };
  /** Largest FTLE from sampled test and training states (empty when turned off). */
  ftle: { window: number; test: Float64Array; training: Float64Array };
  /** Against observations, when given: RMSE per state, nRMSE = RMSE / training std, and the mean nRMSE. */
  extrapolationError?: { rmse: Float64Array; nrmse: Float64Array; overallNrmse: number };
  /** True when any criterion fires; `reasons` says which, with the numbers. */
  flagged: boolean;
  reasons: string[];
}

/**
 * The field met by each trajectory: one field, or (for models driven by per-trajectory controls)
 * the field bound to the test controls and one bound to each training trajectory's controls.
 */
export type OodFields = VectorField | { test: VectorField; training: readonly VectorField[] };

/**
 * Out-of-distribution report for a test trajectory of a (learned) vector field: distance of its
 * states from the training states, the Jacobian norms and finite-time Lyapunov exponents it
 * meets compared with those met in training, and the extrapolation error when observations exist.
 */
export function oodReport(fields: OodFields, options: OodOptions): OodReport {
  const where = 'oodReport';
  const { training, test, controls } = options;
  if (!training?.length) throw new RangeError(`${where}: needs at least one training trajectory`);
  const testField = 'f' in fields ? fields : fields.test;
  const trainFields = 'f' in fields ? training.map(() => fields) : fields.training;
  checkField(testField, where);
  if (trainFields.length !== training.length) {
    throw new RangeError(
      `${where}: ${trainFields.length} training fields for ${training.length} training trajectories`,
    );
  }
  if (controls && controls.training.length !== training.length) {
    throw new RangeError(
      `${where}: controls.training has ${controls.training.length} entries for ${training.length} trajectories`,
    );
  }
  const n = testField.n;
  const trainStates: Float64Array[] = [];
  const trainInputs: Float64Array[] = [];
  const trainGroup: number[] = [];
  training.forEach((tr, g) => {
    checkTrajectory(tr, n, `${where}: training ${g}`);
    for (let i = 0; i < tr.y.length; i++) {
      trainStates.push(Float64Array.from(tr.y[i]!));
      trainInputs.push(joint(tr.y[i]!, controls?.training[g], i, `${where}: controls.training[${g}]`));
      trainGroup.push(g);
    }
  });
  checkTrajectory(test, n, `${where}: test`);
  const testInputs = Array.from({ length: test.y.length }, (_, i) =>
    joint(test.y[i]!, controls?.test, i, `${where}: controls.test`),
  );
  const scale = standardDeviations(trainStates, n);
  const inputScale = standardDeviations(trainInputs, trainInputs[0]!.length);

  const distance = Float64Array.from(testInputs, (y) => nearest(y, trainInputs, inputScale, -1, trainGroup));
  let distanceThreshold = 0;
  if (training.length > 1) {
    trainInputs.forEach((y, i) => {
      distanceThreshold = Math.max(
        distanceThreshold,
        nearest(y, trainInputs, inputScale, trainGroup[i]!, trainGroup),
      );
    });
  } else {
    for (let i = 1; i < trainInputs.length; i++) {
      distanceThreshold = Math.max(
        distanceThreshold,
        2 * scaledDistance(trainInputs[i]!, trainInputs[i - 1]!, inputScale),
      );
    }
  }
  const fractionOutside = distance.filter((d) => d > distanceThreshold).length / Math.max(1, distance.length);

  const normTest = spectralNormMap(testField, test);
  const normTrain = concat(training.map((tr, g) => spectralNormMap(trainFields[g]!, tr)));
  const normRatio = Math.max(...normTest) / Math.max(...normTrain);

  const span = Math.abs(test.t[test.t.length - 1]! - test.t[0]!);
  const window = options.ftleWindow ?? span / 10;
  const samples = options.ftleSamples ?? 20;
  const ftleOn = samples > 0 && window > 0;
  const ftleTest = ftleOn
    ? ftleAlongTrajectory(testField, subsample(test, samples), { T: window })
    : new Float64Array(0);
  const perTraining = Math.max(1, Math.ceil(samples / training.length));
  const ftleTrain = ftleOn
    ? concat(
        training.map((tr, g) =>
          ftleAlongTrajectory(trainFields[g]!, subsample(tr, perTraining), { T: window }),
        ),
      )
    : new Float64Array(0);

  const report: OodReport = {
    distance,
    distanceThreshold,
    fractionOutside,
    jacobianNorm: { test: normTest, training: normTrain, ratio: normRatio },
    ftle: { window, test: ftleTest, training: ftleTrain },
    flagged: false,
    reasons: [],
  };
  const { maxFractionOutside = 0.1, maxNormRatio = 2, maxFtleExcess = 0.1, maxNrmse = 0.5 } = options;
  if (fractionOutside > maxFractionOutside) {
    report.reasons.push(
      `${(100 * fractionOutside).toFixed(0)}% of test states lie farther from the training states than ${distanceThreshold.toFixed(3)} (scaled units)`,
    );
  }
  if (normRatio > maxNormRatio) {
    report.reasons.push(`Jacobian norm reaches ${normRatio.toFixed(2)}× the largest seen in training`);
  }
  if (ftleTest.length > 0) {
    const excess = Math.max(...ftleTest) - Math.max(...ftleTrain);
    if (excess > maxFtleExcess) {
      report.reasons.push(`largest FTLE exceeds the training one by ${excess.toFixed(3)} per unit time`);
    }
  }
  if (options.observed) {
    checkTrajectory(options.observed, n, `${where}: observed`, true);
    report.extrapolationError = extrapolationError(test, options.observed, scale);
    if (report.extrapolationError.overallNrmse > maxNrmse) {
      report.reasons.push(
        `mean nRMSE against observations is ${report.extrapolationError.overallNrmse.toFixed(3)}`,
      );
    }
  }
  report.flagged = report.reasons.length > 0;
  return report;
}

function checkTrajectory(tr: Trajectory, n: number, where: string, allowNaN = false): void {
  if (!tr?.t || !tr.y || tr.t.length !== tr.y.length || tr.t.length === 0) {
    throw new RangeError(`${where}: needs matching, non-empty t and y`);
  }
  for (let i = 0; i < tr.y.length; i++) {
    if (allowNaN) {
      if (tr.y[i]!.length !== n)
        throw new RangeError(`${where}: state ${i} has length ${tr.y[i]!.length}, expected ${n}`);
    } else {
      checkState(tr.y[i]!, n, `${where}: state ${i}`);
    }
  }
}

function joint(
  y: ArrayLike<number>,
  u: ArrayLike<ArrayLike<number>> | undefined,
  i: number,
  where: string,
): Float64Array {
  if (!u) return Float64Array.from(y);
  const row = u[i];
  if (!row) throw new RangeError(`${where}: no control values for sample ${i}`);
  const out = new Float64Array(y.length + row.length);
  out.set(Array.from(y));
  out.set(Array.from(row), y.length);
  return out;
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function subsample(tr: Trajectory, count: number): Trajectory {
  const m = tr.t.length;
  const idx = Array.from({ length: Math.min(count, m) }, (_, k) =>
    Math.round((k * (m - 1)) / Math.max(1, Math.min(count, m) - 1)),
  );
  return { t: idx.map((i) => tr.t[i]!), y: idx.map((i) => tr.y[i]!) };
}

/** Linear interpolation of the prediction at each observation time; NaN observations are skipped. */
function extrapolationError(pred: Trajectory, obs: Trajectory, scale: Float64Array) {
  const n = scale.length;
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  const tp = pred.t;
  for (let k = 0; k < obs.t.length; k++) {
    const t = obs.t[k]!;
    let i = 0;
    while (i < tp.length - 2 && tp[i + 1]! < t) i++;
    const span = tp.length > 1 ? tp[i + 1]! - tp[i]! : 1;
    const w = tp.length > 1 ? Math.min(1, Math.max(0, (t - tp[i]!) / span)) : 0;
    for (let j = 0; j < n; j++) {
      const o = obs.y[k]![j]!;
      if (!Number.isFinite(o)) continue;
      const p = tp.length > 1 ? (1 - w) * pred.y[i]![j]! + w * pred.y[i + 1]![j]! : pred.y[0]![j]!;
      sum[j]! += (p - o) ** 2;
      count[j]! += 1;
    }
  }
  const rmse = sum.map((s, j) => (count[j]! > 0 ? Math.sqrt(s / count[j]!) : Number.NaN));
  const nrmse = rmse.map((r, j) => r / scale[j]!);
  const valid = Array.from(nrmse).filter(Number.isFinite);
  return { rmse, nrmse, overallNrmse: valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length) };
}
