import { existsSync } from 'node:fs';
import type { Activation } from '../mlp/activations';
import type { ControlSeries } from '../field/controls';
import { BatchedNeuralField } from '../field/batched-field';
import { NeuralODE, type NonNegativity } from '../field/neural-ode';
import { createRng } from '../random/rng';
import { Adam, type AdamState } from './adam';
import { readJSON, writeFileAtomic } from './checkpoint';
import { clipGradientNorm, type LearningRateSchedule, learningRateAt } from './schedule';
import { type GradientSettings, SegmentGradient } from './segment-gradient';
import { TrainedModel } from './trained-model';
import { TrajectoryLoss } from './trajectory-loss';
import { checkTrajectory, fillMissing, fitScaling } from './data';

/** One measured trajectory: states at `times` (NaN = not measured), controls on their own grid. */
export interface TrainingTrajectory {
  times: ArrayLike<number>;
  states: ReadonlyArray<ArrayLike<number>>;
  controls?: ControlSeries;
  name?: string;
}

/** Progress after each epoch (also the entries of `history`). */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch's mini-batches (evaluated before each update). */
  loss: number;
  /** Validation loss, on epochs where it was evaluated. */
  valLoss?: number;
  lr: number;
  /** Gradient norm of the last mini-batch, before clipping. */
  gradNorm: number;
  /** Forward vector-field evaluations during the epoch. */
  nfev: number;
  /**
   * Mini-batches skipped because a solve failed, with its message. Each failure rolls the
   * parameters back to before the previous update and halves the learning rate from then on.
   */
  failures: string[];
  elapsedMs: number;
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
   * system, two per weight load (default true; not with multiple shooting). The mini-batch loss
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
  /** Write a checkpoint (atomically) every `every` epochs (default 1). */
  checkpoint?: { path: string; every?: number };
  /** Resume from this checkpoint file when it exists. */
  resume?: string;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainResult {
  /** The model with the best validation loss (or the last parameters without validation). */
  model: TrainedModel;
  history: TrainProgress[];
  bestEpoch: number;
  stoppedEarly: boolean;
}

interface Segment {
  grad: SegmentGradient;
  /** Offset of this segment's free initial state in the full parameter vector, or −1 (data). */
  shootOffset: number;
  /** Offset of the next segment's free initial state, or −1. */
  nextOffset: number;
}

interface Checkpoint {
  format: 'kinetica-training-checkpoint';
  epoch: number;
  theta: number[];
  best: number[];
  bestVal: number;
  bestEpoch: number;
  sinceBest: number;
  lrFactor: number;
  thetaPrev: number[];
  adam: AdamState;
  rng: number[];
  history: TrainProgress[];
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
  const lockstep = (options.lockstep ?? true) && !options.shooting;
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

  const theta = new Float64Array(np + shootInit.length);
  theta.set(theta0);
  theta.set(shootInit, np);
  const g = new Float64Array(theta.length);
  // Parameters before the latest update: a solve that fails (blow-up) rolls back to them.
  const thetaPrev = theta.slice();
  const dy0 = new Float64Array(n);
  const adam = new Adam(theta.length);
  const continuity = options.shooting?.continuityWeight ?? 1;
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
  if (options.resume && existsSync(options.resume)) {
    const ck = readJSON<Checkpoint>(options.resume);
    if (ck.format !== 'kinetica-training-checkpoint' || ck.theta.length !== theta.length) {
      throw new RangeError(
        `trainNeuralODE: ${options.resume} is not a checkpoint of this model (parameter count differs)`,
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
      g.fill(0);
      const w = 1 / batch.length;
      let L = 0;
      let failed = '';
      const stacked = lockstepFor(batch);
      if (stacked) {
        const r = stacked.grad.lossAndGradient(params, stacked.y0, g, stacked.dy0, 1);
        nfev += r.nfev;
        if (r.status === 'failed')
          failed = `mini-batch ${batch.map((ti) => trajs[ti]!.name ?? ti).join(',')}: ${r.message}`;
        L = r.loss;
      }
      for (const ti of stacked ? [] : batch) {
        const tr = perTraj[ti]!;
        for (const seg of tr.segments) {
          const y0 = seg.shootOffset < 0 ? tr.y0 : theta.subarray(seg.shootOffset, seg.shootOffset + n);
          seg.grad.loss.setEndTarget(
            seg.nextOffset < 0 ? null : theta.subarray(seg.nextOffset, seg.nextOffset + n),
            continuity,
          );
          const r = seg.grad.lossAndGradient(params, y0, g, dy0, w);
          nfev += r.nfev;
          if (r.status === 'failed') {
            failed = `trajectory ${trajs[ti]!.name ?? ti}: ${r.message}`;
            break;
          }
          L += w * r.loss;
          if (seg.shootOffset >= 0) for (let j = 0; j < n; j++) g[seg.shootOffset + j] += dy0[j]!;
          if (seg.nextOffset >= 0) seg.grad.loss.endTargetGradient(seg.grad.end, 0, g, seg.nextOffset, w);
        }
        if (failed) break;
      }
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
      let v = 0;
      for (const vp of valProblems) v += vp.grad.value(params, vp.y0).loss / valProblems.length;
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
    if (options.checkpoint && ((epoch + 1) % (options.checkpoint.every ?? 1) === 0 || epoch === epochs - 1)) {
      const ck: Checkpoint = {
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
      writeFileAtomic(options.checkpoint.path, JSON.stringify(ck));
    }
    if (sinceBest >= patience) {
      stoppedEarly = true;
      break;
    }
  }
  const method = options.method ?? 'dopri5';
  // Baselines predict with their own map; stiff methods keep their solver; rk4/dopri5 fields predict adaptively.
  const model = new TrainedModel(node, best, method === 'rk4' || method === 'dopri5' ? {} : { method });
  return { model, history, bestEpoch, stoppedEarly };
}
