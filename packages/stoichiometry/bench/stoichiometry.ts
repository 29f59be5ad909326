/**
 * Timings for conservation laws on larger networks and for simulating the limonene pathway.
 * Run from the repository root:
 *   npx tsx --conditions=source packages/stoichiometry/bench/stoichiometry.ts
 */
import { solve } from '@kinetica/solvers-stiff';
import {
  conservationLaws,
  limoneneModel,
  parseNetwork,
  reduceSystem,
  stoichiometricRank,
} from '../src/index';

function time<T>(label: string, repeats: number, run: () => T): T {
  let result = run();
  const start = performance.now();
  for (let k = 0; k < repeats; k++) result = run();
  const ms = (performance.now() - start) / repeats;
  console.log(`${label}: ${ms < 1 ? ms.toFixed(3) : ms.toFixed(1)} ms`);
  return result;
}

// A signalling cascade: n enzymes, each binding its substrate, converting it and releasing it.
function cascade(n: number): string {
  const lines: string[] = [];
  for (let k = 0; k < n; k++) {
    lines.push(`E${k} + S${k} <-> C${k}`, `C${k} -> E${k} + S${k + 1}`);
    if (k > 0) lines.push(`S${k} -> S${k - 1}`);
  }
  return lines.join('\n');
}

for (const n of [10, 30, 60]) {
  const net = parseNetwork(cascade(n));
  const W = time(
    `conservationLaws, enzyme cascade of ${n} (${net.species.length} species × ${net.reactions.length} reactions)`,
    5,
    () => conservationLaws(net.S),
  );
  console.log(
    `  rank ${stoichiometricRank(net.S)}, ${W.length} laws, all non-negative: ${W.every((w) => w.every((v) => v >= 0))}`,
  );
  time('  reduceSystem', 5, () => reduceSystem(net.S, new Array(net.species.length).fill(1)));
}

const model = limoneneModel();
const courses = [4104.5, 3967.0, 17116.0, 7309.5, 339361.5, 116540.0, 9766.0, 174631.5, 39064.5];
const problem = model.problem([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0], [0, 72], (t, u) => {
  for (let k = 0; k < 9; k++) u[k] = (courses[k]! * t) / (6 + 2 * k + t) + 0.5 * courses[k]!;
});
for (const [method, rtol, atol] of [
  ['radau5', 1e-6, 1e-10],
  ['radau5', 1e-10, 1e-16],
  ['bdf', 1e-6, 1e-10],
  ['rodas5', 1e-6, 1e-10],
] as const) {
  const sol = time(`limonene 0–72 h, ${method} rtol ${rtol}`, 10, () =>
    solve(problem, { method, rtol, atol, saveAt: [72] }),
  );
  console.log(
    `  status ${sol.status}, nfev ${sol.stats.nfev}, njev ${sol.stats.njev}, steps ${sol.stats.naccept}`,
  );
}
