import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, ExitCode, oneLine } from '../io/errors';
import { RUNS_FOLDER, type ResultLine } from './results';
import type { RunOutcome, RunTask } from './run-train';
import type { SweepRun } from './spec';

/** dist/sweep-run.cjs, the bundled run-train.ts that pool threads load (beside the CLI's bundle). */
export function runnerFile(): string {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'sweep-run.cjs');
  if (!existsSync(file))
    throw new CliError(`kinetica: ${file} is missing; build the app (pnpm build)`, ExitCode.internal);
  return file;
}

/** The task of one run for a pool: its options and the absolute path of its folder. */
export function taskOf(dir: string, run: SweepRun): RunTask {
  return { id: run.id, args: run.args, out: join(dir, RUNS_FOLDER, run.id) };
}

/**
 * Run `runs` on a pool of `workers` threads (piscina) loading `file` (the runner), calling
 * `onResult` as each one ends, in the order they end. A run that fails is a result too; this never
 * rejects for one.
 */
export async function runLocal(
  dir: string,
  runs: readonly SweepRun[],
  workers: number,
  onResult: (line: ResultLine) => void,
  file = runnerFile(),
): Promise<void> {
  const threads = Math.max(1, Math.min(workers, runs.length));
  const { Piscina } = await import('piscina');
  const pool = new Piscina<RunTask, RunOutcome>({
    filename: file,
    name: 'runTask',
    minThreads: threads,
    maxThreads: threads,
  });
  // An error of the pool itself (a thread failing outside any run, e.g. while loading the runner)
  // fails every run still waiting, instead of leaving them queued for threads that never come
  // (and instead of an unhandled 'error' event ending the process with a stack trace).
  let failPool: (err: Error) => void = () => {};
  const broken = new Promise<never>((_, reject) => {
    failPool = reject;
  });
  broken.catch(() => {});
  pool.on('error', (err: unknown) =>
    failPool(
      new Error(`worker threads failed: ${oneLine(err instanceof Error ? err.message : String(err))}`),
    ),
  );
  try {
    await Promise.all(
      runs.map(async (run) => {
        const start = performance.now();
        try {
          const r = await Promise.race([pool.run(taskOf(dir, run)), broken]);
          onResult({
            id: run.id,
            params: run.params,
            status: 'success',
            metrics: r.metrics,
            seconds: r.seconds,
          });
        } catch (err) {
          onResult({
            id: run.id,
            params: run.params,
            status: 'failed',
            metrics: null,
            error: oneLine(err instanceof Error ? err.message : String(err)),
            seconds: (performance.now() - start) / 1000,
          });
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
}
