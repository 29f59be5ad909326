/**
 * Benchmark (d): block-diagonal Robertson, k = 1 … 1000 independent copies (3k states) with the
 * sparsity pattern and no analytic Jacobian (grouped finite differences: 3 f evaluations per
 * Jacobian whatever k is), rtol = 1e-7, atol = 1e-13, on [0, 1e11], output at the end only.
 * Cost should grow about linearly in k: the table lists ms and ms/k, and the script fits the
 * exponent of ms ∝ k^p over k = 30 … 1000 (below 16 states the dense LU is used).
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/block-rober.ts
 */
import type { MethodName } from '@kinetica/ode-core';
import { isMethodName, solve } from '../src/index';
import { blockRober, mescd, rober } from '../src/testset/index';
import { machineLine, markdownTable, timeRuns } from './timing';

const copies = [1, 3, 10, 30, 100, 300, 1000];
const methods: MethodName[] =
  process.argv.slice(2).length > 0 ? process.argv.slice(2).map(methodArg) : ['bdf', 'radau5', 'rodas5'];

/** A method name from the command line, or a one-line error naming it. */
function methodArg(name: string): MethodName {
  if (!isMethodName(name)) throw new RangeError(`block-rober: unknown method '${name}'`);
  return name;
}

const rows: Array<Array<string | number>> = [];
const slopes: string[] = [];
for (const method of methods) {
  let base: number | undefined;
  const logK: number[] = [];
  const logMs: number[] = [];
  for (const k of copies) {
    const { f, jacSparsity, y0, tspan } = blockRober(k);
    let timed: ReturnType<typeof timeRuns<ReturnType<typeof solve>>>;
    try {
      timed = timeRuns(
        () => solve({ f, jacSparsity, y0, tspan }, { method, rtol: 1e-7, atol: 1e-13, saveAt: [1e11] }),
        2000,
        11,
      );
    } catch (e) {
      rows.push([method, k, 3 * k, '–', '–', '–', '–', '–', '–', '–', `error: ${(e as Error).message}`]);
      continue;
    }
    const sol = timed.result;
    const ok = sol.status === 'success';
    let worst = Number.POSITIVE_INFINITY;
    if (ok) {
      const y = sol.y[0]!;
      for (let b = 0; b < k; b++)
        worst = Math.min(worst, mescd(y.subarray(3 * b, 3 * b + 3), rober.reference, 1e-13, 1e-7));
    }
    const perCopy = timed.medianMs / k;
    if (ok && k >= 30) {
      logK.push(Math.log(k));
      logMs.push(Math.log(timed.medianMs));
    }
    base ??= perCopy;
    rows.push([
      method,
      k,
      3 * k,
      timed.medianMs.toFixed(2),
      perCopy.toFixed(3),
      (perCopy / base).toFixed(2),
      sol.stats.nsteps,
      sol.stats.nfev,
      sol.stats.njev,
      sol.stats.nlu,
      ok ? `ok, min mescd ${worst.toFixed(2)}` : `failed: ${sol.message}`,
    ]);
  }
  slopes.push(`${method}: ms ∝ k^${leastSquaresSlope(logK, logMs).toFixed(2)} for k = 30 … 1000`);
}

function leastSquaresSlope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}
console.log(`${machineLine()}\n`);
console.log(
  markdownTable(
    [
      'method',
      'k',
      'states',
      'ms',
      'ms per copy',
      'per-copy cost vs k=1',
      'steps',
      'nfev',
      'njev',
      'nlu',
      'status',
    ],
    rows,
  ),
);
console.log(`\nLeast-squares growth of the median time (the sparse regime, k ≥ 30):\n${slopes.join('\n')}`);
