import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { CliError, oneLine } from '../io/errors';
import { taskOf } from './local';
import { type ResultLine, runComplete } from './results';
import type { RunOutcome, RunTask } from './run-train';
import type { SweepRun } from './spec';

/**
 * Sweeps across machines: the runs are BullMQ jobs on a Redis queue, `kinetica worker` processes
 * anywhere take them, and the sweep process, the only writer of results.jsonl, polls the queue for
 * finished jobs, writes their lines and removes them. A job's id is the sweep folder's key plus
 * the run id, so a run is queued once however often the sweep is restarted, and a finished job is
 * written once (by run id) and then deleted.
 */

/** A parsed `redis://[USER:PASSWORD@]HOST[:PORT]/NAME`. */
export interface QueueTarget {
  /** The URL without its password, for messages. */
  url: string;
  name: string;
  connection: RedisOptions;
}

/** How long reaching Redis may take before a command gives up (connect + PING). */
const REACH_TIMEOUT_MS = 5000;

export function parseQueueUrl(command: string, text: string): QueueTarget {
  const bad = (why: string) =>
    new CliError(`kinetica ${command}: --queue ${text}: ${why} (write redis://HOST:PORT/NAME)`);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`scheme must be redis or rediss`);
  if (!u.hostname) throw bad('no host');
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw bad('the path must be a queue name of letters, digits, . _ -');
  if (u.search || u.hash) throw bad('no query or fragment');
  const port = u.port ? Number(u.port) : 6379;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const connection: RedisOptions = {
    host,
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    connectTimeout: REACH_TIMEOUT_MS,
    // BullMQ's blocking connections need null: a command waits for the reconnection instead of failing.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 500, 5000),
  };
  const auth = u.username ? `${u.username}@` : '';
  return { url: `${u.protocol}//${auth}${u.host}/${name}`, name, connection };
}

/** Fail with one line, within a few seconds, when Redis cannot be reached (nothing is written first). */
export async function checkReachable(command: string, target: QueueTarget): Promise<void> {
  // Loaded here, not with the CLI: every other command starts without them.
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...target.connection,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${REACH_TIMEOUT_MS / 1000} s`)),
          REACH_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    const e = (lastError ?? err) as NodeJS.ErrnoException;
    const why = e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
    throw new CliError(`kinetica ${command}: cannot reach Redis at ${target.url}: ${oneLine(why)}`);
  } finally {
    clearTimeout(timer);
    // After a failed connection the socket is closed already; disconnect() would arm a 2 s timer.
    if (client.status !== 'end') client.disconnect();
  }
}

/** A BullMQ queue whose connection errors are reported (throttled) instead of thrown. */
export async function openQueue(target: QueueTarget, report: (message: string) => void): Promise<Queue> {
  const { Queue } = await import('bullmq');
  const queue = new Queue(target.name, { connection: target.connection });
  queue.on('error', throttled(report, `Redis at ${target.url}`));
  return queue;
}

/** At most one message per 10 s (a lost connection errors on every reconnection attempt). */
export function throttled(report: (m: string) => void, what: string): (err: Error) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    report(`${what}: ${oneLine(err.message)} (retrying)`);
  };
}

const POLL_MS = 500;

/**
 * Queue the runs (once each) and wait for all of them, calling `onResult` for each as it ends.
 * A run that failed in an earlier sweep, or whose finished job left no folder, is queued again.
 */
export async function runQueued(
  target: QueueTarget,
  dir: string,
  runs: readonly SweepRun[],
  allIds: ReadonlySet<string>,
  onResult: (line: ResultLine) => void,
  report: (message: string) => void,
): Promise<void> {
  const queue = await openQueue(target, report);
  const prefix = `${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12)}-`;
  const pending = new Map(runs.map((r) => [r.id, r]));
  try {
    for (const run of runs) {
      const jobId = prefix + run.id;
      const state = await queue.getJobState(jobId);
      if (state === 'failed' || (state === 'completed' && !runComplete(dir, run.id)))
        await queue.remove(jobId);
    }
    const enqueue = (list: readonly SweepRun[]) =>
      queue.addBulk(
        list.map((run) => ({
          name: 'train',
          data: taskOf(dir, run) satisfies RunTask,
          // A run that throws fails at once (its options decide that); a worker's death is retried
          // through BullMQ's stalled-job detection (kinetica worker --max-stalls).
          opts: { jobId: prefix + run.id, attempts: 1, removeOnComplete: false, removeOnFail: false },
        })),
      );
    await enqueue(runs);
    for (let poll = 1; pending.size > 0; poll++) {
      // Now and then: runs whose job is gone (a Redis restarted without persistence) are queued again.
      if (poll % 20 === 0) {
        const lost: SweepRun[] = [];
        for (const run of pending.values())
          if ((await queue.getJobState(prefix + run.id)) === 'unknown') lost.push(run);
        if (lost.length > 0) {
          report(`${lost.length} queued runs were gone from Redis; queued them again`);
          await enqueue(lost);
        }
      }
      for (const state of ['completed', 'failed'] as const) {
        const jobs = (await queue.getJobs([state], 0, 999, true)) as Job<RunTask, RunOutcome>[];
        for (const job of jobs) {
          if (!job?.id?.startsWith(prefix)) continue;
          const id = job.id.slice(prefix.length);
          if (!allIds.has(id)) continue;
          const run = pending.get(id);
          if (run) {
            pending.delete(id);
            const tries = job.attemptsStarted || job.attemptsMade || 1;
            const visible = state === 'completed' && runComplete(dir, id);
            onResult(
              visible
                ? {
                    id,
                    params: run.params,
                    status: 'success',
                    metrics: job.returnvalue?.metrics ?? null,
                    seconds: job.returnvalue?.seconds,
                    tries,
                  }
                : {
                    id,
                    params: run.params,
                    status: 'failed',
                    metrics: null,
                    error:
                      state === 'completed'
                        ? `a worker finished it, but ${dir}/runs/${id} is not here: give --out a folder that the workers share`
                        : oneLine(job.failedReason || 'failed'),
                    tries,
                  },
            );
          }
          // Written (now or by an earlier sweep): the job has done its part.
          await job.remove().catch(() => {});
        }
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await queue.close();
  }
}
