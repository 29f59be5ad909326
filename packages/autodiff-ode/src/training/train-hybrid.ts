import type { AdditiveHybrid } from '../field/additive-hybrid';
import type { ControlSeries } from '../field/controls';
import { tapeByRecompute } from '../integrate/taped-model';
import { createRng } from '../random/rng';
import { Adam } from './adam';
import { LBFGS } from './lbfgs';
import { clipGradientNorm, type LearningRateSchedule, learningRateAt } from './schedule';
import { type GradientSettings, SegmentGradient } from './segment-gradient';
import type { RefineOptions } from './train';
import { TrajectoryLoss } from './trajectory-loss';
import type { TrainProgress } from './types';

/** What is measured: Σ_k c_k·x[states_k] (a species, or a pool such as IPP + DMAPP). */
export interface HybridObservable {
  states: readonly number[];
  /** Coefficients c_k (default 1 each). */
  coefficients?: readonly number[];
}

/** The observable's value Σ_k c_k·y[yo + states_k] at the state y[yo …]. */
export function observableValue(
  o: { states: ArrayLike<number>; coefficients?: ArrayLike<number> | undefined },
  y: ArrayLike<number>,
  yo = 0,
): number {
  const c = o.coefficients;
  let s = 0;
  for (let q = 0; q < o.states.length; q++) s += (c ? c[q]! : 1) * y[yo + o.states[q]!]!;
  return s;
}

/** One measured trajectory of a hybrid model: observables at `times`, the full initial state. */
export interface HybridTrajectory {
  name?: string;
  times: ArrayLike<number>;
  /** Rows of observable values at `times` (NaN = not measured). */
  observations: ReadonlyArray<ArrayLike<number>>;
  controls?: ControlSeries;
  /** The model's initial state (every state, unobserved ones included). */
  y0: ArrayLike<number>;
}

/** Progress of `trainHybrid`: 'mechanistic' entries are the L-BFGS iterations of the first stage. */
export interface HybridTrainProgress extends Omit<TrainProgress, 'phase' | 'valLoss'> {
  phase: 'mechanistic' | 'adam' | 'refine';
}

export interface TrainHybridOptions extends GradientSettings {
  model: AdditiveHybrid;
  trajectories: readonly HybridTrajectory[];
  observables: readonly HybridObservable[];
  /** Start here instead of `model.initParams` (the mechanistic model with a zero correction). */
  params?: Float64Array;
  /** Seed of the network's initial weights (default 0). */
  seed?: number;
  /** Weight init: N(0, weightStd²) for the hidden layers (default Glorot). */
  weightStd?: number;
  /** Per-observable weight of a squared error (default 1/variance of its training values). */
  weights?: ArrayLike<number>;
  /**
   * Stage 1: L-BFGS on the trained mechanistic parameters alone (the network's output is zero),
   * at most this many iterations (default 50; 0 skips it). A model far from the data is first
   * brought near it by its own parameters, so that the network learns what the mechanism lacks.
   */
  mechanisticIterations?: number;
  /** Stage 2: Adam epochs on both parameter sets, full batch (default 200). */
  epochs?: number;
  lr?: number;
  schedule?: LearningRateSchedule;
  clip?: number;
  /** Stage 3 (optional): L-BFGS on both parameter sets. */
  refine?: RefineOptions;
  onProgress?: (p: HybridTrainProgress) => void;
}

export interface TrainHybridResult {
  /**
   * 'failed' when the starting model cannot be solved on a training trajectory (`message` names
   * it; params are the start, the losses NaN). Failures after the start are handled in training
   * (a failed step is rolled back) and listed in the history.
   */
  status: 'success' | 'failed';
  message: string;
  /** The best parameters found ([log θ_trainable, network weights]). */
  params: Float64Array;
  /** Training loss at `params`. */
  loss: number;
  /** Loss of the starting parameters and after stage 1. */
  lossStart: number;
  lossMechanistic: number;
  history: HybridTrainProgress[];
}

/**
 * The loss on observables z = H·x at the observation times: `TrajectoryLoss` over the
 * observables, its gradient mapped back onto the states (Hᵀ ∂L/∂z).
 */
export class ObservationLoss extends TrajectoryLoss {
  private readonly nStates: number;
  private readonly rows: { states: Int32Array; coefficients: Float64Array }[];
  private readonly z: Float64Array;
  private readonly gz: Float64Array;

  constructor(
    obs: Float64Array,
    observables: readonly HybridObservable[],
    nStates: number,
    weights: Float64Array,
  ) {
    super(obs, observables.length, { stateWeights: weights });
    this.nStates = nStates;
    this.rows = observables.map((o, k) => {
      const states = Int32Array.from(o.states);
      for (const j of states)
        if (!(j >= 0 && j < nStates))
          throw new RangeError(`observables[${k}]: state index ${j} is out of range 0..${nStates - 1}`);
      if (states.length === 0) throw new RangeError(`observables[${k}] reads no state`);
      const coef = Float64Array.from(o.coefficients ?? new Array(states.length).fill(1));
      if (coef.length !== states.length)
        throw new RangeError(`observables[${k}]: ${coef.length} coefficients for ${states.length} states`);
      return { states, coefficients: coef };
    });
    this.z = new Float64Array(observables.length);
    this.gz = new Float64Array(observables.length);
  }

  /** Observable values of the state y[yo …] into out[oo …]. */
  observe(y: ArrayLike<number>, yo: number, out: Float64Array, oo = 0): void {
    for (let k = 0; k < this.rows.length; k++) out[oo + k] = observableValue(this.rows[k]!, y, yo);
  }

  override at(
    i: number,
    y: ArrayLike<number>,
    yo: number,
    grad: Float64Array | null,
    go: number,
    trackReference = true,
  ): number {
    this.observe(y, yo, this.z);
    const L = super.at(i, this.z, 0, grad ? this.gz : null, 0, trackReference);
    if (grad) {
      grad.fill(0, go, go + this.nStates);
      for (let k = 0; k < this.rows.length; k++) {
        const r = this.rows[k]!;
        for (let q = 0; q < r.states.length; q++) grad[go + r.states[q]!] += r.coefficients[q]! * this.gz[k]!;
      }
    }
    return L;
  }
}

/**
 * Train an `AdditiveHybrid` (known mechanism + learned correction) on measured observables:
 * stage 1 fits the mechanistic parameters alone by L-BFGS, stage 2 trains both parameter sets by
 * full-batch Adam (a failed solve rolls back the step and halves the rate, as `trainNeuralODE`
 * does), stage 3 optionally refines both by L-BFGS. Gradients as in `trainNeuralODE`
 * (`GradientSettings`; default bdf with the discrete adjoint, since mechanistic models are often
 * stiff). The returned parameters are the best full-batch loss seen.
 */
export function trainHybrid(options: TrainHybridOptions): TrainHybridResult {
  const { model, trajectories, observables } = options;
  if (!trajectories || trajectories.length === 0)
    throw new TypeError('trainHybrid: trajectories must be a non-empty array');
  if (observables.length === 0) throw new TypeError('trainHybrid: observables must not be empty');
  const n = model.nStates;
  const nObs = observables.length;
  const np = model.nParams;
  const k = model.nMechanistic;
  const settings: GradientSettings = {
    method: options.method ?? 'bdf',
    ...(options.grad ? { grad: options.grad } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.adjointMode ? { adjointMode: options.adjointMode } : {}),
    rtol: options.rtol ?? 1e-6,
    atol: options.atol ?? 1e-9,
    ...(options.substeps !== undefined ? { substeps: options.substeps } : {}),
  };
  // Weights: 1/variance of each observable over every training observation.
  const weights = new Float64Array(nObs);
  if (options.weights) {
    if (options.weights.length !== nObs)
      throw new RangeError(
        `trainHybrid: weights has ${options.weights.length} entries for ${nObs} observables`,
      );
    for (let q = 0; q < nObs; q++) {
      const w = options.weights[q]!;
      if (!(w >= 0 && Number.isFinite(w)))
        throw new RangeError(`trainHybrid: weights[${q}] must be a finite number ≥ 0, got ${w}`);
      weights[q] = w;
    }
  } else {
    for (let q = 0; q < nObs; q++) {
      let s = 0;
      let s2 = 0;
      let c = 0;
      for (const tr of trajectories)
        for (const row of tr.observations) {
          const v = row[q]!;
          if (Number.isFinite(v)) {
            s += v;
            s2 += v * v;
            c++;
          }
        }
      const variance = c > 1 ? (s2 - (s * s) / c) / (c - 1) : 0;
      weights[q] = variance > 0 ? 1 / variance : 1;
    }
  }
  const problems = trajectories.map((tr, ti) => {
    const label = tr.name ?? `trajectories[${ti}]`;
    const T = tr.times.length;
    if (T < 2) throw new RangeError(`trainHybrid: ${label} has ${T} time point; at least two are needed`);
    if (tr.observations.length !== T)
      throw new RangeError(
        `trainHybrid: ${label} has ${tr.observations.length} observation rows for ${T} times`,
      );
    if (tr.y0.length !== n)
      throw new RangeError(`trainHybrid: ${label}: y0 has ${tr.y0.length} entries, the model ${n} states`);
    const obs = new Float64Array(T * nObs);
    tr.observations.forEach((row, i) => {
      if (row.length !== nObs)
        throw new RangeError(
          `trainHybrid: ${label}: observations[${i}] has ${row.length} entries, expected ${nObs}`,
        );
      for (let q = 0; q < nObs; q++) obs[i * nObs + q] = Number(row[q]);
    });
    const loss = new ObservationLoss(obs, observables, n, weights);
    const field = tapeByRecompute(model.field(tr.controls));
    return {
      label,
      y0: Float64Array.from(tr.y0),
      grad: new SegmentGradient(field, Float64Array.from(tr.times), loss, settings),
    };
  });
  const dy0 = new Float64Array(n);
  /** Full-batch mean loss at p and its gradient into gp; `failed` names a failed solve. */
  const batch = (p: Float64Array, gp: Float64Array) => {
    gp.fill(0);
    let loss = 0;
    let nfev = 0;
    const w = 1 / problems.length;
    for (const pr of problems) {
      const r = pr.grad.lossAndGradient(p, pr.y0, gp, dy0, w);
      nfev += r.nfev;
      if (r.status === 'failed') return { loss: Number.NaN, nfev, failed: `${pr.label}: ${r.message}` };
      loss += w * r.loss;
    }
    return { loss, nfev, failed: '' };
  };

  const params = options.params
    ? Float64Array.from(options.params)
    : model.initParams(createRng(options.seed ?? 0), options.weightStd);
  if (params.length !== np)
    throw new RangeError(`trainHybrid: params has ${params.length} entries, the model ${np}`);
  const history: HybridTrainProgress[] = [];
  const t0 = performance.now();
  const g = new Float64Array(np);
  const start = batch(params, g);
  if (start.failed)
    return {
      status: 'failed',
      message: `the starting model cannot be solved: ${start.failed}`,
      params,
      loss: Number.NaN,
      lossStart: Number.NaN,
      lossMechanistic: Number.NaN,
      history,
    };
  let best = params.slice();
  let bestLoss = start.loss;
  const consider = (p: Float64Array, loss: number) => {
    if (loss < bestLoss) {
      bestLoss = loss;
      best = p.slice();
    }
  };

  // Stage 1: the mechanistic parameters alone.
  const epochs = options.epochs ?? 200;
  const lbfgsStage = (
    phase: 'mechanistic' | 'refine',
    x: Float64Array,
    size: number,
    iterations: number,
    memory: number,
    tolerance: number,
  ) => {
    const full = params.slice();
    const gfull = new Float64Array(np);
    let stepNfev = 0;
    let failures: string[] = [];
    const objective = (z: Float64Array, gz: Float64Array) => {
      full.set(z);
      const r = batch(full, gfull);
      stepNfev += r.nfev;
      if (r.failed) {
        failures.push(r.failed);
        return Number.NaN;
      }
      gz.set(gfull.subarray(0, size));
      return r.loss;
    };
    const first = history.length;
    const r = new LBFGS(size, memory).minimize(objective, x, {
      iterations,
      tolerance,
      onIteration: (it) => {
        const entry: HybridTrainProgress = {
          phase,
          epoch: history.length - first,
          epochs: iterations,
          loss: it.f,
          lr: it.step,
          gradNorm: it.gradNorm,
          nfev: stepNfev,
          failures,
          elapsedMs: performance.now() - t0,
        };
        stepNfev = 0;
        failures = [];
        history.push(entry);
        options.onProgress?.(entry);
      },
    });
    // x is L-BFGS's best point and r.f its loss (not finite only when the start failed).
    full.set(x);
    if (Number.isFinite(r.f)) consider(full, r.f);
    return full;
  };
  const mechIterations = options.mechanisticIterations ?? 50;
  if (!(Number.isInteger(mechIterations) && mechIterations >= 0))
    throw new RangeError(`trainHybrid: mechanisticIterations must be an integer ≥ 0, got ${mechIterations}`);
  if (mechIterations > 0 && k > 0) {
    const x = params.slice(0, k);
    lbfgsStage('mechanistic', x, k, mechIterations, 10, 1e-10);
  }
  const lossMechanistic = bestLoss;
  params.set(best);

  // Stage 2: both parameter sets, full-batch Adam.
  const adam = new Adam(np);
  const prev = params.slice();
  const lr0 = options.lr ?? 1e-2;
  const clip = options.clip ?? Number.POSITIVE_INFINITY;
  let lrFactor = 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = learningRateAt(lr0, options.schedule, epoch, epochs);
    const r = batch(params, g);
    const failures: string[] = [];
    let gradNorm = 0;
    if (r.failed) {
      failures.push(r.failed);
      params.set(prev);
      lrFactor *= 0.5;
    } else {
      consider(params, r.loss);
      gradNorm = clipGradientNorm(g, clip);
      prev.set(params);
      adam.step(params, g, lr * lrFactor);
    }
    const entry: HybridTrainProgress = {
      phase: 'adam',
      epoch,
      epochs,
      loss: r.loss,
      lr: lr * lrFactor,
      gradNorm,
      nfev: r.nfev,
      failures,
      elapsedMs: performance.now() - t0,
    };
    history.push(entry);
    options.onProgress?.(entry);
  }
  if (epochs > 0) {
    const r = batch(params, g);
    if (!r.failed) consider(params, r.loss);
  }

  // Stage 3: L-BFGS on everything.
  if (options.refine && options.refine.iterations > 0) {
    const x = best.slice();
    params.set(best);
    lbfgsStage(
      'refine',
      x,
      np,
      options.refine.iterations,
      options.refine.memory ?? 10,
      options.refine.tolerance ?? 1e-9,
    );
  }
  return {
    status: 'success',
    message: '',
    params: best,
    loss: bestLoss,
    lossStart: start.loss,
    lossMechanistic,
    history,
  };
}
