/**
 * Issue 18, acceptance 5: the cost of producing 400,001 output rows of a 3-species problem on top
 * of the steps. ROBER on [0, 1e12] with diff-grok's output step 2.5e6, rtol 1e-6, atol 1e-10: the
 * same solve with output at the end only and on the whole grid; best of 25 runs each (warm JIT).
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/output-rows.ts
 */
import type { StiffMethodName } from '@kinetica/ode-core';
import { solve } from '../src/index';
import { rober } from '../src/testset/index';
import { machineLine, markdownTable } from './timing';

const N = 400_001;
const grid = Float64Array.from({ length: N }, (_, i) => i * 2.5e6);
const problem = { ...rober.problem, tspan: [0, 1e12] as const };
const methods: StiffMethodName[] = ['rodas5', 'radau5', 'bdf'];
const rows: string[][] = [];
for (const method of methods) {
  const opts = { method, rtol: 1e-6, atol: 1e-10 };
  let endOnly = Number.POSITIVE_INFINITY;
  let onGrid = Number.POSITIVE_INFINITY;
  let steps = 0;
  for (let r = 0; r < 25; r++) {
    let t = performance.now();
    solve(problem, { ...opts, saveAt: [1e12] });
    endOnly = Math.min(endOnly, performance.now() - t);
    t = performance.now();
    const sol = solve(problem, { ...opts, saveAt: grid });
    onGrid = Math.min(onGrid, performance.now() - t);
    if (sol.status !== 'success' || sol.t.length !== N) throw new Error(`${method}: ${sol.message}`);
    steps = sol.stats.naccept;
  }
  const extra = onGrid - endOnly;
  rows.push([
    method,
    String(steps),
    endOnly.toFixed(2),
    onGrid.toFixed(2),
    extra.toFixed(2),
    ((extra / N) * 1e6).toFixed(0),
  ]);
}
console.log(`${machineLine()}\n`);
console.log(
  markdownTable(['method', 'steps', 'end only, ms', '400,001 rows, ms', 'rows cost, ms', 'ns per row'], rows),
);
