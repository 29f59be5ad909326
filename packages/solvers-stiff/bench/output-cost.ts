/**
 * Where the time of a dense-grid solve goes: POLLU with bdf at rtol = atol = 1e-6 (a) with output
 * at the end only, (b) on diff-grok's 30001-point grid, and (c) allocating 30001 state vectors of
 * 20 float64 (what `Solution.y` holds) without solving anything.
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/output-cost.ts
 */
import type { SolveOptions } from '@kinetica/ode-core';
import { solve } from '../src/index';
import { pollu } from '../src/testset/index';
import { machineLine, markdownTable, outputGrid, timeRuns } from './timing';

const grid = outputGrid(0, 60, 0.002);
const opts: SolveOptions = { method: 'bdf', rtol: 1e-6, atol: 1e-6 };
const endOnly = timeRuns(() => solve(pollu.problem, { ...opts, saveAt: [60] }), 1000, 25);
const onGrid = timeRuns(() => solve(pollu.problem, { ...opts, saveAt: grid }), 2000, 25);
const alloc = timeRuns(
  () => {
    const ys: Float64Array[] = [];
    for (let i = 0; i < grid.length; i++) ys.push(new Float64Array(20));
    return ys;
  },
  2000,
  25,
);
console.log(`${machineLine()}\n`);
console.log(
  markdownTable(
    ['run', 'median ms', 'cold ms'],
    [
      ['solve, output at t = 60 only', endOnly.medianMs.toFixed(2), endOnly.coldMs.toFixed(2)],
      [`solve, output on ${grid.length} points`, onGrid.medianMs.toFixed(2), onGrid.coldMs.toFixed(2)],
      [
        `allocate ${grid.length} × Float64Array(20), no solve`,
        alloc.medianMs.toFixed(2),
        alloc.coldMs.toFixed(2),
      ],
    ],
  ),
);
