import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type EnsembleTrainOptions, trainEnsemble, trainEnsembleAsync } from '@kinetica/autodiff-ode';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/io/errors';
import { memberError, openMemberPool } from '../src/pipeline/member-pool';
import { appDir } from './cli-helpers';

// The pool of `train --threads`, loading the built worker (dist/ensemble-member.cjs): build first.
const file = join(appDir, 'dist', 'ensemble-member.cjs');

describe('the ensemble member pool', () => {
  if (!existsSync(file)) throw new Error(`${file} is missing: build the app first (pnpm build)`);
  const pools: { close(): Promise<void> }[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  const grid = Array.from({ length: 9 }, (_, i) => i);
  const trajectories = [1, 1.4].map((a) => ({
    times: grid,
    states: grid.map((t) => [a * Math.exp(-0.2 * t)]),
  }));
  const options: EnsembleTrainOptions = {
    trajectories,
    hidden: [3],
    epochs: 3,
    method: 'rk4',
    seed: 1,
    ensemble: { members: 3 },
  };

  /** What trainEnsemble throws, and what the pool's trainEnsembleAsync rejects with. */
  async function bothErrors(bad: EnsembleTrainOptions): Promise<[unknown, unknown]> {
    const pool = await openMemberPool(2, file);
    pools.push(pool);
    let sequential: unknown;
    try {
      trainEnsemble(bad);
    } catch (err) {
      sequential = err;
    }
    const parallel = await trainEnsembleAsync({ ...bad, trainMember: pool.trainMember }).then(
      () => undefined,
      (err: unknown) => err,
    );
    return [sequential, parallel];
  }

  it('a member that fails on a thread rejects with the error it throws on this one (class and message)', async () => {
    const cases: [EnsembleTrainOptions, ErrorConstructor][] = [
      [{ ...options, shooting: { segmentLength: 0 } }, RangeError],
      [{ ...options, refine: { iterations: 2, memory: 0 } }, RangeError],
      [{ ...options, trajectories: [] }, TypeError],
    ];
    // Rounds: the failing member aborts the members after it, and an abort that came as a thread
    // posted its result once failed the whole pool (one case in four or five, at random).
    for (let round = 0; round < 8; round++) {
      for (const [bad, kind] of cases) {
        const [sequential, parallel] = await bothErrors(bad);
        expect(sequential).toBeInstanceOf(kind);
        expect((parallel as Error).constructor).toBe(kind);
        expect((parallel as Error).message).toBe((sequential as Error).message);
      }
    }
  });

  it('a member aborted while it trains stops, and its thread goes on serving the pool', async () => {
    const pool = await openMemberPool(1, file);
    pools.push(pool);
    const task = (seed: number, epochs: number, signal = new AbortController().signal) => ({
      index: 0,
      seed,
      options: { trajectories, hidden: [8], epochs, method: 'rk4' as const, seed },
      signal,
    });
    await pool.trainMember(task(1, 2));
    expect(pool.threadsUsed()).toBe(1);
    const abort = new AbortController();
    let epochs = 0;
    const long = task(2, 1_000_000, abort.signal);
    const aborted = pool.trainMember({
      ...long,
      options: {
        ...long.options,
        onProgress: () => {
          if (++epochs === 3) abort.abort(new Error('not wanted'));
        },
      },
    });
    await expect(aborted).rejects.toThrow('not wanted');
    // The next member runs once the aborted one has stopped (a million epochs would not end
    // within the test's time), on the same thread.
    const after = await pool.trainMember(task(3, 2));
    expect(after.history).toHaveLength(2);
    expect(pool.threadsUsed()).toBe(1);
    // Aborted before it starts: rejects at once.
    await expect(pool.trainMember(task(4, 2, AbortSignal.abort(new Error('too late'))))).rejects.toThrow(
      'too late',
    );
  });

  it('rebuilds errors as the CLI classifies them: CliError with its exit code, TypeError, RangeError, others by name', () => {
    const cli = memberError({ name: 'InputError', message: 'data.csv:3: bad', exitCode: 3 });
    expect(cli).toBeInstanceOf(CliError);
    expect((cli as CliError).exitCode).toBe(3);
    expect(memberError({ name: 'TypeError', message: 't' })).toBeInstanceOf(TypeError);
    expect(memberError({ name: 'RangeError', message: 'r' })).toBeInstanceOf(RangeError);
    const other = memberError({ name: 'OmicsIOError', message: 'o' });
    expect(other.name).toBe('OmicsIOError');
    expect(other.message).toBe('o');
  });

  it('trains members on both threads and returns them as data', async () => {
    const pool = await openMemberPool(2, file);
    pools.push(pool);
    // Members long enough (about 0.5 s each) that both threads have started before one ends.
    const fine = Array.from({ length: 60 }, (_, i) => i / 4);
    const long = [1, 1.4].map((a) => ({ times: fine, states: fine.map((t) => [a * Math.exp(-0.2 * t)]) }));
    const { results } = await trainEnsembleAsync({
      ...options,
      trajectories: long,
      hidden: [32, 32],
      epochs: 400,
      trainMember: pool.trainMember,
    });
    expect(results).toHaveLength(3);
    expect(pool.threadsUsed()).toBe(2);
    await pool.close();
  });
});
