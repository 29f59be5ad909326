/**
 * Benchmark: E5 at loose tolerances (issue 18), where a trace species computed slightly negative
 * makes the kinetics blow up. radau5, rodas5, bdf and auto at rtol = atol = 1e-4 … 1e-8, with the
 * default options (the positivity rescue) and with `nonnegative: false` (the rescue off, the
 * behaviour before it), and at the test set's atol = 1e-20: status, steps, f calls, the rescues
 * made, the end error in the solvers' own weights, max |yᵢ − refᵢ| / (atol + rtol·|refᵢ|), and the
 * median wall time.
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/e5-robust.ts [--json]
 */
import type { StiffMethodName } from '@kinetica/ode-core';
import { e5, rescuesOf, solve } from '../src/index';
import { machineLine, markdownTable, timeRuns } from './timing';

const methods: StiffMethodName[] = ['radau5', 'rodas5', 'bdf', 'auto'];
const tolerances = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8];
const t1 = e5.problem.tspan[1] as number;

interface Row {
  method: string;
  rtol: number;
  atol: number;
  options: string;
  status: string;
  steps: number;
  accepted: number;
  nfev: number;
  rescues: string;
  error: number;
  ms: number;
}

function weightedError(y: Float64Array, rtol: number, atol: number): number {
  let worst = 0;
  for (let i = 0; i < y.length; i++) {
    const ref = e5.reference[i]!;
    worst = Math.max(worst, Math.abs(y[i]! - ref) / (atol + rtol * Math.abs(ref)));
  }
  return worst;
}

const rows: Row[] = [];
for (const method of methods) {
  for (const [atolOf, variants] of [
    [(rtol: number) => rtol, [undefined, false]],
    [() => e5.atol!, [undefined]],
  ] as const) {
    for (const nonnegative of variants) {
      for (const rtol of tolerances) {
        const atol = atolOf(rtol);
        const options = {
          method,
          rtol,
          atol,
          saveAt: [t1],
          ...(nonnegative === false ? { nonnegative } : {}),
        };
        const { result: sol, medianMs } = timeRuns(() => solve(e5.problem, options), 150, 9);
        const ok = sol.status === 'success';
        rows.push({
          method,
          rtol,
          atol,
          options: nonnegative === false ? 'nonnegative: false' : '',
          status: ok ? 'success' : sol.message,
          steps: sol.stats.nsteps,
          accepted: sol.stats.naccept,
          nfev: sol.stats.nfev,
          rescues: rescuesOf(sol)
            .map((r) => `${r.kind}${r.to ? `→${r.to}` : ''} at t=${r.t.toPrecision(4)} (−${r.discarded})`)
            .join(', '),
          error: ok ? weightedError(sol.y[0]!, rtol, atol) : Number.NaN,
          ms: medianMs,
        });
      }
    }
  }
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ machine: machineLine(), rows }, null, 2));
} else {
  console.log(`E5 on [0, 1e13], output at t1 only. ${machineLine()}`);
  console.log(
    'error: max |yᵢ − refᵢ| / (atol + rtol·|refᵢ|) at t1; rescues: kind at the restart time (accepted steps taken back).\n',
  );
  console.log(
    markdownTable(
      ['method', 'rtol', 'atol', 'options', 'status', 'steps (accepted)', 'nfev', 'error', 'ms', 'rescues'],
      rows.map((r) => [
        r.method,
        r.rtol.toExponential(0),
        r.atol.toExponential(0),
        r.options,
        r.status,
        `${r.steps} (${r.accepted})`,
        r.nfev,
        Number.isNaN(r.error) ? '–' : r.error.toExponential(1),
        r.ms.toFixed(1),
        r.rescues,
      ]),
    ),
  );
}
