/**
 * DETEST table for docs/benchmarks/explicit.md: dopri5 and tsit5 on the 23 non-stiff DETEST
 * problems at rtol = atol = 1e-6 and 1e-10. Run from the repository root:
 *   npx tsx --conditions=source packages/ode-core/bench/detest.ts
 */
import type { ExplicitMethodName } from '../src/types';
import { detestProblems } from '../test/problems/detest';
import { runDetest } from '../test/problems/detest-metrics';

const methods: ExplicitMethodName[] = ['dopri5', 'tsit5'];
const tols = [1e-6, 1e-10];
const results = methods.flatMap((m) =>
  tols.flatMap((tol) => detestProblems.map((p) => runDetest(p, m, tol))),
);

const cols = methods.flatMap((m) => tols.map((tol) => ({ m, tol })));
console.log(
  `| problem | ${cols.map(({ m, tol }) => `${m} ${tol}: nfev / global / max local`).join(' | ')} |`,
);
console.log(`|---|${cols.map(() => '---:').join('|')}|`);
for (const p of detestProblems) {
  const cells = cols.map(({ m, tol }) => {
    const r = results.find((x) => x.problem === p.name && x.method === m && x.tol === tol)!;
    return `${r.nfev} / ${r.globalErr.toFixed(1)} / ${r.maxLocalErr.toFixed(2)}`;
  });
  console.log(`| ${p.name} | ${cells.join(' | ')} |`);
}
for (const { m, tol } of cols) {
  const rs = results.filter((x) => x.method === m && x.tol === tol);
  const within = rs.filter((r) => r.globalErr <= 10).length;
  console.log(
    `\n${m} ${tol}: total nfev ${rs.reduce((s, r) => s + r.nfev, 0)}, max local error ${Math.max(...rs.map((r) => r.maxLocalErr)).toFixed(2)}·tol, ` +
      `deceived steps ${Math.max(...rs.map((r) => r.deceived * 100)).toFixed(1)}% at most, global error ≤ 10·tol on ${within}/${rs.length}`,
  );
}
