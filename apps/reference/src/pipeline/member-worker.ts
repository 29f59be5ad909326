import { type MessagePort, threadId } from 'node:worker_threads';
import {
  type TrainOptions,
  type TrainProgress,
  type TrainResultJSON,
  trainNeuralODE,
  trainResultToJSON,
} from '@kinetica/autodiff-ode';
import { CliError } from '../io/errors';

/**
 * One ensemble member (or one cross-validation fit) trained on a pool thread: the file that
 * `train`'s and `demo`'s piscina pool loads (dist/ensemble-member.cjs, beside the CLI's bundle;
 * pipeline/member-pool.ts). The member is `trainNeuralODE` with the options the main thread would
 * have used, so its result is the one training it there gives; it goes back as plain data, and a
 * failure as its error's class, message and exit code, so that the main thread reports exactly
 * what it would have reported.
 */

export interface MemberJob {
  /** `trainNeuralODE`'s options, without functions (structured-cloned). */
  options: TrainOptions;
  /** Where each epoch's progress goes, when the main thread shows it. */
  port?: MessagePort;
  /**
   * One Int32 on a SharedArrayBuffer that the main thread sets to 1 when it no longer wants the
   * member (`EnsembleMemberTask.signal`): the member then ends at its next epoch (or before it
   * starts) as `cancelled`, and its thread goes on serving the pool.
   */
  cancel?: Int32Array;
}

/** A member's error as data: enough to throw the same error on the main thread. */
export interface MemberError {
  name: string;
  message: string;
  /** A CliError's exit code. */
  exitCode?: number;
}

export type MemberOutcome =
  | { status: 'success'; result: TrainResultJSON; threadId: number }
  | { status: 'failed'; error: MemberError; threadId: number }
  | { status: 'cancelled'; threadId: number };

/** Test hook (e2e tests only): the thread training the member of this seed exits at once. */
const EXIT_AT_SEED = 'KINETICA_TEST_MEMBER_EXIT_SEED';

/** Thrown from the progress callback to end a cancelled member's training. */
const CANCELLED = Symbol('cancelled');

export function trainMember(job: MemberJob): MemberOutcome {
  const { options, port, cancel } = job;
  const cancelled = () => cancel !== undefined && Atomics.load(cancel, 0) !== 0;
  try {
    if (process.env[EXIT_AT_SEED] !== undefined && Number(process.env[EXIT_AT_SEED]) === options.seed)
      process.exit(99);
    if (cancelled()) return { status: 'cancelled', threadId };
    const result = trainNeuralODE({
      ...options,
      ...(port || cancel
        ? {
            onProgress: (p: TrainProgress) => {
              if (cancelled()) throw CANCELLED;
              port?.postMessage(p);
            },
          }
        : {}),
    });
    return { status: 'success', result: trainResultToJSON(result), threadId };
  } catch (err) {
    if (err === CANCELLED) return { status: 'cancelled', threadId };
    const e = err instanceof Error ? err : new Error(String(err));
    return {
      status: 'failed',
      error: {
        name: e.name,
        message: e.message,
        ...(err instanceof CliError ? { exitCode: err.exitCode } : {}),
      },
      threadId,
    };
  } finally {
    port?.close();
  }
}
