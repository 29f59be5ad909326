import type { Activation } from '../mlp/activations';
import { BatchedNeuralField } from '../field/batched-field';
import { NeuralODE, type NonNegativity, type StoichiometrySpec } from '../field/neural-ode';
import { isFused } from '../integrate/forward-solve';
import { createRng } from '../random/rng';
import { Adam } from './adam';
import { type CheckpointStore, fileCheckpointStore } from './checkpoint';
import { LBFGS, type LBFGSResult } from './lbfgs';
import { clipGradientNorm, type LearningRateSchedule, learningRateAt } from './schedule';
import { type GradientSettings, SegmentGradient } from './segment-gradient';
import { TrainedModel } from './trained-model';
import { TrajectoryLoss } from './trajectory-loss';
import type { TrainingCheckpoint, TrainingTrajectory, TrainProgress } from './types';

export type { TrainingCheckpoint, TrainingTrajectory, TrainProgress } from './types';
import { checkTrajectory, fillMissing, fitScaling } from './data';
import { fitRateScale } from './rate-scale';

/** Full-batch L-BFGS refinement after the Adam epochs (the "Adam, then L-BFGS" recipe). */
export interface RefineOptions {
  /** Most L-BFGS iterations. */
  iterations: number;
  /** Correction pairs kept (default 10). */
  memory?: number;
  /** Stop when the full-batch ‖∇L‖∞ ≤ tolerance (default 1e-9). */
  tolerance?: number;
}

/** Outcome of the refinement stage. */
export interface RefineSummary {
  /** As `LBFGSResult.status`; 'failed' when the loss could not be evaluated at the start. */
  status: LBFGSResult['status'];
  message: string;
  iterations: number;
  /** Full-batch loss before and after. */
  lossBefore: number;
  loss: number;
  /** Validation loss of the refined parameters, when validation trajectories are given. */
  valLoss?: number;
  /** Whether the refined parameters became the returned model (not when validation got worse). */
  kept: boolean;
}

/** Options of `trainNeuralODE`. */
export interface TrainOptions extends GradientSettings {
  trajectories: TrainingTrajectory[];
  /** Validation trajectories for early stopping and model selection (never trained on). */
  validation?: TrainingTrajectory[];
  stateNames?: string[];
  controlNames?: string[];
  /** Hidden widths (default [64, 64]). */
  hidden?: number[];
  activation?: Activation;
  timeInput?: boolean;
  nonnegative?: NonNegativity;
  /** Build the S·r_θ form (enzyme-multiplied rates; see `StoichiometrySpec`) instead of an output per state. */
  stoichiometry?: StoichiometrySpec;
  /** Start from this model and parameters instead of building one from the data. */
  model?: NeuralODE;
  params?: Float64Array;
  /** Weight init: N(0, weightStd²); default Glorot. */
  weightStd?: number;
  epochs?: number;
  lr?: number;
  schedule?: LearningRateSchedule;
  warmup?: number;
  /** Trajectories per Adam step (default all). */
  batchSize?: number;
  /**
   * Solve the trajectories of a mini-batch that share their observation times as one stacked
   * system, two per weight load (default true for the fused methods rk4, dopri5, euler and map;
   * false for the others, whose implicit steps would factor the stacked system's Jacobian whole;
   * never with multiple shooting). The mini-batch loss
   * is then the mean over all its observed entries rather than the mean of per-trajectory means
   * (the same when every trajectory has the same number of observations).
   */
  lockstep?: boolean;
  /** Largest gradient norm (default: no clipping). */
  clip?: number;
  seed?: number;
  /** Per-state loss weights (default 1/scale² from the data). */
  stateWeights?: ArrayLike<number>;
  negativePenalty?: number;
  conservation?: { laws: ReadonlyArray<ArrayLike<number>>; weight: number };
  /** Multiple shooting: segments of this many observation intervals, tied by a continuity penalty. */
  shooting?: { segmentLength: number; continuityWeight?: number };
  /** Stop after `patience` validations without improvement; validate every `every` epochs (default 1). */
  earlyStopping?: { patience: number; every?: number };
  /**
   * Save a checkpoint every `every` epochs (default 1) and after the last: to `store` (any
   * `{load, save}`, e.g. browser storage or a database), or to the file `path` (written
   * atomically; `fileCheckpointStore`).
   */
  checkpoint?: { path?: string; store?: CheckpointStore; every?: number };
  /** Resume from this checkpoint file when it exists, or from what this store loads. */
  resume?: string | CheckpointStore;
  /**
   * After the Adam epochs, minimise the full-batch training loss (every trajectory, penalties
   * and, with multiple shooting, the free initial states included) by L-BFGS with a strong-Wolfe
   * line search, starting from the best epoch's parameters. A trial point whose solve fails is
   * rejected and the step shrunk. With validation trajectories the refined parameters are kept
   * only if the validation loss does not get worse. The refinement runs after the last epoch and
   * writes no checkpoint; a run resumed from the final checkpoint repeats it.
   */
  refine?: RefineOptions;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainResult {
  /** The model with the best validation loss (or the last parameters without validation). */
  model: TrainedModel;
  history: TrainProgress[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Present when `refine` was asked for. */
  refine?: RefineSummary;
}

interface Segment {
  grad: SegmentGradient;
  /** Offset of this segment's free initial state in the full parameter vector, or −1 (data). */
  shootOffset: number;
  /** Offset of the next segment's free initial state, or −1. */
  nextOffset: number;
}

/**
 * Train a neural ODE dx/dt = f_θ(x, u(t)) on measured trajectories: mini-batches of trajectories,
 * Adam with a learning-rate schedule and gradient clipping, losses at the observation times with
 * per-state scaling and masks, optional penalties, multiple shooting, early stopping on
 * validation trajectories, seeded and resumable from atomic checkpoints.
 */
export function trainNeuralODE(options: TrainOptions): TrainResult {
  const trajs = options.trajectories;
  if (!Array.isArray(trajs) || trajs.length === 0)
    throw new TypeError('trainNeuralODE: trajectories must be a non-empty array');
  const n = options.model?.nStates ?? trajs[0]!.states[0]?.length ?? 0;
  const m = options.model?.nControls ?? trajs[0]!.controls?.values[0]?.length ?? 0;
  trajs.forEach((t, i) => {
    checkTrajectory(t, n, m, `trajectories[${i}]`);
  });
  (options.validation ?? []).forEach((t, i) => {
    checkTrajectory(t, n, m, `validation[${i}]`);
  });
  const scaling = fitScaling(trajs, n, m);
  const node =
    options.model ??
    new NeuralODE({
      nStates: n,
      nControls: m,
      hidden: options.hidden ?? [64, 64],
      activation: options.activation ?? 'tanh',
      timeInput: options.timeInput ?? false,
      nonnegative: options.nonnegative ?? 'none',
      ...scaling,
      ...(options.stoichiometry
        ? { stoichiometry: fitRateScale(options.stoichiometry, trajs, scaling) }
        : {}),
      ...(options.stateNames ? { stateNames: options.stateNames } : {}),
      ...(options.controlNames ? { controlNames: options.controlNames } : {}),
    });
  const rng = createRng(options.seed ?? 0);
  const theta0 = options.params ? Float64Array.from(options.params) : node.initParams(rng, options.weightStd);
  const np = node.nParams;
  const weights = Float64Array.from(options.stateWeights ?? Array.from(node.stateScale, (s) => 1 / (s * s)));
  const lossWeights = {
    stateWeights: weights,
    ...(options.negativePenalty ? { negativePenalty: options.negativePenalty } : {}),
    ...(options.conservation ? { conservation: options.conservation } : {}),
  };
  const settings: GradientSettings = {
    method: options.method ?? 'dopri5',
    ...(options.grad ? { grad: options.grad } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.adjointMode ? { adjointMode: options.adjointMode } : {}),
    ...(options.rtol !== undefined ? { rtol: options.rtol } : {}),
    ...(options.atol !== undefined ? { atol: options.atol } : {}),
    ...(options.substeps !== undefined ? { substeps: options.substeps } : {}),
  };

  // Segments (one per trajectory, or several with multiple shooting) and free initial states.
  const shootInit: number[] = [];
  const perTraj: { y0: Float64Array; segments: Segment[] }[] = trajs.map((tr) => {
    const field = node.field(tr.controls);
    const times = Float64Array.from(tr.times);
    const filled = fillMissing(tr, n);
    const obs = new Float64Array(times.length * n);
    tr.states.forEach((row, i) => {
      for (let j = 0; j < n; j++) obs[i * n + j] = Number(row[j]);
    });
    const L = options.shooting?.segmentLength ?? times.length - 1;
    if (!Number.isInteger(L) || L < 1)
      throw new RangeError(`trainNeuralODE: shooting.segmentLength must be a positive integer, got ${L}`);
    const segments: Segment[] = [];
    for (let a = 0; a < times.length - 1; a += L) {
      const b = Math.min(a + L, times.length - 1);
      const loss = new TrajectoryLoss(obs.slice(a * n, (b + 1) * n), n, lossWeights);
      const shootOffset = a === 0 ? -1 : np + shootInit.length;
      if (a > 0) for (let j = 0; j < n; j++) shootInit.push(filled[a * n + j]!);
      segments.push({
        grad: new SegmentGradient(field, times.slice(a, b + 1), loss, settings),
        shootOffset,
        nextOffset: -1,
      });
    }
    for (let s = 0; s + 1 < segments.length; s++) segments[s]!.nextOffset = segments[s + 1]!.shootOffset;
    return { y0: filled.slice(0, n), segments };
  });
  const valProblems = (options.validation ?? []).map((tr) => {
    const times = Float64Array.from(tr.times);
    const obs = new Float64Array(times.length * n);
    tr.states.forEach((row, i) => {
      for (let j = 0; j < n; j++) obs[i * n + j] = Number(row[j]);
    });
    const grad = new SegmentGradient(
      node.field(tr.controls),
      times,
      new TrajectoryLoss(obs, n, lossWeights),
      settings,
    );
    return { grad, y0: fillMissing(tr, n).slice(0, n) };
  });

  // Lockstep: a mini-batch of trajectories that share their times is solved as one stacked system
  // (BatchedNeuralField), its loss the mean over all its observed entries. One per batch makeup.
  const fusedMethod = isFused(settings.method ?? 'dopri5');
  const lockstep = (options.lockstep ?? fusedMethod) && !options.shooting;
  const lockstepCache = new Map<string, { grad: SegmentGradient; y0: Float64Array; dy0: Float64Array }>();
  const sameTimes = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const lockstepFor = (batch: number[]) => {
    if (!lockstep || batch.length < 2) return null;
    const t0 = trajs[batch[0]!]!.times;
    if (!batch.every((ti) => sameTimes(trajs[ti]!.times, t0))) return null;
    const key = [...batch].sort((a, b) => a - b).join(',');
    let hit = lockstepCache.get(key);
    if (!hit) {
      const members = key.split(',').map(Number);
      const B = members.length;
      const T = t0.length;
      const obs = new Float64Array(T * n * B);
      members.forEach((ti, b) => {
        trajs[ti]!.states.forEach((row, i) => {
          for (let j = 0; j < n; j++) obs[(i * B + b) * n + j] = Number(row[j]);
        });
      });
      const stackedWeights = new Float64Array(n * B);
      for (let b = 0; b < B; b++) stackedWeights.set(weights, b * n);
      const laws = (options.conservation?.laws ?? []).flatMap((law) =>
        members.map((_, b) => {
          const row = new Float64Array(n * B);
          for (let j = 0; j < n; j++) row[b * n + j] = law[j]!;
          return row;
        }),
      );
      const loss = new TrajectoryLoss(obs, n * B, {
        stateWeights: stackedWeights,
        // Penalties are sums over states: divide by B to keep the per-trajectory average.
        ...(options.negativePenalty ? { negativePenalty: options.negativePenalty / B } : {}),
        ...(options.conservation ? { conservation: { laws, weight: options.conservation.weight / B } } : {}),
      });
      const field = new BatchedNeuralField(members.map((ti) => node.field(trajs[ti]!.controls)));
      const y0 = new Float64Array(n * B);
      members.forEach((ti, b) => {
        y0.set(perTraj[ti]!.y0, b * n);
      });
      hit = {
        grad: new SegmentGradient(field, Float64Array.from(t0), loss, settings),
        y0,
        dy0: new Float64Array(n * B),
      };
      lockstepCache.set(key, hit);
    }
    return hit;
  };

  const dy0 = new Float64Array(n);
  const continuity = options.shooting?.continuityWeight ?? 1;
  /**
   * Loss of a mini-batch at x (network parameters p = x[0, np), then the free initial states of
   * multiple shooting) and its gradient into gx; `failed` names the solve that failed, if any.
   */
  const batchLoss = (x: Float64Array, p: Float64Array, batch: number[], gx: Float64Array) => {
    gx.fill(0);
    const w = 1 / batch.length;
    let loss = 0;
    let nfev = 0;
    let failed = '';
    const stacked = lockstepFor(batch);
    if (stacked) {
      const r = stacked.grad.lossAndGradient(p, stacked.y0, gx, stacked.dy0, 1);
      nfev += r.nfev;
      if (r.status === 'failed')
        failed = `mini-batch ${batch.map((ti) => trajs[ti]!.name ?? ti).join(',')}: ${r.message}`;
      loss = r.loss;
    }
    for (const ti of stacked ? [] : batch) {
      const tr = perTraj[ti]!;
      for (const seg of tr.segments) {
        const y0 = seg.shootOffset < 0 ? tr.y0 : x.subarray(seg.shootOffset, seg.shootOffset + n);
        seg.grad.loss.setEndTarget(
          seg.nextOffset < 0 ? null : x.subarray(seg.nextOffset, seg.nextOffset + n),
          continuity,
        );
        const r = seg.grad.lossAndGradient(p, y0, gx, dy0, w);
        nfev += r.nfev;
        if (r.status === 'failed') {
          failed = `trajectory ${trajs[ti]!.name ?? ti}: ${r.message}`;
          break;
        }
        loss += w * r.loss;
        if (seg.shootOffset >= 0) for (let j = 0; j < n; j++) gx[seg.shootOffset + j] += dy0[j]!;
        if (seg.nextOffset >= 0) seg.grad.loss.endTargetGradient(seg.grad.end, 0, gx, seg.nextOffset, w);
      }
      if (failed) break;
    }
    return { loss, nfev, failed };
  };

  const theta = new Float64Array(np + shootInit.length);
  theta.set(theta0);
  theta.set(shootInit, np);
  const g = new Float64Array(theta.length);
  // Parameters before the latest update: a solve that fails (blow-up) rolls back to them.
  const thetaPrev = theta.slice();
  const adam = new Adam(theta.length);
  const epochs = options.epochs ?? 100;
  const batchSize = Math.min(options.batchSize ?? trajs.length, trajs.length);
  const lr0 = options.lr ?? 1e-2;
  const clip = options.clip ?? Number.POSITIVE_INFINITY;
  const every = options.earlyStopping?.every ?? 1;
  const patience = options.earlyStopping?.patience ?? Number.POSITIVE_INFINITY;

  let start = 0;
  let best = theta.slice(0, np);
  let bestVal = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let sinceBest = 0;
  let history: TrainProgress[] = [];
  let rngState = rng;
  let lrFactor = 1;
  const checkpointStore =
    options.checkpoint?.store ??
    (options.checkpoint?.path ? fileCheckpointStore(options.checkpoint.path) : undefined);
  const resumeStore =
    typeof options.resume === 'string' ? fileCheckpointStore(options.resume) : options.resume;
  const saved = resumeStore?.load();
  if (saved) {
    const ck = saved;
    if (ck.format !== 'kinetica-training-checkpoint' || ck.theta.length !== theta.length) {
      throw new RangeError(
        `trainNeuralODE: ${typeof options.resume === 'string' ? options.resume : 'the resume store'} does not hold a checkpoint of this model (parameter count differs)`,
      );
    }
    theta.set(ck.theta);
    best = Float64Array.from(ck.best);
    bestVal = ck.bestVal ?? Number.POSITIVE_INFINITY;
    bestEpoch = ck.bestEpoch;
    sinceBest = ck.sinceBest;
    lrFactor = ck.lrFactor;
    thetaPrev.set(ck.thetaPrev);
    adam.setState(ck.adam);
    rngState = createRng(ck.rng);
    history = ck.history;
    start = ck.epoch + 1;
  }

  const refineOptions = options.refine;
  if (refineOptions) {
    const { iterations, memory = 10, tolerance = 1e-9 } = refineOptions;
    if (!Number.isInteger(iterations) || iterations < 0)
      throw new RangeError(
        `trainNeuralODE: refine.iterations must be a non-negative integer, got ${iterations}`,
      );
    if (!Number.isInteger(memory) || memory < 1)
      throw new RangeError(`trainNeuralODE: refine.memory must be a positive integer, got ${memory}`);
    if (!(tolerance >= 0))
      throw new RangeError(
        `trainNeuralODE: refine.tolerance must be a non-negative number, got ${tolerance}`,
      );
  }
  const validationLoss = (p: Float64Array) => {
    let v = 0;
    for (const vp of valProblems) v += vp.grad.value(p, vp.y0).loss / valProblems.length;
    return v;
  };

  const t0 = performance.now();
  const order = trajs.map((_, i) => i);
  let stoppedEarly = false;
  const params = theta.subarray(0, np);
  for (let epoch = start; epoch < epochs; epoch++) {
    // The epoch's order depends on the generator state alone, so a resumed run replays it.
    for (let i = 0; i < order.length; i++) order[i] = i;
    rngState.shuffle(order);
    const lr = learningRateAt(lr0, options.schedule, epoch, epochs, options.warmup);
    let lossSum = 0;
    let batches = 0;
    let nfev = 0;
    let gradNorm = 0;
    const failures: string[] = [];
    for (let b0 = 0; b0 < order.length; b0 += batchSize) {
      const batch = order.slice(b0, b0 + batchSize);
      const { loss: L, failed, nfev: batchNfev } = batchLoss(theta, params, batch, g);
      nfev += batchNfev;
      if (failed) {
        // Back off: return to the parameters before the update that led here, with half the rate.
        failures.push(failed);
        theta.set(thetaPrev);
        lrFactor *= 0.5;
        continue;
      }
      gradNorm = clipGradientNorm(g, clip);
      thetaPrev.set(theta);
      adam.step(theta, g, lr * lrFactor);
      lossSum += L;
      batches++;
    }
    const progress: TrainProgress = {
      phase: 'adam',
      epoch,
      epochs,
      loss: batches > 0 ? lossSum / batches : Number.NaN,
      lr: lr * lrFactor,
      gradNorm,
      nfev,
      failures,
      elapsedMs: performance.now() - t0,
    };
    if (valProblems.length > 0 && (epoch + 1) % every === 0) {
      const v = validationLoss(params);
      progress.valLoss = v;
      if (v < bestVal) {
        bestVal = v;
        best = params.slice();
        bestEpoch = epoch;
        sinceBest = 0;
      } else sinceBest++;
    } else if (valProblems.length === 0) {
      best = params.slice();
      bestEpoch = epoch;
    }
    history.push(progress);
    options.onProgress?.(progress);
    if (checkpointStore && ((epoch + 1) % (options.checkpoint?.every ?? 1) === 0 || epoch === epochs - 1)) {
      const ck: TrainingCheckpoint = {
        format: 'kinetica-training-checkpoint',
        epoch,
        theta: Array.from(theta),
        best: Array.from(best),
        bestVal,
        bestEpoch,
        sinceBest,
        lrFactor,
        thetaPrev: Array.from(thetaPrev),
        adam: adam.getState(),
        rng: rngState.state(),
        history,
      };
      checkpointStore.save(ck);
    }
    if (sinceBest >= patience) {
      stoppedEarly = true;
      break;
    }
  }

  let refine: RefineSummary | undefined;
  if (refineOptions) {
    // Start from the best epoch's network with the free initial states of the last epoch.
    const x = theta.slice();
    x.set(best);
    const all = trajs.map((_, i) => i);
    let evaluations = 0;
    let lossBefore = Number.NaN;
    let stepNfev = 0;
    let stepFailures: string[] = [];
    const objective = (z: Float64Array, gz: Float64Array) => {
      const r = batchLoss(z, z.subarray(0, np), all, gz);
      stepNfev += r.nfev;
      if (evaluations++ === 0) lossBefore = r.failed ? Number.NaN : r.loss;
      if (!r.failed) return r.loss;
      stepFailures.push(r.failed);
      return Number.NaN;
    };
    // Each entry is reported once the next iteration (or the validation check) is done, so that
    // the last one can carry the validation loss.
    // (Typed by assertion: assignments inside callbacks escape TypeScript's narrowing to null.)
    let pending = null as TrainProgress | null;
    const flush = () => {
      if (!pending) return;
      history.push(pending);
      options.onProgress?.(pending);
      pending = null;
    };
    const firstEpoch = (history.at(-1)?.epoch ?? start - 1) + 1;
    const r = new LBFGS(x.length, refineOptions.memory ?? 10).minimize(objective, x, {
      iterations: refineOptions.iterations,
      tolerance: refineOptions.tolerance ?? 1e-9,
      onIteration: (it) => {
        flush();
        pending = {
          phase: 'refine',
          epoch: firstEpoch + it.iteration - 1,
          epochs,
          loss: it.f,
          lr: it.step,
          gradNorm: it.gradNorm,
          nfev: stepNfev,
          failures: stepFailures,
          elapsedMs: performance.now() - t0,
        };
        stepNfev = 0;
        stepFailures = [];
      },
    });
    if (pending) {
      // Evaluations of a final line search that found no decrease count with the last step.
      pending.nfev += stepNfev;
      pending.failures.push(...stepFailures);
    }
    const refined = x.subarray(0, np);
    let kept = r.status !== 'failed' && r.iterations > 0;
    let valLoss: number | undefined;
    if (kept && valProblems.length > 0) {
      valLoss = validationLoss(refined);
      kept = valLoss <= bestVal;
      if (pending) pending.valLoss = valLoss;
    }
    flush();
    if (kept) {
      best = refined.slice();
      bestEpoch = history.at(-1)!.epoch;
    }
    refine = {
      status: r.status,
      message: r.message,
      iterations: r.iterations,
      lossBefore,
      loss: r.f,
      ...(valLoss !== undefined ? { valLoss } : {}),
      kept,
    };
  }

  const method = options.method ?? 'dopri5';
  // Baselines predict with their own map; stiff methods keep their solver; rk4/dopri5 fields predict adaptively.
  const model = new TrainedModel(node, best, method === 'rk4' || method === 'dopri5' ? {} : { method });
  return { model, history, bestEpoch, stoppedEarly, ...(refine ? { refine } : {}) };
}
