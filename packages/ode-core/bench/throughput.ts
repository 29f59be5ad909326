/**
 * Solver overhead per step: wall time of a solve minus the time of the same number of bare f
 * evaluations, per accepted step (rtol 1e-6, atol 1e-9, output at the end only; best of 25 runs). Run from the
 * repository root:
 *   npx tsx --conditions=source packages/ode-core/bench/throughput.ts
 */
import { solve } from '../src/solve';
import type { RhsFunction } from '../src/types';

const lorenz: RhsFunction = (_t, y, d) => {
  d[0] = 10 * (y[1]! - y[0]!);
  d[1] = y[0]! * (28 - y[2]!) - y[1]!;
  d[2] = y[0]! * y[1]! - (8 / 3) * y[2]!;
};

// A 100-species linear chain with decay (C1-like, non-stiff at this scale).
const N = 100;
const chain: RhsFunction = (_t, y, d) => {
  d[0] = -y[0]!;
  for (let i = 1; i < N; i++) d[i] = y[i - 1]! - y[i]!;
};
const chainY0 = Array.from({ length: N }, (_, i) => (i === 0 ? 1 : 0));

function best(fn: () => void, reps = 25): number {
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

const cases = [
  { name: 'Lorenz n=3, [0, 100]', f: lorenz, y0: [1, 1, 1], tspan: [0, 100] as [number, number] },
  { name: 'chain n=100, [0, 50]', f: chain, y0: chainY0, tspan: [0, 50] as [number, number] },
];
console.log('| problem | method | rtol | steps | nfev | solve ms | bare f ms | overhead µs/step |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const c of cases) {
  for (const method of ['bs3', 'dopri5', 'tsit5', 'dop853'] as const) {
    const opts = { method, rtol: 1e-6, atol: 1e-9, saveAt: [c.tspan[1]] };
    const problem = { f: c.f, y0: c.y0, tspan: c.tspan };
    const sol = solve(problem, opts);
    if (sol.status !== 'success') throw new Error(`${c.name} ${method}: ${sol.message}`);
    const ms = best(() => solve(problem, opts));
    const y = Float64Array.from(c.y0);
    const d = new Float64Array(y.length);
    const fms = best(() => {
      for (let k = 0; k < sol.stats.nfev; k++) c.f(k * 1e-3, y, d);
    });
    const overhead = ((ms - fms) * 1000) / sol.stats.naccept;
    console.log(
      `| ${c.name} | ${method} | 1e-6 | ${sol.stats.naccept} | ${sol.stats.nfev} | ${ms.toFixed(2)} | ${fms.toFixed(2)} | ${overhead.toFixed(2)} |`,
    );
  }
}
