/**
 * Lorenz Lyapunov spectrum (acceptance item 1) at the contract's settings, its convergence in the
 * averaging time and the step, and the cost.
 * Run from the repository root: npx tsx --conditions=source packages/diagnostics/bench/lyapunov-lorenz.ts
 */
import { lyapunovSpectrum } from '../src/index';
import { BETA, lorenz, lorenzJac, SIGMA } from '../test/lorenz';

const exactSum = -(SIGMA + 1 + BETA);
const row = (label: string, l: Float64Array, ms: number) => {
  const sum = l[0]! + l[1]! + l[2]!;
  console.log(
    `${label.padEnd(44)} λ = [${Array.from(l, (v) => v.toFixed(4)).join(', ')}]  λ1 − 0.906 = ${(l[0]! - 0.906).toFixed(4)}  ` +
      `sum = ${sum.toFixed(6)} (rel. err ${Math.abs((sum - exactSum) / exactSum).toExponential(1)})  ${ms.toFixed(0)} ms`,
  );
};
const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
};

const contract = time(() =>
  lyapunovSpectrum({ f: lorenz, jac: lorenzJac, y0: [1, 1, 1] }, { t: 1000, transient: 50 }),
);
row('t=1000, transient=50, dt=0.01, analytic J', ...contract);
const fd = time(() => lyapunovSpectrum({ f: lorenz, y0: [1, 1, 1] }, { t: 1000, transient: 50 }));
row('t=1000, transient=50, dt=0.01, finite-diff J', ...fd);
for (const t of [100, 300, 3000, 10000]) {
  row(
    `t=${t}, transient=50, dt=0.01`,
    ...time(() => lyapunovSpectrum({ f: lorenz, jac: lorenzJac, y0: [1, 1, 1] }, { t, transient: 50 })),
  );
}
row(
  't=1000, transient=50, dt=0.005',
  ...time(() =>
    lyapunovSpectrum({ f: lorenz, jac: lorenzJac, y0: [1, 1, 1] }, { t: 1000, transient: 50, dt: 0.005 }),
  ),
);
for (const y0 of [
  [-5, 3, 20],
  [10, 10, 30],
  [0.1, 0, 0],
]) {
  row(
    `t=1000, y0=[${y0}]`,
    ...time(() => lyapunovSpectrum({ f: lorenz, jac: lorenzJac, y0 }, { t: 1000, transient: 50 })),
  );
}
