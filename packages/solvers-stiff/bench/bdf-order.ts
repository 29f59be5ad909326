/**
 * Order of convergence of `bdf` at fixed order k = 1 … 5 and fixed step on the stiff
 * Prothero–Robinson problem y' = λ(y − g) + g', g = e^{t/2}, λ = −1e4, on [0, 4]: the error at
 * t = 4 for N steps, and the observed order log(e_N / e_2N) / log 2 (√2 spacing for k = 5, whose
 * errors reach round-off sooner). The unit test bdf.test.ts asserts these within 0.3.
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/bdf-order.ts
 */
import { prepareSolve } from '@kinetica/ode-core';
import { bdf } from '../src/implicit/bdf';
import { markdownTable } from './timing';

const lambda = -1e4;
const g = (t: number) => Math.exp(t / 2);
const problem = {
  f: (t: number, y: Float64Array, dy: Float64Array) => {
    dy[0] = lambda * (y[0]! - g(t)) + 0.5 * g(t);
  },
  jac: (_t: number, _y: Float64Array, J: Float64Array) => {
    J[0] = lambda;
  },
  y0: [1],
  tspan: [0, 4] as const,
};

const rows: Array<Array<string | number>> = [];
for (const formula of ['bdf', 'ndf'] as const) {
  for (let k = 1; k <= 5; k++) {
    const grid = k === 5 ? [40, 56, 80, 113] : [40, 80, 160, 320];
    const errs = grid.map((steps) => {
      const sol = bdf(prepareSolve(problem, { h0: 4 / steps, saveAt: [4], rtol: 1e-14, atol: 1e-14 }), {
        order: k,
        fixedStep: true,
        formula,
      });
      return Math.abs(sol.y[0]![0]! - g(4));
    });
    const orders = errs
      .slice(1)
      .map((e, i) => (Math.log(errs[i]! / e) / Math.log(grid[i + 1]! / grid[i]!)).toFixed(2));
    rows.push([
      formula,
      k,
      grid.join(', '),
      errs.map((e) => e.toExponential(2)).join(', '),
      orders.join(', '),
    ]);
  }
}
console.log(markdownTable(['formula', 'order k', 'steps N', 'error at t = 4', 'observed order'], rows));
