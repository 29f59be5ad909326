import { availableParallelism, constants } from 'node:os';
import type { Queue } from 'bullmq';
import { type OptionSpec, parseArgs, required } from '../io/args';
import { ExitCode, oneLine } from '../io/errors';
import { info } from '../io/progress';
import { runnerFile } from '../sweep/local';
import { checkReachable, openQueue, parseQueueUrl, throttled } from '../sweep/queue';
import type { RunOutcome, RunTask } from '../sweep/run-train';
import type { Command } from './registry';

/** BullMQ's stalled-job settings: a dead worker's run is taken again after about lock + check. */
const DEFAULTS = { lockMs: 30_000, stalledMs: 10_000, maxStalls: 2 };

const options = {
  queue: 'string',
  concurrency: { kind: 'integer', min: 1 },
  'lock-ms': { kind: 'integer', min: 500 },
  'stalled-ms': { kind: 'integer', min: 100 },
  'max-stalls': { kind: 'integer', min: 0 },
  'idle-exit': { kind: 'number', min: 0 },
  quiet: 'flag',
} satisfies OptionSpec;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'take the runs of `kinetica sweep --queue` from a Redis queue and train them',
  usage:
    'kinetica worker --queue redis://HOST:PORT/NAME [--concurrency N] [--lock-ms MS] [--stalled-ms MS] [--max-stalls N] [--idle-exit S] [--quiet]',
  options,
  optionHelp: {
    queue:
      'the Redis queue a sweep put its runs on (redis://[USER:PASSWORD@]HOST[:PORT]/NAME; rediss:// for TLS)',
    concurrency: `runs at a time, one thread each (default: the number of cores, ${availableParallelism()} here)`,
    'lock-ms': `a run's lock lasts this long and is renewed at half of it; a worker that dies loses its runs after it (default ${DEFAULTS.lockMs})`,
    'stalled-ms': `how often this worker looks for runs whose lock ran out, and queues them again (default ${DEFAULTS.stalledMs})`,
    'max-stalls': `a run whose worker died more than this many times fails (default ${DEFAULTS.maxStalls})`,
    'idle-exit':
      'exit (status 0) once the queue has had nothing waiting or running for this many seconds (default: run until SIGINT/SIGTERM)',
    quiet: 'no log lines',
  },
  async run(argv) {
    const { options: o } = parseArgs('worker', argv, options);
    const target = parseQueueUrl('worker', required<string>('worker', o, 'queue'));
    const concurrency = (o.concurrency as number | undefined) ?? availableParallelism();
    const lockDuration = (o['lock-ms'] as number | undefined) ?? DEFAULTS.lockMs;
    const stalledInterval = (o['stalled-ms'] as number | undefined) ?? DEFAULTS.stalledMs;
    const maxStalledCount = (o['max-stalls'] as number | undefined) ?? DEFAULTS.maxStalls;
    const idleExit = o['idle-exit'] as number | undefined;
    const file = runnerFile();
    await checkReachable('worker', target);

    const quiet = Boolean(o.quiet);
    const log = (m: string) => info(quiet, `kinetica worker: ${m}`);
    const { Worker } = await import('bullmq');
    const worker = new Worker<RunTask, RunOutcome>(target.name, file, {
      connection: target.connection,
      concurrency,
      // Sandboxed in threads (see sweep/run-train.ts); BullMQ keeps the pool of them.
      useWorkerThreads: true,
      lockDuration,
      stalledInterval,
      maxStalledCount,
    });
    worker.on('active', (job) => log(`run ${job.data.id} started`));
    worker.on('completed', (job, r) => log(`run ${job.data.id} done in ${r.seconds.toFixed(1)} s`));
    worker.on('failed', (job, err) => log(`run ${job?.data.id ?? '?'} failed: ${oneLine(err.message)}`));
    worker.on('error', throttled(log, 'error'));
    const queue = idleExit !== undefined ? await openQueue(target, log) : undefined;
    log(
      `taking runs from ${target.url}, ${concurrency} at a time (lock ${lockDuration} ms, stall check every ${stalledInterval} ms)`,
    );

    const reason = await new Promise<string>((resolve) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve(sig));
      if (queue) watchIdle(queue, idleExit! * 1000, () => resolve('idle'));
    });
    if (reason !== 'idle') {
      log(`${reason}: finishing the runs in progress (send it again to stop at once)`);
      for (const sig of ['SIGINT', 'SIGTERM'] as const)
        process.once(sig, () => process.exit(128 + (constants.signals[sig] ?? 1)));
    } else log(`the queue has been empty for ${idleExit} s; exiting`);
    await worker.close();
    await queue?.close();
    return ExitCode.ok;
  },
};

/** Call `onIdle` once nothing has been waiting, delayed or running on the queue for `ms`. */
function watchIdle(queue: Queue, ms: number, onIdle: () => void): void {
  let since: number | undefined;
  const tick = async () => {
    try {
      const counts = await queue.getJobCounts(
        'wait',
        'active',
        'delayed',
        'prioritized',
        'paused',
        'waiting-children',
      );
      const busy = Object.values(counts).some((n) => n > 0);
      since = busy ? undefined : (since ?? Date.now());
      if (since !== undefined && Date.now() - since >= ms) return onIdle();
    } catch {
      since = undefined;
    }
    setTimeout(tick, 1000).unref();
  };
  void tick();
}
