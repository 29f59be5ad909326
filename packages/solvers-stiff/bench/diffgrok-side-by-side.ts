/**
 * Side-by-side benchmark: Kinetica's stiff solvers against the compiled peer library diff-grok
 * (1.2.0, kept in ../shared/peers/diff-grok for benchmarks only; loaded at run time, never imported
 * by package source or tests) on diff-grok's own six benchmark configurations
 * (dist/examples/{robertson,hires,vdpol,orego,e5,pollution}.js), measured in the same process.
 *
 * Run from the repository root:
 *   npx tsx --conditions=source packages/solvers-stiff/bench/diffgrok-side-by-side.ts [--runs 3] [--only ROBER,E5]
 *
 *   --runs N      timed runs per measurement (default 3); the time is their median (and the best),
 *                 after untimed warm-up runs (the first listed as "ms cold"; more until 500 ms have
 *                 been spent, at most 200, so that the JIT has settled). Use --runs 1 or 2 to shorten the run.
 *   --only A,B    configurations to run: ROBER, HIRES, VDPOL, OREGO, E5, POLLU (case-insensitive).
 * The peer is looked up in $KINETICA_SHARED/peers/diff-grok, else ../shared/peers/diff-grok next to
 * the repository; without it the comparison is skipped (exit 0).
 *
 * Per configuration (output grid, rows and tolerance are diff-grok's):
 * - diff-grok: lsoda, cvode, mrt, ros3prw, ros34prw at the configuration's tolerance (rtol = atol).
 *   A method that throws, or whose warm-up run takes over 20 s, is listed as failed / slow.
 *   diff-grok's best = its fastest successful method.
 * - Kinetica: radau5, rodas5, bdf, ros23, auto at rtol = atol ∈ {1000, 300, 100, …, 0.3, 0.1}·tol, with
 *   `saveAt` = the same grid, so both libraries produce every output row (ours into the preallocated
 *   row-major `sol.Y`; `sol.y` is never touched). A run is accuracy-matched when its mescd is at
 *   least that of diff-grok's best; our best = the fastest accuracy-matched run.
 * - Accuracy at the end point: mescd = −log10(maxᵢ |yᵢ − refᵢ| / (atol/rtol + |refᵢ|)) with atol = rtol,
 *   scd = −log10(maxᵢ |yᵢ − refᵢ| / |refᵢ|) (components whose reference is 0, and E5's y1 ≈ 1e-291, by
 *   absolute error). The reference is diff-grok's `*ReferencePoint` where it is the end point of
 *   diff-grok's problem. Two are not: robertson's is the Bari value at t = 1e11 although the problem
 *   runs to 1e12, and vdpol's is the Bari VDPOL value for y0 = (2, 0) although the problem starts at
 *   (−1, 1). Every shipped reference is therefore checked against a tight Kinetica solve (radau5,
 *   rtol 1e-14 = 10× below the tightest timed tolerance, atol 1e-20; rodas5 at the same setting
 *   shows how many digits an independent method reproduces); where they disagree (< 9 digits) and
 *   diff-grok's lsoda at tolerance 1e-12 confirms the tight solve (≥ 8 digits), the tight solve
 *   becomes the reference (marked in the tables; "mescd (shipped ref)" keeps the score against
 *   diff-grok's value).
 * - Before timing, each of our ODEProblems is checked against diff-grok's: y0 and span equal, f
 *   equal (to rounding) at states taken along diff-grok's solution, our analytic Jacobian against
 *   central differences of diff-grok's func.
 *
 * Cost: about 6 configs × (5 + 20) measurements × (1 + runs) solves; with --runs 3 it stays within a
 * few minutes on an unloaded 2-core machine (use --runs 2 if not).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ODEProblem, Solution, StiffMethodName } from '@kinetica/ode-core';
import { solve } from '../src/index';
import { e5, hires, mescd, orego, pollu, rober, scd, vdpolUnscaled } from '../src/testset/index';
import { machineLine, markdownTable, outputGrid, warmUp } from './timing';

/** The shape of a diff-grok example problem (dist/examples/*.js). */
interface DgProblem {
  name: string;
  arg: { name: string; start: number; finish: number; step: number };
  initial: number[];
  func: (t: number, y: Float64Array, output: Float64Array) => void;
  tolerance: number;
  solutionColNames: string[];
}
/** A diff-grok solver: sol[0] = times, sol[k + 1] = state k on the grid; throws on failure. */
type DgMethod = (problem: DgProblem) => Float64Array[];

const SLOW_MS = 20_000;
/** Untimed warm-up: runs until WARM_MS of running time (at most WARM_RUNS runs). */
const WARM_RUNS = 200;
const WARM_MS = 500;
const MATCH_MARGIN = 0.0;
const DG_METHODS = ['lsoda', 'cvode', 'mrt', 'ros3prw', 'ros34prw'] as const;
const OUR_METHODS: StiffMethodName[] = ['radau5', 'rodas5', 'bdf', 'ros23', 'auto'];
// Half decades: the loosest of our tolerances that matches diff-grok's accuracy is found to within
// a factor of about 3 (decades left up to 10× of work-precision slack on the table).
const TOL_FACTORS = [1000, 300, 100, 30, 10, 3, 1, 0.3, 0.1];
/** rtol of the tight reference solves: 10× below the tightest timed tolerance (VDPOL: 1e-13). */
const TIGHT_RTOL = 1e-14;

// ---- command line -------------------------------------------------------------------------------
const argv = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
const RUNS = Math.max(1, Number.parseInt(flag('--runs') ?? '3', 10) || 3);
const ONLY = flag('--only')
  ?.split(',')
  .map((s) => s.trim().toUpperCase())
  .filter((s) => s !== '');

// ---- the peer -----------------------------------------------------------------------------------
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const shared = process.env.KINETICA_SHARED ?? resolve(repoRoot, '../shared');
const peer = join(shared, 'peers', 'diff-grok');
const peerIndex = join(peer, 'dist', 'solver-tools', 'index.js');
if (!existsSync(peerIndex)) {
  console.log(`diff-grok side-by-side: ${peer} not found (set KINETICA_SHARED); comparison skipped`);
  process.exit(0);
}
const requirePeer = createRequire(peerIndex);
const dg = requirePeer(peerIndex) as Record<(typeof DG_METHODS)[number], DgMethod>;
function example(file: string, key: string): { problem: DgProblem; reference: Float64Array } {
  const mod = requirePeer(join(peer, 'dist', 'examples', `${file}.js`)) as Record<string, unknown>;
  return { problem: mod[key] as DgProblem, reference: mod[`${key}ReferencePoint`] as Float64Array };
}

// ---- configurations -----------------------------------------------------------------------------
interface Config {
  name: string;
  file: string;
  key: string;
  /** Our problem; checked against diff-grok's below. */
  ours: ODEProblem;
  /** Components scored by absolute error in scd. */
  scdAbsolute: number[];
  note?: string;
}
const CONFIGS: Config[] = [
  {
    name: 'ROBER',
    file: 'robertson',
    key: 'robertson',
    ours: { ...rober.problem, tspan: [0, 1e12] },
    scdAbsolute: [],
    note: 'our testset ROBER ends at 1e11; span set to diff-grok’s 10e11 = 1e12',
  },
  { name: 'HIRES', file: 'hires', key: 'hires', ours: hires.problem, scdAbsolute: [] },
  { name: 'VDPOL', file: 'vdpol', key: 'vdpol', ours: vdpolUnscaled(1000, 2000), scdAbsolute: [] },
  { name: 'OREGO', file: 'orego', key: 'orego', ours: orego.problem, scdAbsolute: [] },
  { name: 'E5', file: 'e5', key: 'e5', ours: e5.problem, scdAbsolute: [0, 3] },
  { name: 'POLLU', file: 'pollution', key: 'pollution', ours: pollu.problem, scdAbsolute: [] },
];

// ---- helpers ------------------------------------------------------------------------------------
/** diff-grok's grid: trunc((t1 − t0)/step) + 1 rows, t0 + i·step, the last one moved onto t1. */
function diffGrokGrid(arg: DgProblem['arg']): Float64Array {
  const rows = Math.trunc((arg.finish - arg.start) / arg.step) + 1;
  const grid = outputGrid(arg.start, arg.finish, arg.step);
  if (grid.length === rows) return grid;
  const trimmed = grid.slice(0, rows);
  trimmed[rows - 1] = arg.finish;
  return trimmed;
}

interface Measured<T> {
  status: 'ok' | 'failed' | 'error' | 'slow';
  message: string;
  result?: T;
  coldMs: number;
  medianMs: number;
  /** The fastest timed run (noise only adds time: timeit's estimator). */
  bestMs: number;
}

/** A first run, warm-up runs, then `RUNS` timed runs (median, best); stops after the first run when it fails or is slow. */
function measure<T>(run: () => T, failure: (r: T) => string | undefined): Measured<T> {
  // With --expose-gc every measurement starts from a collected heap, whichever library ran
  // before: output grids are large (ROBER: 12.8 MB a solve), and garbage left by one
  // measurement would otherwise be paid for by the next.
  (globalThis as { gc?: () => void }).gc?.();
  let t0 = performance.now();
  let result: T;
  try {
    result = run();
  } catch (e) {
    return {
      status: 'error',
      message: (e as Error).message,
      coldMs: performance.now() - t0,
      medianMs: Number.NaN,
      bestMs: Number.NaN,
    };
  }
  const coldMs = performance.now() - t0;
  const failed = failure(result);
  if (failed !== undefined)
    return { status: 'failed', message: failed, result, coldMs, medianMs: Number.NaN, bestMs: Number.NaN };
  if (coldMs > SLOW_MS) {
    return {
      status: 'slow',
      message: `warm-up ${(coldMs / 1000).toFixed(1)} s`,
      result,
      coldMs,
      medianMs: coldMs,
      bestMs: coldMs,
    };
  }
  // radau5 on VDPOL (3 ms a solve) takes 15–20 solves, about 250 ms, to settle, and a single
  // warm-up left the first method measured of each library at 2–4× its settled time: both
  // libraries run untimed until WARM_MS of running (at most WARM_RUNS runs).
  warmUp(run, coldMs, WARM_MS, WARM_RUNS);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    status: 'ok',
    message: '',
    result,
    coldMs,
    medianMs: times[Math.floor(times.length / 2)]!,
    bestMs: times[0]!,
  };
}

function dgEndPoint(sol: Float64Array[]): Float64Array {
  return Float64Array.from(sol.slice(1), (col) => col[col.length - 1]!);
}

function ourEndPoint(sol: Solution, n: number): Float64Array {
  const rows = sol.t.length;
  return sol.Y!.slice((rows - 1) * n, rows * n);
}

/** Agreement digits of two end points, mixed measure with floor 1 (mescd at atol = rtol). */
function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return mescd(a, b, 1, 1);
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const fmtTol = (x: number) => x.toExponential(0);

/** Checks our problem against diff-grok's: y0, span, f along diff-grok's solution, our Jacobian. */
function checkProblem(c: Config, p: DgProblem, sol: Float64Array[]): string {
  const n = p.initial.length;
  const issues: string[] = [];
  const y0 = Array.from(c.ours.y0);
  if (y0.length !== n || y0.some((v, i) => v !== p.initial[i])) issues.push(`y0 ${y0} ≠ ${p.initial}`);
  const [a, b] = [c.ours.tspan[0], c.ours.tspan[1]];
  if (a !== p.arg.start || b !== p.arg.finish)
    issues.push(`span [${a}, ${b}] ≠ [${p.arg.start}, ${p.arg.finish}]`);
  const rows = sol[0]!.length;
  const fa = new Float64Array(n);
  const fb = new Float64Array(n);
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  const J = new Float64Array(n * n);
  let fDev = 0;
  let jDev = 0;
  const samples = 9;
  for (let s = 0; s < samples; s++) {
    const row = Math.round((s * (rows - 1)) / (samples - 1));
    const t = sol[0]![row]!;
    const y = Float64Array.from({ length: n }, (_, k) => sol[k + 1]![row]!);
    c.ours.f(t, y, fa);
    p.func(t, y, fb);
    let scale = 0;
    let dev = 0;
    for (let i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(fb[i]!));
      dev = Math.max(dev, Math.abs(fa[i]! - fb[i]!));
    }
    fDev = Math.max(fDev, scale > 0 ? dev / scale : dev);
    if (c.ours.jac) {
      c.ours.jac(t, y, J);
      let jScale = 0;
      let jErr = 0;
      // The fields are at most quadratic in y (VDPOL: cubic), so central differences are exact up to
      // rounding for any h; h follows the state's scale so that zero components get no tiny h.
      let yScale = 1e-10;
      for (let j = 0; j < n; j++) yScale = Math.max(yScale, Math.abs(y[j]!));
      for (let j = 0; j < n; j++) {
        const h = 1e-6 * yScale;
        const yj = y[j]!;
        y[j] = yj + h;
        p.func(t, y, fp);
        y[j] = yj - h;
        p.func(t, y, fm);
        y[j] = yj;
        for (let i = 0; i < n; i++) {
          const fd = (fp[i]! - fm[i]!) / (2 * h);
          jScale = Math.max(jScale, Math.abs(J[i * n + j]!));
          jErr = Math.max(jErr, Math.abs(fd - J[i * n + j]!));
        }
      }
      jDev = Math.max(jDev, jScale > 0 ? jErr / jScale : jErr);
    }
  }
  if (!(fDev <= 1e-12)) issues.push(`f differs (max rel ${fDev.toExponential(1)})`);
  if (!(jDev <= 1e-5))
    issues.push(`our Jacobian differs from central differences (max rel ${jDev.toExponential(1)})`);
  const head = `${c.name}: y0 and span equal, f equal at ${samples} states along diff-grok's solution (max rel diff ${fDev.toExponential(1)}), our jac vs central differences ${jDev.toExponential(1)}`;
  return issues.length === 0 ? `${head} — same problem` : `${c.name}: PROBLEM MISMATCH: ${issues.join('; ')}`;
}

// ---- run ----------------------------------------------------------------------------------------
const selected = CONFIGS.filter(
  (c) => ONLY === undefined || ONLY.includes(c.name) || ONLY.includes(c.file.toUpperCase()),
);
if (selected.length === 0) {
  console.log(
    `--only ${ONLY?.join(',')}: no such configuration (use ${CONFIGS.map((c) => c.name).join(', ')})`,
  );
  process.exit(1);
}

const runRows: Array<Array<string | number>> = [];
const summaryRows: Array<Array<string | number>> = [];
const refRows: Array<Array<string | number>> = [];
const checks: string[] = [];
const startedAt = performance.now();

for (const c of selected) {
  const { problem: p, reference: shipped } = example(c.file, c.key);
  const n = p.initial.length;
  const tol = p.tolerance;
  const grid = diffGrokGrid(p.arg);
  const rows = grid.length;
  const label = `${c.name} (${rows} rows, tol ${fmtTol(tol)})`;
  const checkedOut = (sol: Float64Array[]) =>
    sol[0]!.length !== rows || sol[0]![rows - 1] !== p.arg.finish
      ? `${sol[0]!.length} rows ending at ${sol[0]![sol[0]!.length - 1]}`
      : undefined;

  // Reference: diff-grok's shipped end point, unless a tight solve (confirmed by diff-grok) disagrees.
  // The tight solve is 10× below the tightest tolerance timed here; rodas5 at the same tolerance
  // shows how many of its digits an independent method of ours reproduces.
  const tightOptions = { rtol: TIGHT_RTOL, atol: 1e-20, maxSteps: 1e7 };
  const tightEnd = ourEndPoint(solve(c.ours, { method: 'radau5', ...tightOptions }), n);
  const rodasDigits = agreement(
    ourEndPoint(solve(c.ours, { method: 'rodas5', ...tightOptions }), n),
    tightEnd,
  );
  const shippedDigits = agreement(shipped, tightEnd);
  let reference = shipped;
  let refNote = 'shipped';
  let dgTightDigits = Number.NaN;
  if (!(shippedDigits >= 9)) {
    try {
      dgTightDigits = agreement(dgEndPoint(dg.lsoda({ ...p, tolerance: 1e-12 })), tightEnd);
    } catch {
      dgTightDigits = Number.NaN;
    }
    if (dgTightDigits >= 8) {
      reference = tightEnd;
      refNote = 'tight radau5 (shipped one is off)';
    } else {
      refNote = 'shipped (unconfirmed)';
    }
  }
  refRows.push([
    c.name,
    Array.from(shipped, (v) => v.toExponential(6)).join(', '),
    Array.from(tightEnd, (v) => v.toExponential(12)).join(', '),
    fmt(rodasDigits, 2),
    fmt(shippedDigits, 2),
    Number.isNaN(dgTightDigits) ? '–' : fmt(dgTightDigits, 2),
    refNote,
  ]);
  const score = (y: Float64Array, t: number) => ({
    mescd: mescd(y, reference, t, t),
    scd: scd(y, reference, c.scdAbsolute),
    mescdShipped: mescd(y, shipped, t, t),
  });

  // diff-grok.
  let dgBest: { method: string; ms: number; mescd: number } | undefined;
  /** Fastest by best-of-runs time (its accuracy: dgFastest.mescd). */
  let dgFastest: { method: string; ms: number; mescd: number } | undefined;
  let checked = false;
  for (const method of DG_METHODS) {
    const m = measure(() => dg[method](p), checkedOut);
    if (!checked && m.result && m.status !== 'failed') {
      checks.push(checkProblem(c, p, m.result));
      checked = true;
    }
    if (m.status === 'ok' && m.result) {
      const s = score(dgEndPoint(m.result), tol);
      runRows.push([
        label,
        'diff-grok',
        method,
        fmtTol(tol),
        fmt(m.medianMs),
        fmt(m.coldMs),
        fmt(s.mescd, 2),
        fmt(s.scd, 2),
        fmt(s.mescdShipped, 2),
        'ok',
      ]);
      if (dgBest === undefined || m.medianMs < dgBest.ms) dgBest = { method, ms: m.medianMs, mescd: s.mescd };
      if (dgFastest === undefined || m.bestMs < dgFastest.ms)
        dgFastest = { method, ms: m.bestMs, mescd: s.mescd };
    } else {
      runRows.push([
        label,
        'diff-grok',
        method,
        fmtTol(tol),
        '–',
        fmt(m.coldMs),
        '–',
        '–',
        '–',
        `${m.status}: ${m.message}`,
      ]);
    }
  }

  // Kinetica.
  const ourRuns: Array<{
    method: string;
    tol: number;
    ms: number;
    bestMs: number;
    mescd: number;
    row: Array<string | number>;
  }> = [];
  for (const method of OUR_METHODS) {
    for (const factor of TOL_FACTORS) {
      const t = tol * factor;
      const m = measure(
        () => solve(c.ours, { method, rtol: t, atol: t, saveAt: grid }),
        (sol) =>
          sol.status !== 'success'
            ? sol.message
            : sol.t.length !== rows || sol.t[rows - 1] !== p.arg.finish
              ? `${sol.t.length} rows`
              : undefined,
      );
      if (m.status === 'ok' && m.result) {
        const s = score(ourEndPoint(m.result, n), t);
        const row: Array<string | number> = [
          label,
          'Kinetica',
          method,
          fmtTol(t),
          fmt(m.medianMs),
          fmt(m.coldMs),
          fmt(s.mescd, 2),
          fmt(s.scd, 2),
          fmt(s.mescdShipped, 2),
          'ok',
        ];
        runRows.push(row);
        ourRuns.push({ method, tol: t, ms: m.medianMs, bestMs: m.bestMs, mescd: s.mescd, row });
      } else {
        runRows.push([
          label,
          'Kinetica',
          method,
          fmtTol(t),
          '–',
          fmt(m.coldMs),
          '–',
          '–',
          '–',
          `${m.status}: ${m.message}`,
        ]);
      }
    }
  }
  let ours: (typeof ourRuns)[number] | undefined;
  for (const r of ourRuns) {
    const matched = dgBest !== undefined && r.mescd >= dgBest.mescd - MATCH_MARGIN;
    r.row[9] = dgBest === undefined ? 'ok' : matched ? 'ok, matched' : 'ok, less accurate';
    if (matched && (ours === undefined || r.ms < ours.ms)) ours = r;
  }
  const ratio = dgBest && ours ? ours.ms / dgBest.ms : Number.NaN;
  // The same comparison on best-of-runs times, diff-grok's fastest method setting the accuracy.
  let oursFastest: (typeof ourRuns)[number] | undefined;
  for (const r of ourRuns)
    if (dgFastest !== undefined && r.mescd >= dgFastest.mescd - MATCH_MARGIN)
      if (oursFastest === undefined || r.bestMs < oursFastest.bestMs) oursFastest = r;
  const bestRatio = dgFastest && oursFastest ? oursFastest.bestMs / dgFastest.ms : Number.NaN;
  summaryRows.push([
    c.name,
    rows,
    fmtTol(tol),
    refNote === 'shipped' ? 'shipped' : refNote.startsWith('tight') ? 'tight radau5' : 'shipped?',
    dgBest ? dgBest.method : '–',
    dgBest ? fmt(dgBest.ms) : '–',
    dgBest ? fmt(dgBest.mescd, 2) : '–',
    ours ? `${ours.method}@${fmtTol(ours.tol)}` : 'none matched',
    ours ? fmt(ours.ms) : '–',
    ours ? fmt(ours.mescd, 2) : '–',
    Number.isNaN(ratio) ? '–' : ratio.toFixed(2),
    ratio <= 0.5 ? '✓' : '✗',
    dgFastest ? `${dgFastest.method} ${fmt(dgFastest.ms)}` : '–',
    oursFastest ? `${oursFastest.method}@${fmtTol(oursFastest.tol)} ${fmt(oursFastest.bestMs)}` : '–',
    Number.isNaN(bestRatio) ? '–' : bestRatio.toFixed(2),
  ]);
  if (c.note) checks.push(`${c.name}: ${c.note}`);
}

console.log(`${machineLine()}`);
console.log(
  `diff-grok from ${peer}; times: median (and best) of ${RUNS} timed run(s) after untimed warm-up runs (${WARM_MS} ms of them, at most ${WARM_RUNS})${(globalThis as { gc?: unknown }).gc ? ', heap collected before each measurement' : ''}; total ${((performance.now() - startedAt) / 1000).toFixed(0)} s\n`,
);
console.log('Problem checks (our ODEProblem vs diff-grok’s example):');
for (const line of checks) console.log(`- ${line}`);
console.log('\nReferences (end point; digits = mixed agreement with floor 1):\n');
console.log(
  markdownTable(
    [
      'config',
      'diff-grok shipped',
      'tight radau5 (rtol 1e-14)',
      'rodas5@1e-14 vs tight',
      'shipped vs tight',
      'dg lsoda@1e-12 vs tight',
      'used',
    ],
    refRows,
  ),
);
console.log('\nAll runs:\n');
console.log(
  markdownTable(
    [
      'config',
      'library',
      'method',
      'tol',
      'ms median',
      'ms cold',
      'mescd',
      'scd',
      'mescd (shipped ref)',
      'status',
    ],
    runRows,
  ),
);
console.log('\nSummary (accuracy-matched: mescd ≥ mescd of diff-grok’s best):\n');
console.log(
  markdownTable(
    [
      'config',
      'rows',
      'tol',
      'reference',
      'diff-grok best',
      'ms',
      'mescd',
      'our best',
      'ms',
      'mescd',
      'ratio',
      '≤ 0.5',
      'diff-grok best-of-runs ms',
      'ours best-of-runs ms',
      'ratio (best-of-runs)',
    ],
    summaryRows,
  ),
);
