import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { trainCommand } from '../commands/train';
import { oneLine } from '../io/errors';

/**
 * One run of a sweep, executed inside a pool thread: the local pool's (piscina, `runTask`) and
 * `kinetica worker`'s (BullMQ's sandboxed processor, the default export). It is built as its own
 * file, dist/sweep-run.cjs, which both pools load by path.
 *
 * The run is `kinetica train` itself, called in-process with the run's options, so its files and
 * numbers are those of a plain `kinetica train` with the same options. Threads, not child
 * processes: a worker killed with SIGKILL takes its runs with it (a child process would live on as
 * an orphan and write the run folder while the run is retried elsewhere), and the CPU-bound
 * training leaves the worker's main thread free to renew its job locks.
 */

export interface RunTask {
  id: string;
  /** `kinetica train` options without --out. */
  args: string[];
  /** Absolute path of the run's folder, DIR/runs/<id> (in queue mode, a path every worker reaches). */
  out: string;
}

export interface RunOutcome {
  id: string;
  /** The run's metrics.json. */
  metrics: unknown;
  seconds: number;
}

const host = hostname().replace(/[^A-Za-z0-9.-]/g, '-') || 'host';
const WORK = /^\.work-(.+)-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Train one run into a private folder beside its final place, then move it there. Private because
 * `train` sweeps staging beside its output whose process is gone, and a process id says nothing
 * about a staging folder another machine is writing on a shared file system. Throws a one-line
 * Error when the run fails.
 */
export async function runTask(task: RunTask): Promise<RunOutcome> {
  const start = performance.now();
  const runs = dirname(task.out);
  removeDeadWork(runs);
  if (!existsSync(runs))
    throw new Error(
      `${runs} does not exist here: with --queue, a sweep's --out must be a folder every worker reaches at the same path`,
    );
  let work: string | undefined;
  try {
    work = mkdtempSync(join(runs, `.work-${host}-${process.pid}-`));
    const staged = join(work, basename(task.out));
    // One thread per run: the sweep's parallelism is its runs (--workers, --concurrency).
    await trainCommand.run([...task.args, `--out=${staged}`, '--quiet', '--threads=1']);
    const metrics: unknown = JSON.parse(readFileSync(join(staged, 'metrics.json'), 'utf8'));
    try {
      renameSync(task.out, join(work, 'previous'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    renameSync(staged, task.out);
    return { id: task.id, metrics, seconds: (performance.now() - start) / 1000 };
  } catch (err) {
    throw new Error(oneLine(err instanceof Error ? err.message : String(err)));
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

/** BullMQ's sandboxed processor: the job's data is the run. */
export default function processRun(job: { data: RunTask }): Promise<RunOutcome> {
  return runTask(job.data);
}

/** Remove work folders that a killed process of this machine left (never another machine's). */
function removeDeadWork(runs: string): void {
  let entries: string[];
  try {
    entries = readdirSync(runs);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = WORK.exec(e);
    if (!m || m[1] !== host || alive(Number(m[2]))) continue;
    rmSync(join(runs, e), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
