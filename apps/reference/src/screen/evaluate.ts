import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
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
  return { s, targetIndex, at, upto, x0, ood };
}

/** The value of curve `c` (on `grid`) at `t`, linear between grid points (exact at them). */
function valueAt(c: Float64Array, grid: Float64Array, t: number, upto: number): number {
  const k = upto - 1;
  if (grid[k] === t || k === 0) return c[k]!;
  const w = (t - grid[k - 1]!) / (grid[k]! - grid[k - 1]!);
  return (1 - w) * c[k - 1]! + w * c[k]!;
}

/**
 * Predict designs [from, to): each control course of the base strain multiplied by the design's
 * factor, the model's `predict` (the members' median, the very call `kinetica predict` makes)
 * from the base's initial state; the target at `at` into `predicted`, the largest OOD distance
 * into `ood` (NaN for a design whose solve failed). One set of control arrays is reused.
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
    const value = valueAt(states[targetIndex]!, grid, at, upto);
    predicted[d] = value;
    ood[d] = Number.isFinite(value)
      ? ctx.ood.maxDistance(states, fit.networkControls(controls), upto)
      : Number.NaN;
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
  from: number;
  to: number;
}

/**
 * Predict all designs on `workers` threads (each loads the model itself and takes a contiguous
 * share), writing into shared arrays. The threads run this very bundle (`script`), which starts
 * `workerMain` when it finds its job in workerData.
 */
export async function evaluateOnWorkers(
  script: string,
  setup: ScreenSetup,
  designs: Designs,
  workers: number,
  onProgress: (done: number) => void,
): Promise<{ predicted: Float64Array; ood: Float64Array }> {
  const n = designs.names.length;
  const share = (len: number) => new SharedArrayBuffer(len * Float64Array.BYTES_PER_ELEMENT);
  const factorsBuf = share(designs.factors.length);
  new Float64Array(factorsBuf).set(designs.factors);
  const predictedBuf = share(n);
  const oodBuf = share(n);
  const done = new Array<number>(workers).fill(0);
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.KINETICA_CLI_ENTRY;
  const runs = Array.from({ length: workers }, (_, w) => {
    const from = Math.floor((w * n) / workers);
    const to = Math.floor(((w + 1) * n) / workers);
    const job: WorkerJob = {
      kineticaScreen: true,
      setup,
      factors: factorsBuf,
      predicted: predictedBuf,
      ood: oodBuf,
      from,
      to,
    };
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(`import(${JSON.stringify(script)})`, {
        eval: true,
        workerData: job,
        env: env as NodeJS.Dict<string>,
      });
      let finished = false;
      worker.on('message', (m: { done?: number; error?: string; exitCode?: number }) => {
        if (m.done !== undefined) {
          done[w] = m.done;
          onProgress(done.reduce((a, b) => a + b, 0));
        }
        if (m.error !== undefined) {
          finished = true;
          reject(new CliError(m.error, m.exitCode));
        }
        if (m.done === to - from) {
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
  await Promise.all(runs);
  return { predicted: new Float64Array(predictedBuf), ood: new Float64Array(oodBuf) };
}

/** A worker thread's life: set up, predict its share, report progress and the end (or the error). */
function workerMain(job: WorkerJob): void {
  const port = parentPort!;
  try {
    const ctx = prepareScreen(job.setup);
    evaluateDesigns(
      ctx,
      new Float64Array(job.factors),
      job.from,
      job.to,
      new Float64Array(job.predicted),
      new Float64Array(job.ood),
      (done) => port.postMessage({ done }),
    );
  } catch (err) {
    port.postMessage({
      error: err instanceof Error ? err.message : String(err),
      exitCode: err instanceof CliError ? err.exitCode : 70,
    });
  }
}

if (!isMainThread && (workerData as Partial<WorkerJob> | null)?.kineticaScreen === true)
  workerMain(workerData as WorkerJob);
