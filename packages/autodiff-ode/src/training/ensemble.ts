import type { ControlSeries } from '../field/controls';
import {
  type RefineSummary,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
  type TrainingTrajectory,
  trainNeuralODE,
} from './train';
import {
  checkMethod,
  loadModel,
  type NeuralODEJSON,
  type PredictOptions,
  type TrainedModel,
} from './trained-model';

/**
 * Ensembles of neural ODEs: members trained from different seeds, predictions combined by the
 * median, and a prediction band from the members' predictive mixture. Each member m predicts
 * x̂_m(t); the band is the central `level` interval of the equal mixture of N(x̂_m(t), σ²) over
 * the members, where σ² = max(σ_j² − s²(t), 0), s²(t) the members' variance at t and σ_j the
 * error scale of one model for state j (`residualScale`: by default the members' RMSE on the
 * training data; better, a held-out error from cross-validation). The mixture's variance is then
 * about max(σ_j², s²): σ_j where the members agree (in distribution), their spread where the
 * data leave the prediction undetermined (far from the training strains). The spread is not
 * added on top of σ_j, which already contains one model's share of it.
 */

/** The JSON form of an ensemble: its members and how they combine. */
export interface EnsembleJSON {
  format: 'kinetica-ensemble';
  version: 1;
  members: NeuralODEJSON[];
  /** σ_j per state (training RMSE of the members; 0 where a state was never observed). */
  residualScale: number[];
  /** Nominal coverage of the band (default 0.8). */
  level: number;
  /** Clip predictions and band at zero (concentrations). */
  nonnegative: boolean;
  predict: PredictOptions;
}

/** Median and band, one Float64Array of states per time (like `TrainedModel.predict`). */
export interface EnsembleBand {
  median: Float64Array[];
  lower: Float64Array[];
  upper: Float64Array[];
}

export interface EnsembleOptions {
  level?: number;
  nonnegative?: boolean;
  /** How members predict (default: each member's own method). */
  predict?: PredictOptions;
}

/** Standard normal cumulative distribution (the Chebyshev fit of erfc in Numerical Recipes, relative error < 1.2e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/**
 * The q-quantile of the equal mixture of N(c_m, σ²) (a point mass at each c_m when σ = 0), by
 * bisection on the mixture's distribution function.
 */
export function mixtureQuantile(centres: ArrayLike<number>, sigma: number, q: number): number {
  const M = centres.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let m = 0; m < M; m++) {
    lo = Math.min(lo, centres[m]!);
    hi = Math.max(hi, centres[m]!);
  }
  if (!(sigma > 0)) {
    // Point masses: the empirical quantile (lower one at ties, as numpy's 'inverted_cdf').
    const sorted = Float64Array.from(centres).sort();
    return sorted[Math.min(M - 1, Math.max(0, Math.ceil(q * M) - 1))]!;
  }
  lo -= 9 * sigma;
  hi += 9 * sigma;
  for (let it = 0; it < 100 && hi - lo > 1e-12 * (Math.abs(lo) + Math.abs(hi) + sigma); it++) {
    const mid = 0.5 * (lo + hi);
    let F = 0;
    for (let m = 0; m < M; m++) F += normalCdf((mid - centres[m]!) / sigma);
    if (F / M < q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The median of v, sorting v in place (the caller's scratch). */
export function medianInPlace(v: Float64Array): number {
  v.sort();
  const h = v.length >> 1;
  return v.length % 2 ? v[h]! : 0.5 * (v[h - 1]! + v[h]!);
}

/** Trained members that predict together: the median, and a band at `level`. */
export class EnsembleModel {
  readonly members: TrainedModel[];
  readonly residualScale: Float64Array;
  readonly level: number;
  readonly nonnegative: boolean;
  readonly predictOptions: PredictOptions;

  constructor(members: TrainedModel[], residualScale: ArrayLike<number>, options: EnsembleOptions = {}) {
    if (members.length === 0) throw new RangeError('EnsembleModel: no members');
    const n = members[0]!.node.nStates;
    if (members.some((m) => m.node.nStates !== n))
      throw new RangeError('EnsembleModel: members have different numbers of states');
    if (residualScale.length !== n)
      throw new RangeError(`EnsembleModel: residualScale has ${residualScale.length} entries, expected ${n}`);
    this.residualScale = Float64Array.from(residualScale);
    for (let j = 0; j < n; j++) {
      if (!(this.residualScale[j]! >= 0) || !Number.isFinite(this.residualScale[j]!))
        throw new RangeError(
          `EnsembleModel: residualScale[${j}] must be finite and ≥ 0, got ${residualScale[j]}`,
        );
    }
    const level = options.level ?? 0.8;
    if (!(level > 0 && level < 1))
      throw new RangeError(`EnsembleModel: level must lie in (0, 1), got ${level}`);
    this.members = members;
    this.level = level;
    this.nonnegative = options.nonnegative ?? false;
    this.predictOptions = { ...options.predict };
  }

  get nStates(): number {
    return this.members[0]!.node.nStates;
  }

  /**
   * Every member's prediction as a value: `runs[member][time]` → states, or `status: 'failed'`
   * naming the first member whose solve failed (and t).
   */
  simulateMembers(
    x0: ArrayLike<number>,
    controls: ControlSeries | undefined,
    times: ArrayLike<number>,
  ): { status: 'success' | 'failed'; message: string; runs: Float64Array[][] } {
    const runs: Float64Array[][] = [];
    for (let i = 0; i < this.members.length; i++) {
      const r = this.members[i]!.simulate(x0, controls, times, this.predictOptions);
      if (r.status === 'failed') {
        return {
          status: 'failed',
          message: `ensemble member ${i + 1}/${this.members.length}: ${r.message}`,
          runs: [],
        };
      }
      runs.push(r.y);
    }
    return { status: 'success', message: '', runs };
  }

  /** Every member's prediction: [member][time] → states. Throws naming the member that failed. */
  predictMembers(
    x0: ArrayLike<number>,
    controls: ControlSeries | undefined,
    times: ArrayLike<number>,
  ): Float64Array[][] {
    const r = this.simulateMembers(x0, controls, times);
    if (r.status === 'failed') throw new Error(r.message);
    return r.runs;
  }

  /**
   * The members' median and band as a value, shaped like `solve`'s result: `status: 'failed'`
   * (naming the member and t) instead of a throw when a member's solve fails.
   */
  simulate(
    x0: ArrayLike<number>,
    controls: ControlSeries | undefined,
    times: ArrayLike<number>,
  ): { status: 'success' | 'failed'; message: string; t: Float64Array } & EnsembleBand {
    const r = this.simulateMembers(x0, controls, times);
    if (r.status === 'failed') {
      return {
        status: 'failed',
        message: r.message,
        t: new Float64Array(0),
        median: [],
        lower: [],
        upper: [],
      };
    }
    return { status: 'success', message: '', t: Float64Array.from(times), ...this.combine(r.runs, true) };
  }

  /** The members' median at each time (clipped at 0 when `nonnegative`). */
  predict(
    x0: ArrayLike<number>,
    controls: ControlSeries | undefined,
    times: ArrayLike<number>,
  ): Float64Array[] {
    return this.combine(this.predictMembers(x0, controls, times), false).median;
  }

  /** Median and the central `level` band of the predictive mixture at each time. */
  predictBand(
    x0: ArrayLike<number>,
    controls: ControlSeries | undefined,
    times: ArrayLike<number>,
  ): EnsembleBand {
    return this.combine(this.predictMembers(x0, controls, times), true);
  }

  /** Median and band from members' predictions ([member][time] → states) made elsewhere. */
  combine(runs: Float64Array[][], band = true): EnsembleBand {
    const n = this.nStates;
    const M = runs.length;
    const T = runs[0]?.length ?? 0;
    const v = new Float64Array(M);
    const qLo = 0.5 * (1 - this.level);
    const qHi = 0.5 * (1 + this.level);
    const clip = (x: number) => (this.nonnegative && x < 0 ? 0 : x);
    const out: EnsembleBand = { median: [], lower: [], upper: [] };
    for (let k = 0; k < T; k++) {
      const med = new Float64Array(n);
      const lo = new Float64Array(n);
      const hi = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        for (let m = 0; m < M; m++) v[m] = runs[m]![k]![j]!;
        med[j] = clip(medianInPlace(v));
        if (!band) continue;
        // σ_j is the total error of one model; the members' spread s² is part of it, so each
        // member's noise is what σ_j² leaves beyond s² (total variance ≈ max(σ_j², s²)).
        let mean = 0;
        for (let m = 0; m < M; m++) mean += v[m]!;
        mean /= M;
        let s2 = 0;
        for (let m = 0; m < M; m++) s2 += (v[m]! - mean) ** 2;
        s2 /= M;
        const sigma = Math.sqrt(Math.max(this.residualScale[j]! ** 2 - s2, 0));
        // The quantile of max(X, 0) is max(quantile of X, 0): clipping commutes with the band.
        lo[j] = clip(mixtureQuantile(v, sigma, qLo));
        hi[j] = clip(mixtureQuantile(v, sigma, qHi));
      }
      out.median.push(med);
      if (band) {
        out.lower.push(lo);
        out.upper.push(hi);
      }
    }
    return out;
  }

  toJSON(): EnsembleJSON {
    return {
      format: 'kinetica-ensemble',
      version: 1,
      members: this.members.map((m) => m.toJSON()),
      residualScale: Array.from(this.residualScale),
      level: this.level,
      nonnegative: this.nonnegative,
      predict: { ...this.predictOptions },
    };
  }
}

/** Rebuild an ensemble from `toJSON()` output; predictions are identical. */
export function loadEnsemble(json: EnsembleJSON | string): EnsembleModel {
  const obj = (typeof json === 'string' ? JSON.parse(json) : json) as EnsembleJSON;
  if (!obj || obj.format !== 'kinetica-ensemble')
    throw new TypeError('loadEnsemble: not a kinetica-ensemble JSON document');
  if (obj.version !== 1) throw new RangeError(`loadEnsemble: unsupported version ${obj.version}`);
  if (!Array.isArray(obj.members) || obj.members.length === 0)
    throw new RangeError('loadEnsemble: members must be a non-empty array');
  if (!Array.isArray(obj.residualScale)) throw new TypeError('loadEnsemble: residualScale must be an array');
  if (obj.predict?.method !== undefined) checkMethod('loadEnsemble: predict', obj.predict.method);
  return new EnsembleModel(
    obj.members.map((m) => loadModel(m)),
    obj.residualScale,
    { level: obj.level, nonnegative: obj.nonnegative === true, predict: obj.predict ?? {} },
  );
}

/**
 * Root-mean-square error per state of `models` predicting `trajectories` from their first
 * observed state (NaN observations skipped; 0 for a state never observed).
 */
export function trainingResidualScale(
  models: readonly TrainedModel[],
  trajectories: readonly TrainingTrajectory[],
  options: PredictOptions = {},
): Float64Array {
  const n = models[0]!.node.nStates;
  const ss = new Float64Array(n);
  const count = new Float64Array(n);
  for (const model of models) {
    for (const tr of trajectories) {
      const x0 = Array.from(tr.states[0]!, (v) => (Number.isFinite(v) ? v : 0));
      const pred = model.predict(x0, tr.controls, tr.times, options);
      tr.states.forEach((row, k) => {
        for (let j = 0; j < n; j++) {
          const y = row[j]!;
          if (!Number.isFinite(y)) continue;
          ss[j] += (pred[k]![j]! - y) ** 2;
          count[j]++;
        }
      });
    }
  }
  return ss.map((s, j) => (count[j]! > 0 ? Math.sqrt(s / count[j]!) : 0));
}

export interface EnsembleTrainOptions extends TrainOptions {
  /**
   * Members (trained from seeds seed, seed + 1, …; default 5) and how they combine.
   * `residualScale`: σ_j per state, e.g. a held-out error from cross-validation; an entry that is
   * missing or not a finite number ≥ 0 is the members' training RMSE (`trainingResidualScale`).
   */
  ensemble?: EnsembleOptions & { members?: number; residualScale?: ArrayLike<number> };
  /** Called after each member with its index and result, in member order. */
  onMember?: (index: number, result: TrainResult) => void;
  /**
   * Called after each epoch of a member with its index and progress (`onProgress` gets the same
   * progress without the index).
   */
  onMemberProgress?: (index: number, progress: TrainProgress) => void;
}

/**
 * A member's `TrainResult` as plain data (the model as `toJSON()` writes it): what crosses a
 * thread or process boundary, by structured clone or JSON. `trainResultFromJSON` rebuilds the
 * result; its model predicts exactly as the original (JSON round-trips doubles).
 */
export interface TrainResultJSON {
  model: NeuralODEJSON;
  history: TrainProgress[];
  bestEpoch: number;
  stoppedEarly: boolean;
  refine?: RefineSummary;
}

export function trainResultToJSON(result: TrainResult): TrainResultJSON {
  return {
    model: result.model.toJSON(),
    history: result.history,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    ...(result.refine ? { refine: result.refine } : {}),
  };
}

export function trainResultFromJSON(json: TrainResultJSON): TrainResult {
  return {
    model: loadModel(json.model),
    history: json.history,
    bestEpoch: json.bestEpoch,
    stoppedEarly: json.stoppedEarly,
    ...(json.refine ? { refine: json.refine } : {}),
  };
}

/** One member for a `MemberTrainer`. */
export interface EnsembleMemberTask {
  /** Member index, from 0. */
  index: number;
  /** Its seed: the ensemble's seed + index. */
  seed: number;
  /**
   * `trainNeuralODE`'s options for this member (its seed set). `onProgress`, when present, is a
   * function: a trainer on another thread drops it from what it sends and calls it with the
   * progress the member reports.
   */
  options: TrainOptions;
  /** Aborted when the member's result is no longer wanted (a member before it failed). */
  signal: AbortSignal;
}

/**
 * Trains one member, e.g. on a worker thread: `trainNeuralODE(task.options)`, or its result as
 * plain data (`trainResultToJSON`). A member that fails rejects with the error.
 */
export type MemberTrainer = (task: EnsembleMemberTask) => Promise<TrainResult | TrainResultJSON>;

export interface EnsembleTrainAsyncOptions extends EnsembleTrainOptions {
  /**
   * Trains each member (default: `trainNeuralODE` on this thread, one member after another).
   * Called for every member at once; the trainer decides how many run at a time (a pool of
   * threads). Each member's result depends only on its options and seed, so the ensemble is the
   * one `trainEnsemble` returns, bit for bit, however the members were trained.
   */
  trainMember?: MemberTrainer;
}

/** The member's options: its seed, and progress reported with its index. */
function memberOptions(options: EnsembleTrainOptions, index: number): TrainOptions {
  const { ensemble: _e, onMember: _m, onMemberProgress, ...train } = options;
  const seed = (train.seed ?? 0) + index;
  if (!onMemberProgress) return { ...train, seed };
  const { onProgress } = train;
  return {
    ...train,
    seed,
    onProgress: (p) => {
      onProgress?.(p);
      onMemberProgress(index, p);
    },
  };
}

function memberCount(options: EnsembleTrainOptions, where: string): number {
  const count = options.ensemble?.members ?? 5;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`${where}: ensemble.members must be a positive integer, got ${count}`);
  return count;
}

/** The ensemble of trained members: their combination, and the residual scale where none was given. */
function combineMembers(
  options: EnsembleTrainOptions,
  results: TrainResult[],
): { model: EnsembleModel; results: TrainResult[] } {
  const { ensemble = {} } = options;
  const models = results.map((r) => r.model);
  const { residualScale: given, members: _, ...combine } = ensemble;
  const predict = combine.predict ?? {};
  const n = models[0]!.node.nStates;
  const usable = (j: number) => given !== undefined && Number.isFinite(given[j]!) && given[j]! >= 0;
  // The training RMSE is computed only where no scale was given (it costs a prediction per member).
  let scale = given && Array.from({ length: n }, (_, j) => j).every(usable) ? Float64Array.from(given) : null;
  if (!scale) {
    const fitted = trainingResidualScale(models, options.trajectories, predict);
    scale = fitted.map((r, j) => (usable(j) ? given![j]! : r));
  }
  return { model: new EnsembleModel(models, scale, { ...combine, predict }), results };
}

/** Train neural ODEs on the same data from consecutive seeds and combine them. */
export function trainEnsemble(options: EnsembleTrainOptions): {
  model: EnsembleModel;
  results: TrainResult[];
} {
  const count = memberCount(options, 'trainEnsemble');
  const results: TrainResult[] = [];
  for (let i = 0; i < count; i++) {
    const r = trainNeuralODE(memberOptions(options, i));
    results.push(r);
    options.onMember?.(i, r);
  }
  return combineMembers(options, results);
}

/**
 * `trainEnsemble` with the members trained by `trainMember` (e.g. on a pool of worker threads),
 * all at once. The result is `trainEnsemble`'s, bit for bit: each member depends only on its
 * options and seed, and everything after (`onMember`, in member order, the residual scale, the
 * combination) happens here as there. A member that fails rejects with its error, after the
 * members before it have ended (so the error is the one `trainEnsemble` would throw: the first
 * failing member's); the members after it are aborted (`task.signal`).
 */
export async function trainEnsembleAsync(
  options: EnsembleTrainAsyncOptions,
): Promise<{ model: EnsembleModel; results: TrainResult[] }> {
  const { trainMember, ...ensembleOptions } = options;
  const count = memberCount(options, 'trainEnsembleAsync');
  // Plain data carries the model's JSON form (a TrainedModel, of whichever copy of this package, has no `format`).
  const fromTrainer = (r: TrainResult | TrainResultJSON): TrainResult =>
    (r.model as Partial<NeuralODEJSON>).format === 'kinetica-neural-ode'
      ? trainResultFromJSON(r as TrainResultJSON)
      : (r as TrainResult);
  if (!trainMember) return trainEnsemble(ensembleOptions);
  const aborts = Array.from({ length: count }, () => new AbortController());
  const seed = options.seed ?? 0;
  const pending = aborts.map((abort, index) => {
    const p = Promise.resolve().then(() =>
      trainMember({
        index,
        seed: seed + index,
        options: memberOptions(ensembleOptions, index),
        signal: abort.signal,
      }),
    );
    // A failure aborts the members after it (their results would not be used); the ones before
    // it still end, so that the first failure in member order is the one reported.
    p.catch(() => {
      for (let j = index + 1; j < count; j++) aborts[j]!.abort();
    });
    return p;
  });
  const results: TrainResult[] = [];
  for (let i = 0; i < count; i++) {
    const r = fromTrainer(await pending[i]!);
    results.push(r);
    options.onMember?.(i, r);
  }
  return combineMembers(ensembleOptions, results);
}
