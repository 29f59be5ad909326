/**
 * Benchmark (b): work–precision against scipy's solve_ivp (Radau, BDF, LSODA) on the stiff test
 * set, in one run. Both sides get analytic Jacobians and the same tolerances; accuracy is the
 * test set's mescd at the final time. Kinetica's curve (nfev and wall time against mescd, on a
 * half-decade tolerance grid) is interpolated at the accuracy each scipy run achieved, so that the
 * comparison is at equal achieved accuracy. Installs Debian's python3-scipy when scipy is missing.
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/scipy.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StiffMethodName } from '@kinetica/ode-core';
import { solve } from '../src/index';
import { mescd, type TestProblem, testProblems } from '../src/testset/index';
import { machineLine, markdownTable, timeRuns } from './timing';

function ensureScipy(): void {
  if (spawnSync('python3', ['-c', 'import scipy'], { stdio: 'ignore' }).status === 0) return;
  console.error('scipy not found: installing python3-scipy with apt-get');
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', 'python3-scipy'], { stdio: 'inherit' });
}

interface Point {
  rtol: number;
  mescd: number;
  nfev: number;
  ms: number;
}

const scipyTolerances = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10];
const ourTolerances = Array.from({ length: 19 }, (_, i) => 10 ** (-3.5 - i / 2));
const pairs: Array<[StiffMethodName, string]> = [
  ['radau5', 'Radau'],
  ['bdf', 'BDF'],
];

function ourCurve(tp: TestProblem, method: StiffMethodName): Point[] {
  const t1 = tp.problem.tspan[1] as number;
  const points: Point[] = [];
  // Let V8 tier the loop up for this problem before anything is timed (a fresh f makes the call
  // sites polymorphic again), so that every point is a steady-state figure.
  for (let i = 0; i < 20; i++) solve(tp.problem, { method, rtol: 1e-6, atol: tp.atol ?? 1e-6, saveAt: [t1] });
  for (const rtol of ourTolerances) {
    const atol = tp.atol ?? rtol;
    const { result: sol, medianMs } = timeRuns(
      () => solve(tp.problem, { method, rtol, atol, saveAt: [t1] }),
      200,
    );
    console.error(
      `  ${tp.name} ${method} rtol=${rtol.toExponential(1)}: ${sol.status}, ${medianMs.toFixed(1)} ms`,
    );
    if (sol.status !== 'success') continue;
    points.push({
      rtol,
      mescd: mescd(sol.y[0]!, tp.reference, atol, rtol),
      nfev: sol.stats.nfev,
      ms: medianMs,
    });
  }
  return points;
}

/** log10 of `key` at accuracy m, interpolated linearly in mescd between the bracketing points. */
function atAccuracy(curve: Point[], m: number, key: 'nfev' | 'ms'): number | undefined {
  const pts = [...curve].sort((a, b) => a.mescd - b.mescd);
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    if (m >= a.mescd && m <= b.mescd && b.mescd > a.mescd) {
      const w = (m - a.mescd) / (b.mescd - a.mescd);
      return 10 ** ((1 - w) * Math.log10(a[key]) + w * Math.log10(b[key]));
    }
  }
  return undefined;
}

ensureScipy();
const problems = Object.values(testProblems);
const script = fileURLToPath(new URL('./scipy-testset.py', import.meta.url));
const cfg = {
  problems: problems.map((p) => p.name),
  methods: ['Radau', 'BDF', 'LSODA'],
  tolerances: scipyTolerances,
};
console.error('running scipy (progress below)');
const py = spawnSync('python3', [script], {
  input: JSON.stringify(cfg),
  maxBuffer: 1 << 26,
  stdio: ['pipe', 'pipe', 'inherit'],
});
if (py.status !== 0) throw new Error(`scipy-testset.py failed with status ${py.status}`);
const scipyRuns = JSON.parse(py.stdout.toString()) as Array<{
  problem: string;
  method: string;
  rtol: number;
  atol: number;
  success: boolean;
  y: number[];
  nfev: number;
  njev: number;
  nlu: number;
  seconds: number;
}>;
const version = execFileSync('python3', ['-c', 'import scipy; print(scipy.__version__)']).toString().trim();
console.log(`scipy ${version}; ${machineLine()}\n`);

const summary: Array<Array<string | number>> = [];
for (const tp of problems) {
  const rows: Array<Array<string | number>> = [];
  for (const [ours, theirs] of pairs) {
    const curve = ourCurve(tp, ours);
    for (const run of scipyRuns.filter((r) => r.problem === tp.name && r.method === theirs)) {
      const m = run.success ? mescd(run.y, tp.reference, run.atol, run.rtol) : Number.NaN;
      const nfev = Number.isFinite(m) ? atAccuracy(curve, m, 'nfev') : undefined;
      const ms = Number.isFinite(m) ? atAccuracy(curve, m, 'ms') : undefined;
      const ratio = nfev === undefined ? undefined : nfev / run.nfev;
      const speedup = ms === undefined ? undefined : (1000 * run.seconds) / ms;
      rows.push([
        `${ours} vs ${theirs}`,
        run.rtol.toExponential(0),
        Number.isFinite(m) ? m.toFixed(2) : 'failed',
        run.nfev,
        nfev === undefined ? '–' : nfev.toFixed(0),
        ratio === undefined ? '–' : ratio.toFixed(2),
        (1000 * run.seconds).toFixed(1),
        ms === undefined ? '–' : ms.toFixed(2),
        speedup === undefined ? '–' : speedup.toFixed(0),
      ]);
      if (ratio !== undefined && speedup !== undefined)
        summary.push([tp.name, ours, theirs, run.rtol, ratio, speedup]);
    }
  }
  for (const run of scipyRuns.filter((r) => r.problem === tp.name && r.method === 'LSODA')) {
    const m = run.success ? mescd(run.y, tp.reference, run.atol, run.rtol) : Number.NaN;
    rows.push([
      'LSODA',
      run.rtol.toExponential(0),
      Number.isFinite(m) ? m.toFixed(2) : 'failed',
      run.nfev,
      '',
      '',
      (1000 * run.seconds).toFixed(1),
      '',
      '',
    ]);
  }
  console.log(`### ${tp.name}\n`);
  console.log(
    markdownTable(
      [
        'pair',
        'scipy rtol',
        'scipy mescd',
        'scipy nfev',
        'our nfev at that mescd',
        'nfev ratio',
        'scipy ms',
        'our ms',
        'speed-up',
      ],
      rows,
    ),
  );
  console.log('');
}

console.log('### Summary (our nfev / scipy nfev and wall-time speed-up at equal mescd)\n');
for (const [ours, theirs] of pairs) {
  const s = summary.filter((r) => r[1] === ours && r[2] === theirs);
  const ratios = s.map((r) => r[4] as number);
  const speedups = s.map((r) => r[5] as number);
  console.log(
    `${ours} vs scipy ${theirs}: ${s.length} comparable points; nfev ratio max ${Math.max(...ratios).toFixed(2)}, ` +
      `median ${median(ratios).toFixed(2)}; speed-up min ${Math.min(...speedups).toFixed(0)}×, median ${median(speedups).toFixed(0)}×`,
  );
  for (const tp of problems) {
    const p = s.filter((r) => r[0] === tp.name);
    if (p.length === 0) continue;
    console.log(
      `  ${tp.name}: nfev ratio ${Math.min(...p.map((r) => r[4] as number)).toFixed(2)}–${Math.max(...p.map((r) => r[4] as number)).toFixed(2)}, ` +
        `speed-up ${Math.min(...p.map((r) => r[5] as number)).toFixed(0)}–${Math.max(...p.map((r) => r[5] as number)).toFixed(0)}×`,
    );
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
