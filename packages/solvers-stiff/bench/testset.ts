/**
 * Benchmark (a): the stiff test set (ROBER, HIRES, POLLU, OREGO, E5, VDPOL) with radau5, bdf and
 * rodas5 at rtol = 1e-4 … 1e-10 (atol = rtol, except ROBER atol = 1e-13 and E5 atol = 1e-20),
 * scored with the Bari test set's mescd and scd at the final time.
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/testset.ts [--json]
 */
import type { StiffMethodName } from '@kinetica/ode-core';
import { solve } from '../src/index';
import { mescd, scd, testProblems } from '../src/testset/index';
import { machineLine, markdownTable, timeRuns } from './timing';

const methods: StiffMethodName[] = ['radau5', 'bdf', 'rodas5'];
const tolerances = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10];

interface Row {
  problem: string;
  method: string;
  rtol: number;
  atol: number;
  options: string;
  status: string;
  mescd: number;
  scd: number;
  nfev: number;
  njev: number;
  nlu: number;
  steps: number;
  ms: number;
}

const rows: Row[] = [];
for (const tp of Object.values(testProblems)) {
  const t1 = tp.problem.tspan[1] as number;
  for (const method of methods) {
    // E5's y2 = y3 ≈ 1e-22 sit below atol: a negative excursion blows up (y2' = −c·y2²); the
    // nonnegative option is the documented remedy, so E5 runs both ways.
    const variants = tp.name === 'E5' ? [false, true] : [false];
    for (const nonnegative of variants) {
      for (const rtol of tolerances) {
        const atol = tp.atol ?? rtol;
        const options = { method, rtol, atol, saveAt: [t1], nonnegative };
        let timed: ReturnType<typeof timeRuns<ReturnType<typeof solve>>>;
        try {
          timed = timeRuns(() => solve(tp.problem, options));
        } catch (e) {
          rows.push({
            problem: tp.name,
            method,
            rtol,
            atol,
            options: nonnegative ? 'nonnegative' : '',
            status: `error: ${(e as Error).message}`,
            mescd: Number.NaN,
            scd: Number.NaN,
            nfev: 0,
            njev: 0,
            nlu: 0,
            steps: 0,
            ms: Number.NaN,
          });
          continue;
        }
        const sol = timed.result;
        const ok = sol.status === 'success' && sol.t[sol.t.length - 1] === t1;
        const y = ok ? sol.y[sol.y.length - 1]! : undefined;
        rows.push({
          problem: tp.name,
          method,
          rtol,
          atol,
          options: nonnegative ? 'nonnegative' : '',
          status: ok ? 'ok' : `failed: ${sol.message}`,
          mescd: y ? mescd(y, tp.reference, atol, rtol) : Number.NaN,
          scd: y ? scd(y, tp.reference, tp.scdAbsolute) : Number.NaN,
          nfev: sol.stats.nfev,
          njev: sol.stats.njev,
          nlu: sol.stats.nlu,
          steps: sol.stats.nsteps,
          ms: timed.medianMs,
        });
      }
    }
  }
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows));
} else {
  console.log(machineLine());
  const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  for (const tp of Object.values(testProblems)) {
    console.log(`\n### ${tp.name}\n`);
    console.log(
      markdownTable(
        ['method', 'rtol', 'atol', 'mescd', 'scd', 'nfev', 'njev', 'nlu', 'steps', 'ms', 'status'],
        rows
          .filter((r) => r.problem === tp.name)
          .map((r) => [
            r.method + (r.options ? ` (${r.options})` : ''),
            r.rtol.toExponential(0),
            r.atol.toExponential(0),
            fmt(r.mescd),
            fmt(r.scd),
            r.nfev,
            r.njev,
            r.nlu,
            r.steps,
            fmt(r.ms, 2),
            r.status,
          ]),
      ),
    );
  }
  console.log('\n### Acceptance: mescd ≥ 5.5 at rtol = 1e-7\n');
  const acc = rows.filter((r) => r.rtol === 1e-7);
  console.log(
    markdownTable(
      ['problem', ...methods.map((m) => m)],
      Object.values(testProblems).map((tp) => [
        tp.name,
        ...methods.map((m) =>
          acc
            .filter((r) => r.problem === tp.name && r.method === m)
            .map((r) => `${fmt(r.mescd)}${r.options ? ` (${r.options})` : ''}${r.mescd >= 5.5 ? ' ✓' : ' ✗'}`)
            .join(', '),
        ),
      ]),
    ),
  );
}
