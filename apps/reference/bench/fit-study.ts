/**
 * Fitting study (issue 19, acceptance 3): `fitParameters` on SBML models simulated with known
 * parameters (apps/reference/bench/fit-models/*.xml; the parameter values in the files are the
 * truth), some species unobserved, 3 experiments with different initial states each.
 *
 *   npx tsx --conditions=source apps/reference/bench/fit-study.ts MODE [--models enzyme,pathway,goodwin]
 *       [--fits 10] [--reps 50] [--first 0] [--seed 1] [--method bdf] [--mode auto] [--rtol 1e-8]
 *
 * MODE
 * fim     The design's Fisher information at the truth (σ as in b), by central differences of
 *         tight solves: the Cramér–Rao 95 % half-width of every parameter and the eigenvalues (a
 *         local, practical identifiability check). Seconds.
 * a       Noise-free data, `--fits` fits per model from the truth multiplied by independent
 *         log-uniform factors in [0.3, 3] (seeded), starts 1, bounds [truth/100, truth·100];
 *         success: every fitted parameter within 1 % of the truth. About 3 min for the three.
 * b       Repetitions `--first` + 1 … `--first` + `--reps` of noisy data per model: additive
 *         Gaussian noise with σ = 5 % of the species' max over the experiment's observation times
 *         (σ passed to the fit), a fit with starts 2 from truth × log-uniform [0.3, 3], and the
 *         library's 95 % profile-likelihood intervals (`profile: true`); coverage = fraction of
 *         (repetition, parameter) pairs whose interval contains the truth. Also the test at the
 *         truth (lr) on the same fit, and the pairs where the two disagree. Slow: a profile costs
 *         ~600 objective evaluations for 3 parameters, ~5000 for 7–8 (30 s … 8 min per repetition
 *         on a shared 2-core machine).
 * lr      The same repetitions and fits without `profile`: for every parameter i the constrained
 *         fit with θ_i fixed at the truth, and the event 2·(L_i(truth_i) − L̂) ≤ χ²₁(0.95), which
 *         is exactly “the exact 95 % profile-likelihood interval contains the truth” (for a profile
 *         that crosses the threshold once on each side). Also 2·(L(truth) − L̂) (≈ χ²_k).
 * timing  Milliseconds per objective evaluation by solver method and gradient mode.
 * all     fim, a and lr (default).
 * combine LOG…  The lr table from the stderr of earlier lr runs (for repetitions split over
 *         processes with --first/--reps: every repetition's data and fits depend on its number
 *         only, so the halves are the same fits as one run). A repetition in two logs counts once;
 *         "constrained fit below L̂" counts logged values < −0.005 (the log has two decimals).
 * --method/--mode/--rtol are passed to every fit (default the library's: bdf, auto = forward
 * sensitivities, 1e-8). Data: solve (radau5, rtol 1e-12, atol 1e-14) at the observation times.
 * Progress (one line per fit or repetition) goes to stderr, the markdown tables to stdout.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type FitExperiment,
  type FitParameter,
  type FitResult,
  fitParameters,
  type GradientMode,
  odeGradient,
} from '@kinetica/adjoint';
import type { MethodName } from '@kinetica/ode-core';
import { solve } from '@kinetica/solvers-stiff';
import { compileSbml, readSbml } from '@kinetica/stoichiometry';

const HERE = import.meta.dirname;

interface ModelSpec {
  name: string;
  file: string;
  /** Ids of the fitted parameters (their SBML values are the truth). */
  fitted: string[];
  /** Observed species (the others are not measured). */
  observed: string[];
  /** Per experiment, the initial amounts that differ from the SBML file's. */
  experiments: Record<string, number>[];
  /** Observation times (the same in every experiment), all > 0. */
  times: number[];
}

/** n times from a to b, evenly spaced on a log scale (rounded to 3 significant digits). */
function logTimes(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Number((a * (b / a) ** (i / (n - 1))).toPrecision(3)));
}

const MODELS: ModelSpec[] = [
  {
    name: 'enzyme',
    file: 'enzyme.xml',
    fitted: ['k1', 'km1', 'k2'],
    observed: ['S', 'P'],
    experiments: [
      { E: 1, S: 10 },
      { E: 10, S: 5 },
      { E: 3, S: 3 },
    ],
    times: logTimes(0.1, 60, 15),
  },
  {
    name: 'pathway',
    file: 'pathway.xml',
    fitted: ['V1', 'K1', 'Ki', 'V2', 'K2', 'V3', 'K3', 'V4'],
    observed: ['A', 'C', 'P'],
    experiments: [{ A: 10 }, { A: 2 }, { A: 5, B: 5, D: 3 }],
    times: logTimes(0.25, 40, 15),
  },
  {
    name: 'goodwin',
    file: 'goodwin.xml',
    fitted: ['a', 'K', 'b', 'c', 'd', 'e', 'f'],
    observed: ['X', 'Z'],
    experiments: [{}, { X: 4, Z: 3 }, { Y: 4 }],
    times: Array.from({ length: 16 }, (_, i) => 2 * (i + 1)),
  },
];

// ---------------------------------------------------------------------------------------------
// Seeded random numbers: mulberry32 and Box–Muller.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function gaussian(u: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(u()));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** A factor log-uniform in [0.3, 3]. */
const offFactor = (u: () => number) => Math.exp(Math.log(0.3) + (Math.log(3) - Math.log(0.3)) * u());

// ---------------------------------------------------------------------------------------------
// Models and data.

interface Loaded {
  spec: ModelSpec;
  problem: ReturnType<ReturnType<ReturnType<typeof compileSbml>['derivatives']>['problem']>;
  /** Index in p of each fitted parameter. */
  index: number[];
  truth: Float64Array;
  /** Index in y of each observed species. */
  observedStates: number[];
  y0s: Float64Array[];
  /** Per experiment, the noise-free observed values: clean[e][o][t]. */
  clean: Float64Array[][];
  /** Per experiment and observed species, σ = 5 % of its max over the observation times. */
  sigma: number[][];
}

function load(spec: ModelSpec): Loaded {
  const ode = compileSbml(readSbml(readFileSync(resolve(HERE, 'fit-models', spec.file), 'utf8')));
  const problem = ode.derivatives().problem({ t0: 0 });
  const index = spec.fitted.map((id) => {
    const i = ode.params.findIndex((p) => p.id === id);
    if (i < 0) throw new Error(`${spec.name}: no parameter ${id}`);
    return i;
  });
  const stateOf = (id: string) => {
    const i = ode.stateNames.indexOf(id);
    if (i < 0) throw new Error(`${spec.name}: no state ${id} (states ${ode.stateNames.join(', ')})`);
    return i;
  };
  const observedStates = spec.observed.map(stateOf);
  const y0s = spec.experiments.map((init) => {
    const y0 = Float64Array.from(problem.y0);
    for (const [id, v] of Object.entries(init)) y0[stateOf(id)] = v;
    return y0;
  });
  const truth = Float64Array.from(problem.p);
  const clean = y0s.map((y0) => simulate(problem, truth, y0, spec.times, observedStates));
  const sigma = clean.map((rows) => rows.map((v) => 0.05 * Math.max(...v)));
  return {
    spec,
    problem,
    index,
    truth: Float64Array.from(index, (i) => truth[i]!),
    observedStates,
    y0s,
    clean,
    sigma,
  };
}

/** The observed states at `times` (radau5, rtol 1e-12, atol 1e-14): out[o][t]. */
function simulate(
  problem: Loaded['problem'],
  p: Float64Array,
  y0: Float64Array,
  times: number[],
  states: number[],
): Float64Array[] {
  const sol = solve(
    { ...problem, p, y0, tspan: [0, times[times.length - 1]!] },
    { method: 'radau5', rtol: 1e-12, atol: 1e-14, saveAt: times },
  );
  if (sol.status !== 'success') throw new Error(`simulation failed: ${sol.message}`);
  if (sol.t.length !== times.length) throw new Error(`simulation returned ${sol.t.length} points`);
  return states.map((s) => Float64Array.from(sol.y, (row) => row[s]!));
}

function experiments(m: Loaded, values: Float64Array[][], withSigma: boolean): FitExperiment[] {
  return m.y0s.map((y0, e) => ({
    name: `${m.spec.name} e${e}`,
    model: { ...m.problem, p: Float64Array.from(m.problem.p), y0 },
    times: m.spec.times,
    outputs: m.observedStates.map((state, o) => ({
      state,
      values: values[e]![o]!,
      ...(withSigma ? { sigma: m.sigma[e]![o]! } : {}),
    })),
  }));
}

function parameters(m: Loaded, start: Float64Array): FitParameter[] {
  return m.index.map((index, i) => ({
    index,
    name: m.spec.fitted[i]!,
    start: start[i]!,
    lower: m.truth[i]! / 100,
    upper: m.truth[i]! * 100,
  }));
}

// ---------------------------------------------------------------------------------------------
// fim: the Fisher information of the design at the truth.

/** Inverse of a symmetric positive definite matrix (Gauss–Jordan), or undefined if singular. */
function inverse(A: number[][]): number[][] | undefined {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    if (Math.abs(M[piv]![c]!) < 1e-300) return undefined;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    const d = M[c]![c]!;
    for (let j = 0; j < 2 * n; j++) M[c]![j]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  return M.map((row) => row.slice(n));
}

/** Eigenvalues of a symmetric matrix (cyclic Jacobi). */
function eigenvalues(A: number[][]): number[] {
  const n = A.length;
  const M = A.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += M[i]![j]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(M[p]![q]!) < 1e-300) continue;
        const th = (M[q]![q]! - M[p]![p]!) / (2 * M[p]![q]!);
        const t = Math.sign(th || 1) / (Math.abs(th) + Math.sqrt(th * th + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = M[k]![p]!;
          const mkq = M[k]![q]!;
          M[k]![p] = c * mkp - s * mkq;
          M[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = M[p]![k]!;
          const mqk = M[q]![k]!;
          M[p]![k] = c * mpk - s * mqk;
          M[q]![k] = s * mpk + c * mqk;
        }
      }
  }
  return M.map((r, i) => r[i]!).sort((a, b) => a - b);
}

function fim(m: Loaded): string {
  const k = m.index.length;
  // Rows of J: d(output/σ)/d log θ, by central differences with h = 1e-4.
  const columns: number[][] = [];
  const h = 1e-4;
  for (let i = 0; i < k; i++) {
    const col: number[] = [];
    const pPlus = Float64Array.from(m.problem.p);
    const pMinus = Float64Array.from(m.problem.p);
    pPlus[m.index[i]!]! *= Math.exp(h);
    pMinus[m.index[i]!]! *= Math.exp(-h);
    m.y0s.forEach((y0, e) => {
      const a = simulate(m.problem, pPlus, y0, m.spec.times, m.observedStates);
      const b = simulate(m.problem, pMinus, y0, m.spec.times, m.observedStates);
      a.forEach((row, o) => {
        for (let t = 0; t < row.length; t++) col.push((row[t]! - b[o]![t]!) / (2 * h) / m.sigma[e]![o]!);
      });
    });
    columns.push(col);
  }
  const F = columns.map((ci) => columns.map((cj) => ci.reduce((s, v, r) => s + v * cj[r]!, 0)));
  const inv = inverse(F);
  const ev = eigenvalues(F);
  const sd = inv ? inv.map((r, i) => Math.sqrt(r[i]!)) : [];
  const parts = m.spec.fitted.map(
    (id, i) => `${id} ${inv ? `${(100 * (Math.exp(1.96 * sd[i]!) - 1)).toFixed(1)}%` : '—'}`,
  );
  return `| ${m.spec.name} | ${k} | ${parts.join(', ')} | ${ev[0]!.toExponential(2)} | ${(ev[k - 1]! / ev[0]!).toExponential(2)} |`;
}

// ---------------------------------------------------------------------------------------------
// timing: the cost of one objective evaluation (every experiment's odeGradient) by method and mode.

function timing(m: Loaded): string[] {
  const rows: string[] = [];
  const exps = experiments(m, m.clean, true);
  const combos: [MethodName, GradientMode][] = [
    ['bdf', 'forward'],
    ['radau5', 'forward'],
    ['rodas5', 'forward'],
    ['bdf', 'checkpointed'],
    ['rodas5', 'discrete'],
  ];
  for (const [method, mode] of combos) {
    const p = Float64Array.from(m.problem.p);
    m.index.forEach((i) => {
      p[i]! *= 1.3;
    });
    const run = () => {
      let loss = 0;
      for (const e of exps) {
        const res = odeGradient(
          { ...e.model, p },
          {
            times: e.times,
            loss: (i, y) =>
              e.outputs.reduce(
                (s, o) => s + 0.5 * ((y[o.state]! - o.values[i]!) / (o.sigma as number)) ** 2,
                0,
              ),
            lossGrad: (i, y, out) => {
              out.fill(0);
              for (const o of e.outputs)
                out[o.state]! += (y[o.state]! - o.values[i]!) / (o.sigma as number) ** 2;
            },
          },
          { method, mode, rtol: 1e-8, atol: 1e-10 },
        );
        if (res.status !== 'success') return Number.NaN;
        loss += res.loss;
      }
      return loss;
    };
    run();
    const reps = 5;
    const t0 = performance.now();
    let loss = 0;
    for (let r = 0; r < reps; r++) loss = run();
    rows.push(
      `| ${m.spec.name} | ${method} | ${mode} | ${((performance.now() - t0) / reps).toFixed(1)} | ${loss.toPrecision(8)} |`,
    );
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// a: noise-free fits.

interface RowA {
  model: string;
  k: number;
  successes: number;
  fits: number;
  medianTime: number;
  maxTime: number;
  maxError: number;
  /** Max error of the successful fits and the worst parameter of the worst fit. */
  worst: string;
}

/** Solver options passed to every fit (`--method`, `--mode`, `--rtol`; default the library's). */
let SOLVER: { method?: MethodName; mode?: GradientMode; rtol?: number; atol?: number } = {};

function partA(m: Loaded, fits: number, seed: number): RowA {
  const u = mulberry32(seed * 1000 + 17);
  const times: number[] = [];
  let successes = 0;
  let maxError = 0;
  let worst = '';
  const exps = experiments(m, m.clean, false);
  for (let f = 0; f < fits; f++) {
    const start = Float64Array.from(m.truth, (v) => v * offFactor(u));
    const t0 = performance.now();
    const r = fitParameters(exps, parameters(m, start), { ...SOLVER, starts: 1 });
    const dt = (performance.now() - t0) / 1000;
    times.push(dt);
    const errs = Array.from(r.values, (v, i) => Math.abs(v / m.truth[i]! - 1));
    const e = Math.max(...errs);
    if (r.status === 'success' && e <= 0.01) successes++;
    if (e > maxError) {
      maxError = e;
      const i = errs.indexOf(e);
      worst = `${m.spec.fitted[i]} (fit ${f + 1})`;
    }
    process.stderr.write(
      `[a] ${m.spec.name} fit ${f + 1}/${fits}: ${r.status}, max rel. error ${e.toExponential(2)}, ${dt.toFixed(2)} s, ` +
        `loss ${r.loss.toExponential(2)}, ${r.starts[0]!.iterations} iterations (${r.starts[0]!.status}), ${r.evaluations} evaluations; ` +
        `start ×${Array.from(start, (v, i) => (v / m.truth[i]!).toFixed(2)).join(',')}\n`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = (sorted[(fits - 1) >> 1]! + sorted[fits >> 1]!) / 2;
  return {
    model: m.spec.name,
    k: m.index.length,
    successes,
    fits,
    medianTime: median,
    maxTime: sorted[fits - 1]!,
    maxError,
    worst,
  };
}

// ---------------------------------------------------------------------------------------------
// b: noisy data, profile-likelihood coverage.

interface RowB {
  model: string;
  k: number;
  reps: number;
  /** Whether the library's intervals were computed (`profile: true`), else only the test at the truth. */
  profiled: boolean;
  covered: number;
  pairs: number;
  perParameter: string;
  openEnds: number;
  openDetail: string;
  failed: number;
  seconds: number;
  medianWidth: string;
  /** Coverage by the likelihood-ratio test at the truth: 2·(min L with θ_i = truth_i − L̂) ≤ χ²₁(0.95). */
  lrCovered: number;
  lrPerParameter: string;
  /** (rep, parameter) pairs where the library interval and the test at the truth disagree. */
  disagree: number;
  /** Pairs where the constrained fit at the truth went below L̂ (L̂ not the global minimum). */
  below: number;
  /** Mean of 2·(L(truth) − L̂) over the repetitions (≈ k when the fits reach the global minimum). */
  jointMean: number;
  /** Fraction of repetitions with 2·(L(truth) − L̂) ≤ χ²_k(0.95) (joint coverage). */
  jointCovered: number;
}

/** χ²_k quantiles at 0.95 for k = 1 … 10. */
const CHI2_95 = [3.841, 5.991, 7.815, 9.488, 11.07, 12.592, 14.067, 15.507, 16.919, 18.307];

/** The repetition's noisy data and start (the same for every mode, so that runs can be compared). */
function noisyRep(m: Loaded, rep: number, seed: number): { values: Float64Array[][]; start: Float64Array } {
  const u = mulberry32(seed * 100_003 + 7919 * (rep + 1));
  const z = gaussian(u);
  const values = m.clean.map((rows, e) =>
    rows.map((v, o) => Float64Array.from(v, (x) => x + m.sigma[e]![o]! * z())),
  );
  const start = Float64Array.from(m.truth, (v) => v * offFactor(u));
  return { values, start };
}

/**
 * The profile at the truth: min of L over the other parameters with θ_i fixed at truth_i (a fit
 * from the fitted values, θ_i pinned by its bounds), for every i.
 */
function profileAtTruth(m: Loaded, exps: FitExperiment[], fitted: Float64Array): number[] {
  return m.index.map((_, i) => {
    const start = Float64Array.from(fitted);
    start[i] = m.truth[i]!;
    const ps = parameters(m, start).map((p, j) =>
      j === i ? { ...p, lower: m.truth[i]!, upper: m.truth[i]! } : p,
    );
    const r = fitParameters(exps, ps, { ...SOLVER, starts: 1 });
    return r.loss;
  });
}

function lossAtTruth(m: Loaded, exps: FitExperiment[]): number {
  const ps = parameters(m, m.truth).map((p, j) => ({ ...p, lower: m.truth[j]!, upper: m.truth[j]! }));
  return fitParameters(exps, ps, { ...SOLVER, starts: 1, maxIterations: 1 }).loss;
}

function partB(m: Loaded, reps: number, seed: number, profiled: boolean, first = 0): RowB {
  const k = m.index.length;
  const q = 3.841458820694124;
  const covered = new Array<number>(k).fill(0);
  const lrCovered = new Array<number>(k).fill(0);
  const lowerOpen = new Array<number>(k).fill(0);
  const upperOpen = new Array<number>(k).fill(0);
  const widths: number[][] = Array.from({ length: k }, () => []);
  let failed = 0;
  let disagree = 0;
  let below = 0;
  const joint: number[] = [];
  const t0 = performance.now();
  const tag = profiled ? 'b' : 'lr';
  for (let rep = first; rep < first + reps; rep++) {
    const { values, start } = noisyRep(m, rep, seed);
    const exps = experiments(m, values, true);
    const tr = performance.now();
    let r: FitResult;
    try {
      r = fitParameters(exps, parameters(m, start), {
        ...SOLVER,
        starts: 2,
        seed: rep,
        ...(profiled ? { profile: true } : {}),
      });
    } catch (err) {
      failed++;
      process.stderr.write(`[${tag}] ${m.spec.name} rep ${rep + 1}: threw ${(err as Error).message}\n`);
      continue;
    }
    if (r.status !== 'success' || (profiled && !r.intervals)) {
      failed++;
      process.stderr.write(`[${tag}] ${m.spec.name} rep ${rep + 1}: ${r.status}: ${r.message}\n`);
      continue;
    }
    const tFit = (performance.now() - tr) / 1000;
    const atTruth = profileAtTruth(m, exps, r.values);
    const Ltruth = lossAtTruth(m, exps);
    joint.push(2 * (Ltruth - r.loss));
    const line: string[] = [];
    for (let i = 0; i < k; i++) {
      const truth = m.truth[i]!;
      const stat = 2 * (atTruth[i]! - r.loss);
      const lrOk = stat <= q;
      if (lrOk) lrCovered[i]!++;
      if (stat < -1e-6) below++;
      let text = `${m.spec.fitted[i]} ${(r.values[i]! / truth).toFixed(3)} 2ΔL(truth) ${stat.toFixed(2)}`;
      const iv = r.intervals?.[i];
      if (iv) {
        const ok = iv.lower <= truth && truth <= iv.upper;
        if (ok) covered[i]!++;
        if (ok !== lrOk) disagree++;
        if (!iv.lowerFound) lowerOpen[i]!++;
        if (!iv.upperFound) upperOpen[i]!++;
        widths[i]!.push(Math.log(iv.upper / iv.lower));
        text += ` [${(iv.lower / truth).toFixed(3)}${iv.lowerFound ? '' : '*'}, ${(iv.upper / truth).toFixed(3)}${iv.upperFound ? '' : '*'}]${ok ? '' : ' MISS'}${ok !== lrOk ? ' DISAGREE' : ''}`;
      } else if (!lrOk) text += ' MISS';
      line.push(text);
    }
    process.stderr.write(
      `[${tag}] ${m.spec.name} rep ${rep + 1} ${tFit.toFixed(1)} s + ${((performance.now() - tr) / 1000 - tFit).toFixed(1)} s, ${r.evaluations} evaluations, 2·L̂ ${(2 * r.loss).toFixed(1)} (N ${r.observations}), ` +
        `2ΔL(all at truth) ${joint[joint.length - 1]!.toFixed(2)}, starts ${r.starts.map((s) => s.loss.toFixed(2)).join('/')}: ${line.join('; ')}\n`,
    );
  }
  const done = reps - failed;
  const seconds = (performance.now() - t0) / 1000;
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    model: m.spec.name,
    k,
    reps,
    profiled,
    covered: sum(covered),
    pairs: done * k,
    perParameter: m.spec.fitted.map((id, i) => `${id} ${covered[i]}`).join(', '),
    openEnds: sum(lowerOpen) + sum(upperOpen),
    openDetail: m.spec.fitted
      .map((id, i) => (lowerOpen[i]! + upperOpen[i]! > 0 ? `${id} ${lowerOpen[i]}↓/${upperOpen[i]}↑` : ''))
      .filter(Boolean)
      .join(', '),
    failed,
    seconds,
    // Median interval width as the factor upper/lower.
    medianWidth: m.spec.fitted.map((id, i) => `${id} ×${Math.exp(med(widths[i]!)).toFixed(2)}`).join(', '),
    lrCovered: sum(lrCovered),
    lrPerParameter: m.spec.fitted.map((id, i) => `${id} ${lrCovered[i]}`).join(', '),
    disagree,
    below,
    jointMean: sum(joint) / joint.length,
    jointCovered: joint.filter((j) => j <= CHI2_95[k - 1]!).length / joint.length,
  };
}

// ---------------------------------------------------------------------------------------------

/** The lr table rows from `[lr]` lines of earlier runs' stderr (see `combine` above). */
function combineLogs(files: string[]): string[] {
  interface Rep {
    k: number;
    ids: string[];
    miss: boolean[];
    below: number;
    joint: number;
    seconds: number;
  }
  const byModel = new Map<string, Map<number, Rep | 'failed'>>();
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const head = /^\[lr\] (\S+) rep (\d+)(.*)$/.exec(line);
      if (!head) continue;
      const [, model, repText, rest] = head as unknown as [string, string, string, string];
      const reps = byModel.get(model) ?? new Map<number, Rep | 'failed'>();
      byModel.set(model, reps);
      const rep = Number(repText);
      if (rest.startsWith(':')) {
        if (!reps.has(rep)) reps.set(rep, 'failed');
        continue;
      }
      const time = /^ ([\d.]+) s \+ ([\d.]+) s/.exec(rest);
      const joint = /2ΔL\(all at truth\) (-?[\d.]+)/.exec(rest);
      const params = rest.slice(rest.indexOf(': ') + 2).split('; ');
      const ids: string[] = [];
      const miss: boolean[] = [];
      let below = 0;
      for (const p of params) {
        const m = /^(\S+) [\d.]+ 2ΔL\(truth\) (-?[\d.]+)( MISS)?$/.exec(p.trim());
        if (!m) throw new Error(`${file}: cannot read "${p}" of ${model} rep ${rep}`);
        ids.push(m[1]!);
        miss.push(m[3] !== undefined);
        if (Number(m[2]) < -0.005) below++;
      }
      if (!time || !joint) throw new Error(`${file}: cannot read ${model} rep ${rep}`);
      reps.set(rep, {
        k: ids.length,
        ids,
        miss,
        below,
        joint: Number(joint[1]),
        seconds: Number(time[1]) + Number(time[2]),
      });
    }
  }
  const rows: string[] = [];
  for (const [model, reps] of byModel) {
    const done = [...reps.values()].filter((r): r is Rep => r !== 'failed');
    if (!done.length) continue;
    const { k, ids } = done[0]!;
    const covered = ids.map((_, i) => done.filter((r) => !r.miss[i]).length);
    const total = covered.reduce((a, b) => a + b, 0);
    const pairs = done.length * k;
    const numbers = [...reps.keys()].sort((a, b) => a - b);
    rows.push(
      `| ${model} | ${k} | ${reps.size} (${numbers[0]}–${numbers[numbers.length - 1]}) | ${total}/${pairs} = ${((100 * total) / pairs).toFixed(1)} % | ${ids.map((id, i) => `${id} ${covered[i]}`).join(', ')} | ${done.reduce((a, r) => a + r.below, 0)} | ${(done.reduce((a, r) => a + r.joint, 0) / done.length).toFixed(2)} | ${((100 * done.filter((r) => r.joint <= CHI2_95[k - 1]!).length) / done.length).toFixed(0)} % | ${reps.size - done.length} | ${done.reduce((a, r) => a + r.seconds, 0).toFixed(0)} |`,
    );
  }
  return rows;
}

function main(): void {
  const argv = process.argv.slice(2);
  const mode = argv[0] && !argv[0].startsWith('--') ? argv[0] : 'all';
  if (mode === 'combine') {
    process.stdout.write(
      `${[
        `Command: \`npx tsx --conditions=source apps/reference/bench/fit-study.ts ${argv.join(' ')}\``,
        '',
        '| model | k | reps | coverage (test at truth) | per parameter | constrained fit below L̂ | mean 2ΔL(all at truth) | joint coverage χ²_k | failed fits | total time (s) |',
        '|---|---|---|---|---|---|---|---|---|---|',
        ...combineLogs(argv.slice(1)),
      ].join('\n')}\n`,
    );
    return;
  }
  const opt = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
  };
  const names = opt('models', MODELS.map((m) => m.name).join(',')).split(',');
  const fits = Number(opt('fits', '10'));
  const reps = Number(opt('reps', '50'));
  const seed = Number(opt('seed', '1'));
  SOLVER = {
    ...(argv.includes('--method') ? { method: opt('method', 'bdf') as MethodName } : {}),
    ...(argv.includes('--mode') ? { mode: opt('mode', 'auto') as GradientMode } : {}),
    ...(argv.includes('--rtol') ? { rtol: Number(opt('rtol', '1e-8')) } : {}),
    ...(argv.includes('--atol') ? { atol: Number(opt('atol', '1e-10')) } : {}),
  };
  const models = names.map((n) => {
    const spec = MODELS.find((m) => m.name === n);
    if (!spec) throw new Error(`unknown model ${n} (known: ${MODELS.map((m) => m.name).join(', ')})`);
    return load(spec);
  });
  const cmd = `npx tsx --conditions=source apps/reference/bench/fit-study.ts ${argv.join(' ')}`.trim();
  const out: string[] = [`Command: \`${cmd}\``, ''];
  out.push('| model | fitted | observed (unobserved) | experiments × times |', '|---|---|---|---|');
  for (const m of models) {
    const states = m.spec.observed.join(', ');
    out.push(
      `| ${m.spec.name} | ${m.spec.fitted.join(', ')} (${m.index.length}) | ${states} | ${m.y0s.length} × ${m.spec.times.length} (t ${m.spec.times[0]}–${m.spec.times[m.spec.times.length - 1]}) |`,
    );
  }
  out.push('');
  if (mode === 'fim' || mode === 'all') {
    out.push(
      '**Fisher information at the truth** (σ = 5 % of each species’ max): Cramér–Rao 95 % half-width of each parameter (as a factor − 1)',
      '',
      '| model | k | ±95 % (CR) | smallest eigenvalue | condition |',
      '|---|---|---|---|---|',
    );
    for (const m of models) out.push(fim(m));
    out.push('');
  }
  if (mode === 'timing') {
    out.push('| model | method | mode | ms per evaluation | loss |', '|---|---|---|---|---|');
    for (const m of models) out.push(...timing(m));
    out.push('');
  }
  if (mode === 'a' || mode === 'all') {
    const rows = models.map((m) => partA(m, fits, seed));
    out.push(
      `**A. Noise-free data**, ${fits} fits per model from truth × log-uniform [0.3, 3], starts 1, bounds truth ×/÷ 100`,
      '',
      '| model | k | success (all within 1 %) | median time (s) | max time (s) | max rel. error | worst |',
      '|---|---|---|---|---|---|---|',
    );
    for (const r of rows)
      out.push(
        `| ${r.model} | ${r.k} | ${r.successes}/${r.fits} | ${r.medianTime.toFixed(2)} | ${r.maxTime.toFixed(2)} | ${r.maxError.toExponential(1)} | ${r.worst} |`,
      );
    out.push('');
  }
  for (const [key, profiled] of [
    ['b', true],
    ['lr', false],
  ] as const) {
    if (mode !== key && !(mode === 'all' && key === 'lr')) continue;
    const first = Number(opt('first', '0'));
    const rows = models.map((m) => partB(m, reps, seed, profiled, first));
    out.push(
      profiled
        ? `**B. Noisy data, library intervals**: repetitions ${first + 1}–${first + reps} per model, σ = 5 % of each species’ max (given to the fit), starts 2, \`profile: true\` (95 %)`
        : `**B′. Noisy data, likelihood-ratio test at the truth** (the event “the exact 95 % profile interval contains the truth”, without computing the interval): repetitions ${first + 1}–${first + reps} per model, same data and fits as B`,
      '',
      profiled
        ? '| model | k | reps | coverage (library intervals) | per parameter | open ends (bound reached) | coverage (test at truth) | disagreements | failed fits | total time (s) | median width (upper/lower) |'
        : '| model | k | reps | coverage (test at truth) | per parameter | constrained fit below L̂ | mean 2ΔL(all at truth) | joint coverage χ²_k | failed fits | total time (s) |',
      profiled
        ? '|---|---|---|---|---|---|---|---|---|---|---|'
        : '|---|---|---|---|---|---|---|---|---|---|',
    );
    const pct = (a: number, b: number) => `${a}/${b} = ${((100 * a) / b).toFixed(1)} %`;
    for (const r of rows)
      out.push(
        profiled
          ? `| ${r.model} | ${r.k} | ${r.reps} | ${pct(r.covered, r.pairs)} | ${r.perParameter} | ${r.openEnds}${r.openDetail ? ` (${r.openDetail})` : ''} | ${pct(r.lrCovered, r.pairs)} | ${r.disagree} | ${r.failed} | ${r.seconds.toFixed(0)} | ${r.medianWidth} |`
          : `| ${r.model} | ${r.k} | ${r.reps} | ${pct(r.lrCovered, r.pairs)} | ${r.lrPerParameter} | ${r.below} | ${r.jointMean.toFixed(2)} | ${(100 * r.jointCovered).toFixed(0)} % | ${r.failed} | ${r.seconds.toFixed(0)} |`,
      );
    out.push('');
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
