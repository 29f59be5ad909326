/**
 * Robertson stiffness along a radau5 trajectory (acceptance item 4, first half).
 * Run from the repository root: npx tsx --conditions=source packages/diagnostics/bench/robertson-stiffness.ts
 */
import { solve } from '@kinetica/solvers-stiff';
import { stiffnessProfile } from '../src/index';

const f = (_t: number, y: Float64Array, d: Float64Array) => {
  d[0] = -0.04 * y[0]! + 1e4 * y[1]! * y[2]!;
  d[1] = 0.04 * y[0]! - 1e4 * y[1]! * y[2]! - 3e7 * y[1]! * y[1]!;
  d[2] = 3e7 * y[1]! * y[1]!;
};
const saveAt = [0, ...Array.from({ length: 17 }, (_, i) => 10 ** (-6 + i))];
const t0 = performance.now();
const sol = solve(
  { f, y0: [1, 0, 0], tspan: [0, 1e10] },
  { method: 'radau5', rtol: 1e-8, atol: 1e-14, saveAt },
);
const tSolve = performance.now() - t0;
if (sol.status !== 'success') throw new Error(sol.message);
for (const conservation of [undefined, [[1, 1, 1]]]) {
  const t1 = performance.now();
  const profile = stiffnessProfile({ n: 3, f }, sol, conservation ? { conservation } : {});
  const ms = performance.now() - t1;
  console.log(
    conservation
      ? '\nwith the conservation law y1 + y2 + y3 = 1 (reduced Jacobian):'
      : 'full Jacobian (zeroTol 1e-13):',
  );
  console.log('t           stiffness ratio   fastest decay');
  for (let k = 0; k < profile.t.length; k++) {
    const ratio = profile.stiffnessRatio[k]!.toExponential(2).padStart(15);
    console.log(
      `${profile.t[k]!.toExponential(0).padEnd(12)}${ratio}${profile.fastestDecay[k]!.toExponential(2).padStart(16)}`,
    );
  }
  console.log(
    `recommendation: ${profile.recommendation.method} (${profile.recommendation.reason}); profile of ${profile.t.length} points in ${ms.toFixed(1)} ms`,
  );
}
console.log(`radau5 solve over [0, 1e10]: ${tSolve.toFixed(0)} ms, ${sol.stats.naccept} accepted steps`);
