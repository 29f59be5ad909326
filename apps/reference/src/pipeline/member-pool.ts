import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { EnsembleMemberTask, TrainOptions, TrainProgress } from '@kinetica/autodiff-ode';
import { CliError, ExitCode, oneLine } from '../io/errors';
import type { MemberPool, MemberThreads } from './heldout';
import type { MemberError, MemberJob, MemberOutcome } from './member-worker';

/**
 * The pool of worker threads that trains `train`'s and `demo`'s ensemble members and
 * cross-validation fits (piscina, as the sweep's local pool). Node only: pipeline/heldout.ts gets
 * it injected (`runHeldOutAsync`), so the browser build never sees it.
 */

/** dist/ensemble-member.cjs, the bundled member-worker.ts that pool threads load (beside the CLI's bundle). */
export function memberWorkerFile(): string {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'ensemble-member.cjs');
  if (!existsSync(file))
    throw new CliError(`kinetica: ${file} is missing; build the app (pnpm build)`, ExitCode.internal);
  return file;
}

/** A pool thread that died (or a pool that failed): not a member's training failing. */
export class MemberThreadError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.failure);
    this.name = 'MemberThreadError';
  }
}

/** The error a member's failure would have been on this thread: same class, message and exit code. */
export function memberError(e: MemberError): Error {
  if (e.exitCode !== undefined) return new CliError(e.message, e.exitCode);
  const err =
    e.name === 'RangeError'
      ? new RangeError(e.message)
      : e.name === 'TypeError'
        ? new TypeError(e.message)
        : new Error(e.message);
  if (err.name !== e.name) err.name = e.name;
  return err;
}

/** `trainNeuralODE`'s options as data: without the functions (progress goes through a port). */
function dataOptions(options: TrainOptions): TrainOptions {
  const { onProgress: _, ...data } = options;
  return data;
}

/**
 * Open a pool of `threads` threads training members (`file`: the worker bundle, by default
 * dist/ensemble-member.cjs beside this bundle). A member that fails rejects with the error it
 * would have thrown on this thread; a thread that dies rejects its member with a
 * `MemberThreadError` (exit 1) naming the member's seed, and never leaves `train` waiting.
 */
export async function openMemberPool(threads: number, file = memberWorkerFile()): Promise<MemberPool> {
  const { Piscina } = await import('piscina');
  const pool = new Piscina<MemberJob, MemberOutcome>({
    filename: file,
    name: 'trainMember',
    minThreads: threads,
    maxThreads: threads,
  });
  const used = new Set<number>();
  // Members waiting for a result; a pool-level error (a thread failing outside any task, e.g.
  // while starting) fails them all instead of leaving them queued for threads that never come.
  const waiting = new Set<(err: Error) => void>();
  let broken: Error | undefined;
  // A thread that dies ends the training: every member still waiting fails with its error at
  // once (training on would only delay the exit; the caller closes the pool).
  const breakDown = (err: Error) => {
    broken ??= err;
    for (const fail of waiting) fail(broken);
  };
  pool.on('error', (err: unknown) =>
    breakDown(
      new MemberThreadError(
        `training on worker threads failed: ${oneLine(err instanceof Error ? err.message : String(err))}`,
      ),
    ),
  );
  const trainMember = async ({ seed, options, signal }: EnsembleMemberTask) => {
    if (broken) throw broken;
    signal.throwIfAborted();
    const progress = options.onProgress;
    const channel = progress ? new MessageChannel() : undefined;
    let finished = false;
    channel?.port1.on('message', (p: TrainProgress) => {
      if (!finished) progress!(p);
    });
    // Cancelling is cooperative (the member stops at its next epoch; the thread lives on), not
    // piscina's `signal`, which terminates the thread: when the abort came as the thread was
    // posting its result, piscina reported that result as "Unexpected message from Worker" on
    // the pool's 'error' event, which failed every member still training (member-pool.e2e.test.ts).
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    let fail: ((err: Error) => void) | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const outcome = await new Promise<MemberOutcome>((resolve, reject) => {
        fail = reject;
        waiting.add(reject);
        onAbort = () => {
          Atomics.store(cancel, 0, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const job: MemberJob = {
          options: dataOptions(options),
          cancel,
          ...(channel ? { port: channel.port2 } : {}),
        };
        pool.run(job, channel ? { transferList: [channel.port2] } : {}).then(resolve, (err) => {
          if (signal.aborted) return;
          breakDown(
            new MemberThreadError(
              `the worker thread training the member of seed ${seed} stopped: ${oneLine(err instanceof Error ? err.message : String(err))}`,
            ),
          );
        });
      });
      used.add(outcome.threadId);
      if (outcome.status === 'failed') throw memberError(outcome.error);
      // A cancelled member's outcome only comes after its abort has rejected.
      if (outcome.status === 'cancelled') throw signal.reason;
      return outcome.result;
    } finally {
      finished = true;
      if (fail) waiting.delete(fail);
      if (onAbort) signal.removeEventListener('abort', onAbort);
      channel?.port1.close();
    }
  };
  return {
    trainMember,
    threadsUsed: () => used.size,
    isCrash: (err) => err instanceof MemberThreadError,
    close: () => pool.destroy(),
  };
}

/**
 * Threads for `runHeldOutAsync`: `threads` (--threads), by default one per core
 * (os.availableParallelism()); `runHeldOutAsync` takes at most one per fit that can run at once.
 */
export function memberThreads(threads: number | undefined): MemberThreads {
  return { threads: threads ?? availableParallelism(), open: (n) => openMemberPool(n) };
}
