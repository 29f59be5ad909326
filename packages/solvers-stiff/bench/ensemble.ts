/**
 * Benchmark: ensembles on worker threads (issue 21, scope 5). 64 members of ROBER (the test set's
 * problem on [0, 1e11], radau5, rtol 1e-10, atol 1e-13, output at 0.4·10^k, k = 0 … 10, and 1e11), member i starting from
 * y0 = (a, 0, 1 − a) with a from 1 down to 0.5: `solveEnsemble` in the calling thread against
 * `solveEnsembleThreads` on 1 and 2 threads (each call starting and ending its threads), median wall
 * time of 3 runs each, speed-ups over the calling thread, and a check that every threaded member
 * equals its in-thread solution bit for bit. `startMs`: a 2-member ensemble on 2 threads whose
 * members take microseconds, the fixed cost of a call. Ends with one JSON line.
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/ensemble.ts
 * Threads load this file for its factory `roberMember` (main only runs on the main thread).
 */
import { isMainThread } from 'node:worker_threads';
import type { ODEProblem, Solution } from '@kinetica/ode-core';
import { testProblems } from '@kinetica/solvers-stiff/testset';

/** Member input: the share a of y1 at t0 (the rest is y3) and the end of the span. */
export interface RoberInput {
  a: number;
  t1: number;
}

/** The test set's ROBER from y0 = (a, 0, 1 − a) on [0, t1]. */
export function roberMember(_i: number, { a, t1 }: RoberInput): ODEProblem {
  return { ...(testProblems.rober.problem as ODEProblem), y0: [a, 0, 1 - a], tspan: [0, t1] };
}

const members = 64;
const runs = 5;
const t1 = 1e11;
const options = {
  method: 'radau5' as const,
  rtol: 1e-10,
  atol: testProblems.rober.atol!,
  saveAt: [...Array.from({ length: 11 }, (_, k) => 0.4 * 10 ** k), t1],
};
const inputs: RoberInput[] = Array.from({ length: members }, (_, i) => ({
  a: 1 - (0.5 * i) / (members - 1),
  t1,
}));

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function identical(a: Solution[], b: Solution[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (s, i) =>
        s.status === b[i]!.status &&
        sameBits(s.t, b[i]!.t) &&
        s.y.every((row, k) => sameBits(row, b[i]!.y[k]!)) &&
        JSON.stringify(s.stats) === JSON.stringify(b[i]!.stats),
    )
  );
}

function median(xs: number[]): number {
  return [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
}

async function main(): Promise<void> {
  const { openEnsembleThreads, solveEnsemble, solveEnsembleThreads } = await import(
    '@kinetica/solvers-stiff'
  );
  const { machineLine, markdownTable } = await import('./timing');
  const module = new URL(import.meta.url);
  // From the sources (the `source` condition), threads load them through tsx: a slower start.
  const entry = import.meta.resolve('@kinetica/solvers-stiff');
  const source = { module, export: 'roberMember' };
  const reference = solveEnsemble((i) => roberMember(i, inputs[i]!), members, options); // JIT warm-up
  const open = [
    await openEnsembleThreads({ ...source, threads: 1 }),
    await openEnsembleThreads({ ...source, threads: 2 }),
  ];
  for (const pool of open) await pool.solve({ inputs, options }); // their JIT warm-up
  const rows: Array<{ key: string; label: string; run: () => Solution[] | Promise<Solution[]> }> = [
    {
      key: 'inThread',
      label: 'in the calling thread (solveEnsemble)',
      run: () => solveEnsemble((i) => roberMember(i, inputs[i]!), members, options),
    },
    ...([1, 2] as const).map((threads) => ({
      key: `call${threads}`,
      label: `solveEnsembleThreads, ${threads} thread${threads > 1 ? 's' : ''} (started by the call)`,
      run: () => solveEnsembleThreads({ ...source, inputs, options, threads }),
    })),
    ...open.map((pool) => ({
      key: `open${pool.threads}`,
      label: `openEnsembleThreads, ${pool.threads} thread${pool.threads > 1 ? 's' : ''} (open, warm)`,
      run: () => pool.solve({ inputs, options }),
    })),
    {
      key: 'start',
      label: 'fixed cost: solveEnsembleThreads, 2 members of microseconds, 2 threads',
      run: () =>
        solveEnsembleThreads({
          ...source,
          inputs: inputs.slice(0, 2).map(({ a }) => ({ a, t1: 1e-6 })),
          threads: 2,
        }),
    },
  ];
  const times = new Map<string, number[]>(rows.map((row) => [row.key, []]));
  let same = true;
  for (let r = 0; r < runs; r++) {
    for (const row of rows) {
      const t0 = performance.now();
      const sols = await row.run();
      times.get(row.key)!.push(performance.now() - t0);
      if (row.key !== 'start') same &&= identical(sols, reference);
    }
  }
  for (const pool of open) await pool.close();

  const ms = Object.fromEntries(rows.map((row) => [row.key, median(times.get(row.key)!)]));
  const speedup = (key: string) => Number((ms.inThread! / ms[key]!).toFixed(2));
  console.log(machineLine());
  console.log(`@kinetica/solvers-stiff from ${entry}`);
  console.log(`ROBER, ${members} members, radau5 rtol 1e-10 atol 1e-13, median of ${runs} runs:`);
  console.log(
    markdownTable(
      ['run', 'wall ms', 'speed-up'],
      rows.map((row) => [
        row.label,
        ms[row.key]!.toFixed(0),
        row.key === 'start' ? '' : speedup(row.key).toFixed(2),
      ]),
    ),
  );
  const failed = reference.filter((sol) => sol.status !== 'success').length;
  console.log(`failed members: ${failed}; every threaded member = in-thread, bit for bit: ${same}`);
  console.log(
    JSON.stringify({
      bench: 'ensemble',
      problem: 'rober',
      members,
      method: options.method,
      rtol: options.rtol,
      from: entry.endsWith('.ts') ? 'source' : 'dist',
      ...Object.fromEntries(rows.map((row) => [`${row.key}Ms`, Math.round(ms[row.key]!)])),
      ...Object.fromEntries(
        rows
          .filter((row) => row.key !== 'start' && row.key !== 'inThread')
          .map((row) => [`speedup_${row.key}`, speedup(row.key)]),
      ),
      identical: same,
      failed,
    }),
  );
}

// Not top-level await: on Node 20 threads load this file through tsx's CommonJS hook.
if (isMainThread)
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
