import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DesignPredictor } from '@kinetica/autodiff-ode';
import { CliError } from '../io/errors';
import { type LearnedStrain, loadLearnedStrain } from '../pipeline/learned-strain';
import type { Designs } from './designs';
import { OodReference } from './ood';

/** What every design of one `screen` run shares: the model, the base strain, the target and the OOD reference. */
export interface ScreenSetup {
  modelPath: string;
  data: string;
  base: string;
  target: string;
  /** --at, or undefined for the last grid time. */
  at?: number;
}

export interface ScreenContext {
  s: LearnedStrain;
  targetIndex: number;
  at: number;
  /** Grid points up to and including the first at or after `at`: the part of the trajectory the value at `at` depends on. */
  upto: number;
  x0: number[];
  ood: OodReference;
  /** The batched predictor over the first `upto` grid points, where the model has one (`NeuralOdeFit.designs`). */
  batch: DesignPredictor | null;
}

const rows = (curves: readonly Float64Array[], length: number): Float64Array[] =>
  Array.from({ length }, (_, k) => Float64Array.from(curves, (c) => c[k]!));

/**
 * Load the model and the base strain as `predict` does (the model's columns, the base group
 * interpolated onto the model's grid, its initial state at the first grid point) and the
 * training strains for the out-of-distribution reference (as `diagnose --model-file`).
 */
export function prepareScreen(setup: ScreenSetup): ScreenContext {
  const s = loadLearnedStrain({
    command: 'screen',
    modelPath: setup.modelPath,
    data: setup.data,
    strain: setup.base,
    training: 'required',
  });
  const targetIndex = s.model.states.indexOf(setup.target);
  if (targetIndex < 0)
    throw new CliError(
      `kinetica screen: --target '${setup.target}' is not a state of ${setup.modelPath} (states: ${s.model.states.join(', ')})`,
    );
  const { grid } = s;
  const t0 = grid[0]!;
  const t1 = grid[grid.length - 1]!;
  const at = setup.at ?? t1;
  if (!(at >= t0 && at <= t1))
    throw new CliError(`kinetica screen: --at ${at} lies outside the model's time span [${t0}, ${t1}]`);
  let upto = 1;
  while (upto < grid.length && grid[upto - 1]! < at) upto++;
  // predict: a state the base never measured starts at zero.
  const x0 = s.onGrid.states.map((c) => (Number.isNaN(c[0]!) ? 0 : c[0]!));
  const training = s.training ?? [];
  const ood = new OodReference(
    training.map((tr) => {
      const st = rows(tr.states, grid.length);
      const u = rows(s.fit.networkControls(tr.controls), grid.length);
      return st.map((y, k) => {
        const out = new Float64Array(y.length + u[k]!.length);
        out.set(y);
        out.set(u[k]!, y.length);
        return out;
      });
    }),
  );
  // Only the grid points up to `at` are predicted: the steps after them cannot change it.
  const batch = s.fit.designs?.(x0, s.onGrid.controls, grid.slice(0, upto)) ?? null;
  return { s, targetIndex, at, upto, x0, ood, batch };
}

/** The value at `t` of a curve on `grid` given by `value(k)`, linear between grid points (exact at them). */
function valueAt(value: (k: number) => number, grid: Float64Array, t: number, upto: number): number {
  const k = upto - 1;
  if (grid[k] === t || k === 0) return value(k);
  const w = (t - grid[k - 1]!) / (grid[k]! - grid[k - 1]!);
  return (1 - w) * value(k - 1) + w * value(k);
}

/** Designs predicted per call of the batched predictor (progress is reported between calls). */
const CHUNK = 16;

/**
 * Predict designs [from, to): each control course of the base strain multiplied by the design's
 * factor, predicted as `kinetica predict` predicts (the members' median) from the base's initial
 * state; the target at `at` into `predicted`, the largest OOD distance into `ood` (NaN for a
 * design whose solve failed). Models whose inputs scale with the factors go through the batched
 * predictor of autodiff-ode (`DesignPredictor`, two designs per network pass); the others call
 * `predict` per design.
 */
export function evaluateDesigns(
  ctx: ScreenContext,
  factors: Float64Array,
  from: number,
  to: number,
  predicted: Float64Array,
  ood: Float64Array,
  onProgress?: (done: number) => void,
): void {
  const { s, targetIndex, at, upto, x0 } = ctx;
  const { grid, fit } = s;
  const base = s.onGrid.controls;
  const nC = base.length;
  const n = s.model.states.length;
  const { batch } = ctx;
  if (batch) {
    const T = upto;
    const out = new Float64Array(CHUNK * T * n);
    const ok = new Uint8Array(CHUNK);
    for (let d0 = from; d0 < to; d0 += CHUNK) {
      const d1 = Math.min(to, d0 + CHUNK);
      batch.predict(factors, d0, d1, out, ok);
      for (let d = d0; d < d1; d++) {
        const o = (d - d0) * T * n;
        if (!ok[d - d0]) {
          predicted[d] = Number.NaN;
          ood[d] = Number.NaN;
          continue;
        }
        const value = valueAt((k) => out[o + k * n + targetIndex]!, grid, at, upto);
        predicted[d] = value;
        // The network reads the scaled levels themselves (no transform): the design's inputs.
        ood[d] = Number.isFinite(value)
          ? ctx.ood.maxDistance((k, x) => {
              for (let j = 0; j < n; j++) x[j] = out[o + k * n + j]!;
              for (let c = 0; c < nC; c++) x[n + c] = factors[d * nC + c]! * base[c]![k]!;
            }, upto)
          : Number.NaN;
      }
      onProgress?.(d1 - from);
    }
    return;
  }
  const controls = base.map((c) => new Float64Array(c.length));
  for (let d = from; d < to; d++) {
    for (let c = 0; c < nC; c++) {
      const f = factors[d * nC + c]!;
      const b = base[c]!;
      const u = controls[c]!;
      if (f === 1) u.set(b);
      else for (let k = 0; k < b.length; k++) u[k] = f * b[k]!;
    }
    let states: Float64Array[];
    try {
      states = fit.predict(x0, controls, grid);
    } catch {
      predicted[d] = Number.NaN;
      ood[d] = Number.NaN;
      continue;
    }
    const value = valueAt((k) => states[targetIndex]![k]!, grid, at, upto);
    predicted[d] = value;
    if (!Number.isFinite(value)) {
      ood[d] = Number.NaN;
      continue;
    }
    const net = fit.networkControls(controls);
    ood[d] = ctx.ood.maxDistance((k, x) => {
      for (let j = 0; j < n; j++) x[j] = states[j]![k]!;
      for (let c = 0; c < nC; c++) x[n + c] = net[c]![k]!;
    }, upto);
    if (onProgress && (d - from) % 16 === 15) onProgress(d - from + 1);
  }
  onProgress?.(to - from);
}

interface WorkerJob {
  kineticaScreen: true;
  setup: ScreenSetup;
  factors: SharedArrayBuffer;
  predicted: SharedArrayBuffer;
  ood: SharedArrayBuffer;
  /** Int32 [next design to claim, designs done]. */
  counter: SharedArrayBuffer;
  n: number;
}

/**
 * Claim chunks of CHUNK designs from the shared counter until none is left, predicting each;
 * `onChunk(done)` after each with the number of designs done by all threads.
 */
function runShare(
  ctx: ScreenContext,
  factors: Float64Array,
  predicted: Float64Array,
  ood: Float64Array,
  counter: Int32Array,
  n: number,
  onChunk: (done: number) => void,
): void {
  for (;;) {
    const d0 = Atomics.add(counter, 0, CHUNK);
    if (d0 >= n) return;
    const d1 = Math.min(n, d0 + CHUNK);
    evaluateDesigns(ctx, factors, d0, d1, predicted, ood);
    onChunk(Atomics.add(counter, 1, d1 - d0) + d1 - d0);
  }
}

/**
 * Predict all designs on `threads` threads: this one (with its prepared `ctx`) and threads − 1
 * workers, each loading the model itself; all take chunks of designs from a shared counter, so
 * the work is spread evenly and this thread starts while the workers load. Results go to shared
 * arrays. The workers run this very bundle (`script`), which starts `workerMain` when it finds
 * its job in workerData.
 */
export async function evaluateOnWorkers(
  script: string,
  setup: ScreenSetup,
  ctx: ScreenContext,
  designs: Designs,
  threads: number,
  onProgress: (done: number) => void,
): Promise<{ predicted: Float64Array; ood: Float64Array }> {
  const n = designs.names.length;
  const share = (len: number) => new SharedArrayBuffer(len * Float64Array.BYTES_PER_ELEMENT);
  const factorsBuf = share(designs.factors.length);
  new Float64Array(factorsBuf).set(designs.factors);
  const predictedBuf = share(n);
  const oodBuf = share(n);
  const counterBuf = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const counter = new Int32Array(counterBuf);
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.KINETICA_CLI_ENTRY;
  const job: WorkerJob = {
    kineticaScreen: true,
    setup,
    factors: factorsBuf,
    predicted: predictedBuf,
    ood: oodBuf,
    counter: counterBuf,
    n,
  };
  const runs = Array.from({ length: threads - 1 }, (_, w) => {
    const worker = new Worker(`import(${JSON.stringify(script)})`, {
      eval: true,
      workerData: job,
      env: env as NodeJS.Dict<string>,
    });
    return new Promise<void>((resolve, reject) => {
      let finished = false;
      worker.on('message', (m: { done?: number; finished?: boolean; error?: string; exitCode?: number }) => {
        if (m.done !== undefined) onProgress(Math.max(m.done, Atomics.load(counter, 1)));
        if (m.error !== undefined) {
          finished = true;
          reject(new CliError(m.error, m.exitCode));
        }
        if (m.finished) {
          finished = true;
          resolve();
        }
      });
      worker.on('error', (err) => reject(err));
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`screen worker ${w + 1} exited with code ${code} before finishing`));
      });
    });
  });
  // A rejection is seen once this thread has done its share (its loop holds the event loop).
  const all = Promise.all(runs);
  all.catch(() => {});
  const predicted = new Float64Array(predictedBuf);
  const ood = new Float64Array(oodBuf);
  runShare(ctx, new Float64Array(factorsBuf), predicted, ood, counter, n, onProgress);
  await all;
  return { predicted, ood };
}

/** A worker thread's life: set up, predict chunks until none is left, report progress and the end (or the error). */
function workerMain(job: WorkerJob): void {
  const port = parentPort!;
  try {
    const ctx = prepareScreen(job.setup);
    runShare(
      ctx,
      new Float64Array(job.factors),
      new Float64Array(job.predicted),
      new Float64Array(job.ood),
      new Int32Array(job.counter),
      job.n,
      (done) => port.postMessage({ done }),
    );
    port.postMessage({ finished: true });
  } catch (err) {
    port.postMessage({
      error: err instanceof Error ? err.message : String(err),
      exitCode: err instanceof CliError ? err.exitCode : 70,
    });
  }
}

if (!isMainThread && (workerData as Partial<WorkerJob> | null)?.kineticaScreen === true)
  workerMain(workerData as WorkerJob);
