/**
 * Observed orders of radau5, rodas5 and ros23 on Prothero–Robinson, y' = λ(y − sin t) + cos t,
 * y(0) = 0 on [0, 2], with constant steps h = 2/N (N = 10, 20, 40, 80): end-point error and the
 * largest dense-output error over 998 points. test/convergence.test.ts asserts the same numbers.
 *
 *   npx tsx --conditions=source packages/solvers-stiff/scripts/prothero-robinson-orders.ts
 */
import { solve } from '../src/index';

const GRID = [10, 20, 40, 80];
const orders = (e: number[]) => e.slice(1).map((x, i) => Math.log2(e[i]! / x).toFixed(2));

console.log('| λ | method | end-point errors (N = 10 … 80) | end-point orders | dense-output orders |');
console.log('| --- | --- | --- | --- | --- |');
for (const lambda of [-1, -1e6]) {
  for (const method of ['radau5', 'rodas5', 'ros23']) {
    const end: number[] = [];
    const dense: number[] = [];
    for (const N of GRID) {
      const h = 2 / N;
      const sol = solve(
        {
          f: (t, y, d) => void (d[0] = lambda * (y[0]! - Math.sin(t)) + Math.cos(t)),
          jac: (_t, _y, J) => void (J[0] = lambda),
          y0: [0],
          tspan: [0, 2],
        },
        { method, rtol: 1, atol: 1, h0: h, hmax: h, dense: true },
      );
      end.push(Math.abs(sol.y[sol.y.length - 1]![0]! - Math.sin(2)));
      let e = 0;
      for (let k = 0; k <= 997; k++)
        e = Math.max(e, Math.abs(sol.at!((2 * k) / 997)[0]! - Math.sin((2 * k) / 997)));
      dense.push(e);
    }
    const errs = end.map((e) => e.toExponential(2)).join(', ');
    console.log(
      `| ${lambda} | ${method} | ${errs} | ${orders(end).join(', ')} | ${orders(dense).join(', ')} |`,
    );
  }
}
