import { BatchedNeuralField } from '../field/batched-field';
import { NeuralODE } from '../field/neural-ode';
import { createRng } from '../random/rng';
import { Adam } from '../training/adam';
import { SegmentGradient } from '../training/segment-gradient';
import { TrajectoryLoss } from '../training/trajectory-loss';

/** Options of benchmark B1 (API.md): one neural-ODE training step. */
export interface TrainStepBenchmarkOptions {
  method: 'rk4' | 'dopri5';
  grad: 'backprop' | 'adjoint';
  /** Timed steps (default 20), after `warmup` untimed ones (default 3). */
  steps?: number;
  warmup?: number;
}

/** The JSON line of the contract. */
export interface TrainStepBenchmarkResult {
  ms_per_step: number;
  nfe_per_step: number;
  method: string;
  grad: string;
  /** Process CPU time per step (less sensitive than wall time to other load on the machine). */
  cpu_ms_per_step: number;
  /** Fastest and median timed step (wall): the machine's speed swings over seconds. */
  min_ms_per_step: number;
  median_ms_per_step: number;
}

/** B1's synthetic data: 2 trajectories, 6 states, 9 controls on 200 points over [0, 72] h. */
export function b1Data() {
  const T = 200;
  const times = Float64Array.from({ length: T }, (_, i) => (72 * i) / (T - 1));
  return [0, 1].map((b) => ({
    times,
    controls: {
      times,
      values: Array.from(times, (t) =>
        Array.from({ length: 9 }, (_, k) => 1 + 0.5 * Math.sin(t / 10 + k + b)),
      ),
    },
    states: Array.from(times, (t) =>
      Float64Array.from({ length: 6 }, (_, j) => 0.5 + 0.3 * Math.tanh(t / 20 - 1 + 0.1 * j) * (1 + 0.1 * b)),
    ),
  }));
}

/**
 * Benchmark B1: MLP 15 → 64 → 64 → 6 (tanh, float64) on [x; u(t)], MSE over all grid points,
 * one step = forward solve + gradient + Adam update for both trajectories. rk4 steps on the grid;
 * dopri5 runs at rtol 1e-6, atol 1e-8. 'backprop' uses the fused taped solver, 'adjoint' the
 * backsolve adjoint of @kinetica/adjoint. nfe counts forward evaluations of the batched field
 * (one evaluation covers both trajectories, as torchdiffeq counts calls of a batched func).
 */
export function runTrainStepBenchmark(options: TrainStepBenchmarkOptions): TrainStepBenchmarkResult {
  const { method, grad } = options;
  if (method !== 'rk4' && method !== 'dopri5')
    throw new RangeError(`train-step: method must be rk4 or dopri5, got ${method}`);
  if (grad !== 'backprop' && grad !== 'adjoint')
    throw new RangeError(`train-step: grad must be backprop or adjoint, got ${grad}`);
  const steps = options.steps ?? 20;
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`train-step: steps must be a positive integer, got ${steps}`);
  const node = new NeuralODE({ nStates: 6, nControls: 9, hidden: [64, 64], activation: 'tanh' });
  const p = node.initParams(createRng(0), 0.1);
  const data = b1Data();
  // Both trajectories share the grid, so they are solved as one stacked system in lockstep (as
  // a torchdiffeq user batches them); the loss is the mean over all 2·200·6 entries.
  const field = new BatchedNeuralField(data.map((d) => node.field(d.controls)));
  const obs = new Float64Array(200 * 12);
  data.forEach((d, b) => {
    d.states.forEach((row, i) => {
      obs.set(row, i * 12 + b * 6);
    });
  });
  const y0 = Float64Array.from([...data[0]!.states[0]!, ...data[1]!.states[0]!]);
  const seg = new SegmentGradient(
    field,
    data[0]!.times,
    new TrajectoryLoss(obs, 12, { stateWeights: new Float64Array(12).fill(1) }),
    {
      method,
      grad,
      rtol: 1e-6,
      atol: 1e-8,
    },
  );
  const g = new Float64Array(node.nParams);
  const dy0 = new Float64Array(12);
  const adam = new Adam(node.nParams);
  let nfev = 0;
  const step = () => {
    g.fill(0);
    const r = seg.lossAndGradient(p, y0, g, dy0);
    if (r.status === 'failed') throw new Error(`train-step: ${r.message}`);
    nfev += r.nfev;
    adam.step(p, g, 1e-3);
  };
  for (let i = 0; i < (options.warmup ?? 3); i++) step();
  nfev = 0;
  const each = new Float64Array(steps);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const ti = performance.now();
    step();
    each[i] = performance.now() - ti;
  }
  const ms = (performance.now() - t0) / steps;
  const c = process.cpuUsage(c0);
  each.sort();
  return {
    ms_per_step: ms,
    nfe_per_step: nfev / steps,
    method,
    grad,
    cpu_ms_per_step: (c.user + c.system) / 1000 / steps,
    min_ms_per_step: each[0]!,
    median_ms_per_step: each[steps >> 1]!,
  };
}
