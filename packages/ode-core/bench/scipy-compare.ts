/**
 * dopri5 (and dop853) against scipy's RK45 and DOP853 on the 23 DETEST problems, in one run.
 * Run from the repository root:
 *   npx tsx --conditions=source packages/ode-core/bench/scipy-compare.ts
 * Installs Debian's python3-scipy with apt-get when `python3 -c 'import scipy'` fails.
 * Same problems, same tolerances (rtol = atol = 1e-6 and 1e-10), same error norm and initial-step
 * rule; prints nfev and end-point error (in units of tol) per problem, then the ratios.
 * 'dopri5-I' is dopri5 with scipy's I controller (beta1 = 1/5, beta2 = 0) instead of the default PI one.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import reference from '../test/fixtures/detest-reference.json' with { type: 'json' };
import { solve } from '../src/solve';
import type { ExplicitMethodName } from '../src/types';
import { DETEST_TSPAN, detestProblems } from '../test/problems/detest';

const here = dirname(fileURLToPath(import.meta.url));
const TOLS = [1e-6, 1e-10];

function ensureScipy(): void {
  try {
    execFileSync('python3', ['-c', 'import scipy'], { stdio: 'ignore' });
  } catch {
    console.log('scipy missing: apt-get install -y python3-scipy');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', 'python3-scipy'], { stdio: 'inherit' });
  }
}

interface Run {
  problem: string;
  method: string;
  rtol: number;
  nfev: number;
  err: number;
  seconds: number;
}

function bestTime(fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  let spent = 0;
  for (let reps = 0; reps < 3 || (spent < 0.2 && reps < 200); reps++) {
    const t0 = performance.now();
    fn();
    const dt = (performance.now() - t0) / 1000;
    best = Math.min(best, dt);
    spent += dt;
  }
  return best;
}

function ours(method: ExplicitMethodName, label: string = method, controller = {}): Run[] {
  const runs: Run[] = [];
  for (const rtol of TOLS) {
    for (const p of detestProblems) {
      const opts = { method, rtol, atol: rtol, controller };
      const sol = solve({ f: p.f, y0: p.y0, tspan: DETEST_TSPAN }, opts);
      const ref = (reference.y1 as Record<string, number[]>)[p.name]!;
      const y = sol.y[sol.y.length - 1]!;
      const err = Math.max(...ref.map((r, i) => Math.abs(y[i]! - r) / (rtol + rtol * Math.abs(r))));
      const seconds = bestTime(() => solve({ f: p.f, y0: p.y0, tspan: DETEST_TSPAN }, opts));
      runs.push({ problem: p.name, method: label, rtol, nfev: sol.stats.nfev, err, seconds });
    }
  }
  return runs;
}

const geo = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

ensureScipy();
// Warm the JIT so that the first timed problems are not penalised.
ours('dopri5');
// 'dopri5-I': scipy's own controller (I controller, exponent 1/5), to check the two agree step for step.
const mine = [...ours('dopri5'), ...ours('dopri5', 'dopri5-I', { beta1: 0.2, beta2: 0 }), ...ours('dop853')];
const py = JSON.parse(
  execFileSync(
    'python3',
    [
      join(here, 'scipy_compare.py'),
      join(here, '..', 'test', 'fixtures', 'detest-reference.json'),
      ...TOLS.map(String),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  ),
) as { scipy: string; runs: Run[] };

console.log(
  `scipy ${py.scipy}, node ${process.version}; rtol = atol; err = max_i |y_i(20) − ref_i| / (tol·(1 + |ref_i|))\n`,
);
for (const [mine_m, sp_m] of [
  ['dopri5', 'RK45'],
  ['dopri5-I', 'RK45'],
  ['dop853', 'DOP853'],
] as const) {
  for (const rtol of TOLS) {
    console.log(`### ${mine_m} vs scipy ${sp_m}, rtol = atol = ${rtol}\n`);
    console.log(
      `| problem | nfev ${mine_m} | nfev ${sp_m} | ratio | err ${mine_m} | err ${sp_m} | time ratio |`,
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    const nf: number[] = [];
    const er: number[] = [];
    let tMine = 0;
    let tPy = 0;
    for (const p of detestProblems) {
      const a = mine.find((r) => r.problem === p.name && r.method === mine_m && r.rtol === rtol)!;
      const b = py.runs.find((r) => r.problem === p.name && r.method === sp_m && r.rtol === rtol)!;
      nf.push(a.nfev / b.nfev);
      er.push(Math.max(a.err, 1e-3) / Math.max(b.err, 1e-3));
      tMine += a.seconds;
      tPy += b.seconds;
      console.log(
        `| ${p.name} | ${a.nfev} | ${b.nfev} | ${(a.nfev / b.nfev).toFixed(2)} | ${a.err.toFixed(2)} | ${b.err.toFixed(2)} | ${(a.seconds / b.seconds).toFixed(4)} |`,
      );
    }
    const totA = mine.filter((r) => r.method === mine_m && r.rtol === rtol).reduce((s, r) => s + r.nfev, 0);
    const totB = py.runs.filter((r) => r.method === sp_m && r.rtol === rtol).reduce((s, r) => s + r.nfev, 0);
    console.log(
      `\nnfev ratio: total ${(totA / totB).toFixed(3)}, geometric mean ${geo(nf).toFixed(3)}, max ${Math.max(...nf).toFixed(2)}; ` +
        `error ratio (geometric mean) ${geo(er).toFixed(3)}; wall time ${mine_m}/${sp_m} (sum of best-of-N per problem) ` +
        `${tMine.toFixed(4)} s / ${tPy.toFixed(4)} s = ${(tMine / tPy).toFixed(4)}\n`,
    );
  }
}
