import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ODEProblem, Solution, SolveOptions } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { openEnsembleThreads, solveEnsemble, solveEnsembleThreads } from '../src/index';

// Threads load the fixture with plain Node (through tsx when the package runs from source, as here);
// this thread loads it too, for the in-thread ensembles to compare with.
const fixture = new URL('./ensemble-fixture.mjs', import.meta.url);
const fixturePath = fileURLToPath(fixture);
const { rober, roberEven, roberOfIndex } = (await import(fixture.href)) as {
  rober: (i: number, k: number[]) => ODEProblem;
  roberEven: (i: number, k: number[]) => ODEProblem;
  roberOfIndex: (i: number) => ODEProblem;
};

/** 12 members of ROBER: k1, k2, k3 spread over a decade each; member 5 has a NaN rate. */
const ks = Array.from({ length: 12 }, (_, i) => [
  0.04 * 1.2 ** i,
  1e4 / 1.2 ** (i % 5),
  3e7 * 1.1 ** (i % 7),
]);
ks[5] = [0.04, Number.NaN, 3e7];

/** The bits of a float64 array: equal only if every number is the same double (NaN, −0 included). */
function bits(a: Float64Array): BigInt64Array {
  return new BigInt64Array(a.buffer, a.byteOffset, a.length);
}

function expectSameSolution(a: Solution, b: Solution): void {
  expect(a.status).toBe(b.status);
  expect(a.message).toBe(b.message);
  expect(a.method).toBe(b.method);
  expect(bits(a.t)).toEqual(bits(b.t));
  expect(a.y).toHaveLength(b.y.length);
  for (const [i, row] of a.y.entries()) expect(bits(row)).toEqual(bits(b.y[i]!));
  expect(a.stats).toEqual(b.stats);
  expect(a.events).toEqual(b.events);
}

describe('solveEnsembleThreads', () => {
  it.each<[string, SolveOptions]>([
    ['radau5, every step', { method: 'radau5', rtol: 1e-8, atol: 1e-12 }],
    ['bdf, saveAt', { method: 'bdf', rtol: 1e-6, atol: 1e-10, saveAt: [1, 10, 100, 1e3, 1e4, 1e5] }],
  ])('equals the in-thread ensemble bit for bit (%s)', async (_, options) => {
    const threaded = await solveEnsembleThreads({
      module: fixture,
      export: 'rober',
      inputs: ks,
      options,
      threads: 2,
    });
    const inThread = solveEnsemble((i) => rober(i, ks[i]!), ks.length, options);
    expect(threaded).toHaveLength(12);
    for (const [i, sol] of threaded.entries()) expectSameSolution(sol, inThread[i]!);
    // The members differ (so that a member given another's result would be caught), and member 5 fails.
    const solved = threaded.filter((s) => s.status === 'success');
    expect(new Set(solved.map((s) => s.y.at(-1)![0])).size).toBe(11);
    expect(threaded.map((s) => s.status).filter((s) => s === 'failed')).toEqual(['failed']);
    expect(threaded[5]!.status).toBe('failed');
    expect(threaded[5]!.message).toMatch(/NaN or Inf in f at t=0/);
    expect(threaded[11]!.status).toBe('success');
  });

  it('takes count instead of inputs, a path, an async factory and one thread', async () => {
    const options: SolveOptions = { method: 'rodas5', saveAt: [1e5] };
    const byCount = await solveEnsembleThreads({
      module: fixturePath,
      export: 'roberOfIndex',
      count: 4,
      options,
    });
    const inThread = solveEnsemble(roberOfIndex, 4, options);
    for (const [i, sol] of byCount.entries()) expectSameSolution(sol, inThread[i]!);
    const later = await solveEnsembleThreads({
      module: fixture.href,
      export: 'roberLater',
      inputs: ks.slice(0, 3),
      options,
      threads: 1,
    });
    const laterInThread = solveEnsemble((i) => rober(i, ks[i]!), 3, options);
    for (const [i, sol] of later.entries()) expectSameSolution(sol, laterInThread[i]!);
  });

  it('makes a member whose factory throws failed, as in the calling thread', async () => {
    const inputs = ks.slice(0, 4);
    const threaded = await solveEnsembleThreads({ module: fixture, export: 'roberEven', inputs, threads: 2 });
    const inThread = solveEnsemble((i) => roberEven(i, inputs[i]!), 4);
    for (const [i, sol] of threaded.entries()) expectSameSolution(sol, inThread[i]!);
    expect(threaded.map((s) => s.status)).toEqual(['success', 'failed', 'success', 'failed']);
    expect(threaded[3]!.message).toBe('problem factory threw for member 3: odd member 3');
  });

  it('fails the member whose thread dies, and solves the others', async () => {
    const sols = await solveEnsembleThreads({
      module: fixture,
      export: 'roberExit',
      inputs: ks.slice(0, 4),
      threads: 2,
    });
    expect(sols.map((s) => s.status)).toEqual(['success', 'failed', 'success', 'success']);
    expect(sols[1]!.message).toMatch(/^the worker thread solving member 1 stopped: .*code: 7/);
  });

  it('keeps threads open for several ensembles (openEnsembleThreads)', async () => {
    const pool = await openEnsembleThreads({ module: fixture, export: 'rober', threads: 2 });
    try {
      expect(pool.threads).toBe(2);
      for (const options of [{ method: 'rodas5' }, { method: 'bdf', saveAt: [1, 1e5] }] as SolveOptions[]) {
        const threaded = await pool.solve({ inputs: ks, options });
        const inThread = solveEnsemble((i) => rober(i, ks[i]!), ks.length, options);
        for (const [i, sol] of threaded.entries()) expectSameSolution(sol, inThread[i]!);
      }
      await expect(pool.solve({ inputs: ks, options: { method: 'rk45' as never } })).rejects.toThrow(
        /^EnsembleThreads.solve: unknown method 'rk45'$/,
      );
      await expect(pool.solve({ count: -1 })).rejects.toThrow(
        /^EnsembleThreads.solve: count must be a positive integer \(got -1\)$/,
      );
    } finally {
      await pool.close();
    }
    await expect(pool.solve({ inputs: ks })).rejects.toThrow(
      /^openEnsembleThreads: the worker threads are closed$/,
    );
    await expect(openEnsembleThreads({ module: fixture, export: 'notAFactory' })).rejects.toThrow(
      /^openEnsembleThreads: export 'notAFactory' of .* is a number, not a function/,
    );
  });

  // The package as installed: dist/ensemble-worker.cjs, from the ESM and the CommonJS root (plain
  // Node, no source condition), each compared with its own in-thread ensemble. Needs a build.
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  it.skipIf(!existsSync(`${packageDir}dist/ensemble-worker.cjs`))(
    'runs from the built package, ESM and CommonJS',
    () => {
      const script = `
      import { createRequire } from 'node:module';
      const fixture = ${JSON.stringify(fixturePath)};
      const { rober } = await import(fixture);
      const ks = ${JSON.stringify(ks.slice(0, 6))};
      const options = { method: 'radau5', rtol: 1e-7 };
      const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      const same = (a, b) => a.status === b.status && bytes(a.t).equals(bytes(b.t)) && bytes(a.Y).equals(bytes(b.Y));
      const check = async (lib) => {
        const threaded = await lib.solveEnsembleThreads({ module: fixture, export: 'rober', inputs: ks, options, threads: 2 });
        const inThread = lib.solveEnsemble((i) => rober(i, ks[i]), ks.length, options);
        return threaded.length === ks.length && threaded.every((s, i) => same(s, inThread[i]) && s.y.length === s.t.length);
      };
      const esm = await check(await import('@kinetica/solvers-stiff'));
      const cjs = await check(createRequire(import.meta.url)('@kinetica/solvers-stiff'));
      console.log(JSON.stringify({ esm, cjs }));
    `;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: packageDir,
        encoding: 'utf8',
      });
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ esm: true, cjs: true });
    },
  );

  const broken = new URL('./ensemble-broken.mjs', import.meta.url);
  const missing = fileURLToPath(new URL('./no-such-module.mjs', import.meta.url));
  it.each<[string, () => Promise<unknown>, RegExp]>([
    [
      'missing module',
      () => solveEnsembleThreads({ module: missing, export: 'rober', count: 2 }),
      /module not found: .*no-such-module\.mjs$/,
    ],
    [
      'module that throws',
      () => solveEnsembleThreads({ module: broken, export: 'rober', count: 2 }),
      /cannot load module .*ensemble-broken\.mjs: this module fails on purpose$/,
    ],
    [
      'no module',
      () => solveEnsembleThreads({ export: 'rober', count: 2 } as never),
      /module must be a path or a file: URL$/,
    ],
    [
      'missing export',
      () => solveEnsembleThreads({ module: fixture, export: 'robber', count: 2 }),
      /has no export 'robber' \(it exports: .*rober/,
    ],
    [
      'export not a function',
      () => solveEnsembleThreads({ module: fixture, export: 'notAFactory', count: 2 }),
      /export 'notAFactory' of .* is a number, not a function/,
    ],
    [
      'input not clonable',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', inputs: [[1, 2, 3], () => 0] }),
      /inputs\[1\] cannot be cloned to a worker thread: /,
    ],
    [
      'count 0',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', count: 0 }),
      /count must be a positive integer \(got 0\)$/,
    ],
    [
      'count 1.5',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', count: 1.5 }),
      /count must be a positive integer \(got 1.5\)$/,
    ],
    [
      'inputs and count',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', inputs: ks, count: 12 }),
      /give either inputs \(one per member\) or count, not both$/,
    ],
    [
      'empty inputs',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', inputs: [] }),
      /inputs is empty/,
    ],
    [
      'threads 0',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', inputs: ks, threads: 0 }),
      /threads must be a positive integer \(got 0\)$/,
    ],
    [
      'threads 2.5',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', inputs: ks, threads: 2.5 }),
      /threads must be a positive integer \(got 2.5\)$/,
    ],
    [
      'unknown method',
      () =>
        solveEnsembleThreads({
          module: fixture,
          export: 'rober',
          inputs: ks,
          options: { method: 'lsoda' as never },
        }),
      /unknown method 'lsoda'$/,
    ],
    [
      'dense output',
      () => solveEnsembleThreads({ module: fixture, export: 'rober', inputs: ks, options: { dense: true } }),
      /options.dense cannot cross threads/,
    ],
    [
      'events',
      () =>
        solveEnsembleThreads({
          module: fixture,
          export: 'rober',
          inputs: ks,
          options: { events: [{ g: (_t, y) => y[0]! - 0.5 }] },
        }),
      /options.events cannot cross threads/,
    ],
  ])('rejects %s with one line', async (_, call, message) => {
    const err = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const text = (err as Error).message;
    expect(text).toMatch(/^solveEnsembleThreads: /);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});
