/**
 * Parameter estimation through ODE solves: weighted least squares of model outputs against time
 * courses of one or more experiments, parameters in log space with bounds, exact gradients from
 * `odeGradient` (forward sensitivities or an adjoint, chosen by size), a box-constrained
 * quasi-Newton minimiser, several starts, and confidence intervals by profile likelihood
 * (Raue et al. 2009, "Structural and practical identifiability analysis of partially observed
 * dynamical models by exploiting the profile likelihood", Bioinformatics 25).
 */
import type { MethodName } from '@kinetica/ode-core';
import { odeGradient } from '../odeGradient';
import type { GradientMode, GradientModel, Observations } from '../types';
import { minimizeBounded } from './bounded-lbfgs';

/** One measured output of an experiment: `scale · y[state]` at the experiment's times. */
export interface FitOutput {
  /** Index of the state in the model's y. */
  state: number;
  /** The output is scale · y[state] (e.g. 1/volume for a concentration of an amount); default 1. */
  scale?: number;
  /** Measured values at the experiment's times (NaN: not measured then). */
  values: ArrayLike<number>;
  /** Measurement standard deviation, one for all or one per time; default 1 (then estimated). */
  sigma?: number | ArrayLike<number>;
}

/** One experiment: the model (with this experiment's y0 and t0) and its measurements. */
export interface FitExperiment {
  model: GradientModel;
  /** Observation times, increasing, the first ≥ model.t0. */
  times: ArrayLike<number>;
  outputs: readonly FitOutput[];
  /** A name for messages (default `experiment k`). */
  name?: string;
}

/** A fitted parameter: an index into the models' p, its bounds, and its scale. */
export interface FitParameter {
  index: number;
  /** Name for messages and results (default `p[index]`). */
  name?: string;
  /** Bounds (defaults: start/1000 and start·1000 on a log scale, ±Infinity on a linear one). */
  lower?: number;
  upper?: number;
  /** Fit log(θ) (default true; needs θ > 0 and positive bounds). */
  log?: boolean;
  /** Start value (default the first experiment's model.p[index]). */
  start?: number;
}

export interface FitOptions {
  /** Solver method of every solve (default 'bdf': stiff kinetics are the rule). */
  method?: MethodName;
  /** Gradient mode of `odeGradient` (default 'auto': forward sensitivities for small models). */
  mode?: GradientMode;
  rtol?: number;
  atol?: number;
  /** Starts of the minimiser: the given start and starts − 1 more, log-uniform in the bounds (default 3). */
  starts?: number;
  /** Seed of the extra starts (default 0). */
  seed?: number;
  /** Iteration limit of each minimisation (default 200). */
  maxIterations?: number;
  /** Profile-likelihood intervals: false, true (95 %) or the confidence level in (0, 1). Default false. */
  profile?: boolean | number;
  onProgress?: (message: string) => void;
}

export interface ProfileInterval {
  lower: number;
  upper: number;
  /** Whether each end is where the profile crossed the threshold (false: it reached the parameter's bound). */
  lowerFound: boolean;
  upperFound: boolean;
}

export interface FitResult {
  status: 'success' | 'failed';
  /** One line: why it failed, or how it converged. */
  message: string;
  /** The fitted values (natural scale), in the order of the parameters. */
  values: Float64Array;
  names: string[];
  /** ½ Σ w·(output − data)² at the fitted values (w = 1/σ²). */
  loss: number;
  /** Number of measured values, N. */
  observations: number;
  /** σ estimated from the residuals, √(2·loss/(N − k)), when no σ was given; else undefined. */
  sigma?: number;
  starts: { start: Float64Array; loss: number; status: string; iterations: number }[];
  evaluations: number;
  intervals?: ProfileInterval[];
  /** The confidence level of the intervals. */
  level?: number;
}

/** Quantile of χ² with one degree of freedom: the square of the normal quantile (1 + level)/2. */
export function chiSquare1Quantile(level: number): number {
  const z = normalQuantile(0.5 + level / 2);
  return z * z;
}

/** Acklam's rational approximation of the normal quantile (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}

/** Relative decrease of the (scaled) loss in an iteration below which a minimisation stops. */
const FTOL = 1e-14;

/** A deterministic generator for the extra starts (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Prepared {
  k: number;
  names: string[];
  log: boolean[];
  /** Bounds in the optimiser's coordinates (log where log). */
  lo: Float64Array;
  hi: Float64Array;
  start: Float64Array;
  observations: number;
  sigmaGiven: boolean;
}

function check(experiments: readonly FitExperiment[], parameters: readonly FitParameter[]): Prepared {
  if (!Array.isArray(experiments) || experiments.length === 0)
    throw new RangeError('fitParameters: give at least one experiment');
  if (!Array.isArray(parameters) || parameters.length === 0)
    throw new RangeError('fitParameters: give at least one parameter to fit');
  const np = experiments[0]!.model.p.length;
  let observations = 0;
  let sigmaGiven = false;
  experiments.forEach((e, j) => {
    const name = e.name ?? `experiment ${j}`;
    if (e.model.p.length !== np)
      throw new RangeError(`fitParameters: ${name} has ${e.model.p.length} parameters, the first has ${np}`);
    const n = e.model.y0.length;
    let prev = -Infinity;
    for (let i = 0; i < e.times.length; i++) {
      const t = e.times[i]!;
      if (!Number.isFinite(t) || t <= prev || t < e.model.t0)
        throw new RangeError(
          `fitParameters: ${name}: times must increase from t0 = ${e.model.t0}; times[${i}] = ${t}`,
        );
      prev = t;
    }
    for (const o of e.outputs) {
      if (!Number.isInteger(o.state) || o.state < 0 || o.state >= n)
        throw new RangeError(
          `fitParameters: ${name}: output state ${o.state} is not an index of y (length ${n})`,
        );
      if (o.values.length !== e.times.length)
        throw new RangeError(
          `fitParameters: ${name}: output of state ${o.state} has ${o.values.length} values for ${e.times.length} times`,
        );
      if (o.sigma !== undefined) sigmaGiven = true;
      for (let i = 0; i < o.values.length; i++) {
        const s = typeof o.sigma === 'number' ? o.sigma : (o.sigma?.[i] ?? 1);
        if (!(s > 0) || !Number.isFinite(s))
          throw new RangeError(
            `fitParameters: ${name}: sigma of state ${o.state} at times[${i}] must be > 0, got ${s}`,
          );
        if (Number.isFinite(o.values[i]!)) observations++;
      }
    }
  });
  if (observations === 0) throw new RangeError('fitParameters: no measured value in any experiment');
  const k = parameters.length;
  const names: string[] = [];
  const log: boolean[] = [];
  const lo = new Float64Array(k);
  const hi = new Float64Array(k);
  const start = new Float64Array(k);
  const seen = new Set<number>();
  parameters.forEach((p, i) => {
    const name = p.name ?? `p[${p.index}]`;
    if (!Number.isInteger(p.index) || p.index < 0 || p.index >= np)
      throw new RangeError(
        `fitParameters: parameter ${name}: index ${p.index} is not an index of p (length ${np})`,
      );
    if (seen.has(p.index)) throw new RangeError(`fitParameters: parameter ${name} is listed twice`);
    seen.add(p.index);
    const s = p.start ?? experiments[0]!.model.p[p.index]!;
    const isLog = p.log ?? true;
    const l = p.lower ?? (isLog ? s / 1000 : Number.NEGATIVE_INFINITY);
    const u = p.upper ?? (isLog ? s * 1000 : Number.POSITIVE_INFINITY);
    if (!Number.isFinite(s))
      throw new RangeError(`fitParameters: parameter ${name}: start ${s} is not finite`);
    if (Number.isNaN(l) || Number.isNaN(u) || l > u)
      throw new RangeError(`fitParameters: parameter ${name}: bounds [${l}, ${u}] are not an interval`);
    if (isLog && !(s > 0 && l > 0))
      throw new RangeError(
        `fitParameters: parameter ${name} is fitted on a log scale, so its start (${s}) and lower bound (${l}) must be > 0`,
      );
    names.push(name);
    log.push(isLog);
    lo[i] = isLog ? Math.log(l) : l;
    hi[i] = isLog ? Math.log(u) : u;
    start[i] = Math.min(hi[i]!, Math.max(lo[i]!, isLog ? Math.log(s) : s));
  });
  if (observations <= k && !sigmaGiven)
    throw new RangeError(
      `fitParameters: ${observations} measured values cannot determine ${k} parameters and the noise level; give more data or sigma`,
    );
  return { k, names, log, lo, hi, start, observations, sigmaGiven };
}

/**
 * The objective in the optimiser's coordinates: ½ Σ w·r² over every experiment, and its gradient.
 * A failed solve or gradient makes the point rejected (NaN), never an exception.
 */
function objective(
  experiments: readonly FitExperiment[],
  parameters: readonly FitParameter[],
  prep: Prepared,
  options: FitOptions,
  counter: { evaluations: number; lastFailure: string },
): (x: Float64Array, grad: Float64Array) => number {
  const models = experiments.map((e) => ({ ...e.model, p: Float64Array.from(e.model.p) }));
  const observations: Observations[] = experiments.map((e) => {
    const sigmaAt = (o: FitOutput, i: number) =>
      typeof o.sigma === 'number' ? o.sigma : (o.sigma?.[i] ?? 1);
    return {
      times: e.times,
      loss(i, y) {
        let s = 0;
        for (const o of e.outputs) {
          const v = o.values[i]!;
          if (!Number.isFinite(v)) continue;
          const r = ((o.scale ?? 1) * y[o.state]! - v) / sigmaAt(o, i);
          s += 0.5 * r * r;
        }
        return s;
      },
      lossGrad(i, y, out) {
        out.fill(0);
        for (const o of e.outputs) {
          const v = o.values[i]!;
          if (!Number.isFinite(v)) continue;
          const sc = o.scale ?? 1;
          const sg = sigmaAt(o, i);
          out[o.state]! += (sc * (sc * y[o.state]! - v)) / (sg * sg);
        }
      },
    };
  });
  const gradOptions = {
    method: options.method ?? ('bdf' as MethodName),
    mode: options.mode ?? ('auto' as GradientMode),
    ...(options.rtol !== undefined ? { rtol: options.rtol } : { rtol: 1e-8 }),
    ...(options.atol !== undefined ? { atol: options.atol } : { atol: 1e-10 }),
  };
  return (x, grad) => {
    counter.evaluations++;
    for (let i = 0; i < prep.k; i++) {
      const v = prep.log[i] ? Math.exp(x[i]!) : x[i]!;
      for (const m of models) m.p[parameters[i]!.index] = v;
    }
    grad.fill(0);
    let total = 0;
    for (let j = 0; j < models.length; j++) {
      const res = odeGradient(models[j]!, observations[j]!, gradOptions);
      if (res.status !== 'success') {
        counter.lastFailure = `${experiments[j]!.name ?? `experiment ${j}`}: ${res.message}`;
        return Number.NaN;
      }
      total += res.loss;
      for (let i = 0; i < prep.k; i++) grad[i]! += res.dp[parameters[i]!.index];
    }
    // Chain rule to log coordinates: dL/dlog θ = θ·dL/dθ.
    for (let i = 0; i < prep.k; i++) if (prep.log[i]) grad[i]! *= Math.exp(x[i]!);
    return total;
  };
}

/**
 * Fit `parameters` of the experiments' models to their measurements. The experiments share the
 * parameter vector p (their models differ in y0, t0 and the measurements); the fitted entries are
 * set in every model's copy, the others stay as each model has them.
 */
export function fitParameters(
  experiments: readonly FitExperiment[],
  parameters: readonly FitParameter[],
  options: FitOptions = {},
): FitResult {
  const prep = check(experiments, parameters);
  const starts = options.starts ?? 3;
  if (!Number.isInteger(starts) || starts < 1)
    throw new RangeError(`fitParameters: starts must be a positive integer, got ${starts}`);
  const counter = { evaluations: 0, lastFailure: '' };
  const loss = objective(experiments, parameters, prep, options, counter);
  // The minimiser works on the loss over its value at the start: its stopping rules (relative
  // decrease, gradient norm) then mean the same for data in any units (a loss of 1e-10 from
  // amounts of 1e-4 would otherwise stop it at once).
  let scale = loss(prep.start, new Float64Array(prep.k));
  if (!(Number.isFinite(scale) && scale > 0)) scale = 1;
  const f = (x: Float64Array, g: Float64Array): number => {
    const v = loss(x, g);
    for (let i = 0; i < g.length; i++) g[i]! /= scale;
    return v / scale;
  };
  const random = rng(options.seed ?? 0);
  const say = options.onProgress ?? (() => {});
  const points: Float64Array[] = [prep.start];
  for (let s = 1; s < starts; s++) {
    // Log-uniform in the bounds (uniform in the optimiser's coordinates), within a factor 100 of
    // the start where a bound is open.
    points.push(
      Float64Array.from(prep.start, (x0, i) => {
        const lo = Math.max(prep.lo[i]!, x0 - Math.log(100));
        const hi = Math.min(prep.hi[i]!, x0 + Math.log(100));
        return lo + (hi - lo) * random();
      }),
    );
  }
  const runs: FitResult['starts'] = [];
  let best: { x: Float64Array; f: number } | undefined;
  points.forEach((x0, s) => {
    const r = minimizeBounded(f, x0, prep.lo, prep.hi, {
      maxIterations: options.maxIterations ?? 200,
      ftol: FTOL,
      onIteration: (info) =>
        say(`start ${s + 1}/${starts}: iteration ${info.iteration}, loss ${info.f.toExponential(4)}`),
    });
    runs.push({ start: natural(x0, prep), loss: r.f, status: r.status, iterations: r.iterations });
    // A line search that stalls near the optimum (the loss is as exact as the solves, 1e-8) ends
    // 'failed' at a finite point that is the best one found: usable. A start that never reached a
    // finite loss is not.
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { x: r.x, f: r.f };
    runs[runs.length - 1]!.loss = r.f * scale;
  });
  const base = {
    names: prep.names,
    observations: prep.observations,
    starts: runs,
    evaluations: counter.evaluations,
  };
  if (!best) {
    return {
      ...base,
      status: 'failed',
      message: `no start reached a finite loss${counter.lastFailure ? ` (last failure: ${counter.lastFailure})` : ''}`,
      values: natural(prep.start, prep),
      loss: Number.NaN,
    };
  }
  const result: FitResult = {
    ...base,
    status: 'success',
    message: `best of ${starts} start${starts > 1 ? 's' : ''}: loss ${(best.f * scale).toExponential(6)}`,
    values: natural(best.x, prep),
    loss: best.f * scale,
  };
  if (!prep.sigmaGiven) result.sigma = Math.sqrt((2 * result.loss) / (prep.observations - prep.k));
  if (options.profile) {
    const level = options.profile === true ? 0.95 : options.profile;
    if (!(level > 0 && level < 1))
      throw new RangeError(`fitParameters: profile level must be in (0, 1), got ${level}`);
    result.level = level;
    result.intervals = profiles(f, scale, best, prep, level, options, say);
  }
  result.evaluations = counter.evaluations;
  return result;
}

function natural(x: Float64Array, prep: Prepared): Float64Array {
  return Float64Array.from(x, (v, i) => (prep.log[i] ? Math.exp(v) : v));
}

/**
 * Profile-likelihood intervals. With σ given, the profile of parameter i is
 * L_i(c) = min over the others of L(θ) with θ_i = c, and the interval is where
 * 2·(L_i − L_min) ≤ χ²₁(level). With σ estimated (every σ = 1 in the data), the likelihood with σ
 * profiled out gives N·ln(L_i / L_min) ≤ χ²₁(level). Each side walks outwards from the optimum in
 * the optimiser's coordinates (steps growing while the profile stays flat), then bisects the crossing.
 */
function profiles(
  f: (x: Float64Array, g: Float64Array) => number,
  scale: number,
  best: { x: Float64Array; f: number },
  prep: Prepared,
  level: number,
  options: FitOptions,
  say: (m: string) => void,
): ProfileInterval[] {
  const q = chiSquare1Quantile(level);
  const N = prep.observations;
  // f and best.f are the loss over `scale`.
  const excess = (L: number) =>
    prep.sigmaGiven
      ? 2 * scale * (L - best.f)
      : N * Math.log(Math.max(L, Number.MIN_VALUE) / Math.max(best.f, Number.MIN_VALUE));
  const k = prep.k;
  const out: ProfileInterval[] = [];
  for (let i = 0; i < k; i++) {
    // Minimise the others with x_i fixed: the sub-problem's bounds pin x_i.
    const profileAt = (c: number, warm: Float64Array): { L: number; x: Float64Array } => {
      const lo = Float64Array.from(prep.lo);
      const hi = Float64Array.from(prep.hi);
      lo[i] = c;
      hi[i] = c;
      const x0 = Float64Array.from(warm);
      x0[i] = c;
      if (k === 1) {
        const g = new Float64Array(1);
        return { L: f(x0, g), x: x0 };
      }
      const r = minimizeBounded(f, x0, lo, hi, { maxIterations: options.maxIterations ?? 200, ftol: FTOL });
      return { L: r.f, x: r.x };
    };
    const side = (dir: 1 | -1): { end: number; found: boolean } => {
      const bound = dir > 0 ? prep.hi[i]! : prep.lo[i]!;
      let step = 0.05 * (prep.log[i] ? 1 : Math.max(Math.abs(best.x[i]!), 1));
      let inside = { c: best.x[i]!, x: best.x };
      for (let walk = 0; walk < 60; walk++) {
        const c = dir > 0 ? Math.min(bound, inside.c + step) : Math.max(bound, inside.c - step);
        const p = profileAt(c, inside.x);
        const e = excess(p.L);
        if (!Number.isFinite(e) || e > q) {
          // Bisect between the last point inside and c (a failed solve counts as outside).
          let a = inside.c;
          let b = c;
          let xa = inside.x;
          for (let it = 0; it < 12; it++) {
            const m = 0.5 * (a + b);
            const pm = profileAt(m, xa);
            const em = excess(pm.L);
            if (Number.isFinite(em) && em <= q) {
              a = m;
              xa = pm.x;
            } else b = m;
          }
          return { end: 0.5 * (a + b), found: true };
        }
        inside = { c, x: p.x };
        if (c === bound) return { end: bound, found: false };
        if (e < 0.25 * q) step *= 2;
      }
      return { end: inside.c, found: false };
    };
    say(`profile of ${prep.names[i]}`);
    const lower = side(-1);
    const upper = side(1);
    const toNatural = (v: number) => (prep.log[i] ? Math.exp(v) : v);
    out.push({
      lower: toNatural(lower.end),
      upper: toNatural(upper.end),
      lowerFound: lower.found,
      upperFound: upper.found,
    });
  }
  return out;
}
