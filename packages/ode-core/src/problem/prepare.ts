import { OutputRecorder } from '../output/recorder';
import type { StepTape } from '../tape/tape';
import {
  type AnyODEProblem,
  type ControllerOptions,
  DEFAULT_ATOL,
  DEFAULT_RTOL,
  type EventSpec,
  type JacobianFunction,
  type ParametricProblem,
  type RhsFunction,
  type SolveOptions,
  type SolverStats,
} from '../types';

/** Everything a stepping loop needs, validated and normalised once per solve. */
export interface PreparedSolve {
  /** State dimension. */
  n: number;
  t0: number;
  t1: number;
  /** +1 when t1 > t0, −1 when integrating backwards. */
  direction: 1 | -1;
  /** Copy of the initial state. */
  y0: Float64Array;
  rtol: number;
  /** Absolute tolerance per component (length n). */
  atol: Float64Array;
  /** Magnitude of the user's initial step, when given. */
  h0?: number;
  /** Largest step magnitude (default |t1 − t0|). */
  hmax: number;
  /** Largest number of attempted steps (default 100000). */
  maxSteps: number;
  /** Counters, zeroed; `f` and `jac` below count into it, the loop counts steps. */
  stats: SolverStats;
  /** The user's f, counting `stats.nfev`. */
  f: RhsFunction;
  /** The user's Jacobian, counting `stats.njev`, when given. */
  jac?: JacobianFunction;
  /** Receives the accepted steps and builds the `Solution`. */
  recorder: OutputRecorder;
  /** Method name as given (undefined when absent; each `solve` picks its default). */
  method?: string;
  /** Controller coefficients as given (each loop fills in its defaults). */
  controller: ControllerOptions;
  nonnegative: boolean;
  dense: boolean;
  /** Original problem (for `jacSparsity` and friends). */
  problem: AnyODEProblem;
  /** The parameters of a `ParametricProblem` (a copy, bound into `f` and `jac`); empty otherwise. */
  p: Float64Array;
  /**
   * When set (by `solveTaped`), the loop records every accepted step here so that the step can be
   * run transposed afterwards: the discrete adjoint of exactly this solve.
   */
  tape?: StepTape;
}

const DEFAULT_MAX_STEPS = 100_000;

/** True for a `ParametricProblem` (it carries `p`). */
export function isParametric(problem: AnyODEProblem): problem is ParametricProblem {
  return problem.p !== undefined && problem.p !== null;
}

/**
 * Validate a problem and its options and set up counters and output. Bad input throws a
 * one-line TypeError (wrong type or shape) or RangeError (bad value) naming the argument.
 */
export function prepareSolve(problem: AnyODEProblem, options: SolveOptions = {}): PreparedSolve {
  if (problem === null || typeof problem !== 'object') {
    throw new TypeError('solve: problem must be an object');
  }
  const parametric = isParametric(problem);
  const p = parametric ? finiteVector(problem.p, 'problem.p') : new Float64Array(0);
  if (options === null || typeof options !== 'object') {
    throw new TypeError('solve: options must be an object');
  }
  if (typeof problem.f !== 'function') throw new TypeError('solve: problem.f must be a function');
  if (problem.jac !== undefined && typeof problem.jac !== 'function') {
    throw new TypeError('solve: problem.jac must be a function');
  }

  const y0 = toVector(problem.y0, 'problem.y0');
  const n = y0.length;
  if (n === 0) throw new RangeError('solve: problem.y0 must have at least one component');
  const bad = firstNonFinite(y0);
  if (bad >= 0) throw new RangeError(`solve: problem.y0 must be finite, got component ${bad} = ${y0[bad]}`);

  const tspan = problem.tspan;
  if (tspan === null || typeof tspan !== 'object' || tspan.length !== 2) {
    throw new TypeError('solve: problem.tspan must be [t0, t1]');
  }
  const t0 = Number(tspan[0]);
  const t1 = Number(tspan[1]);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) {
    throw new RangeError(`solve: problem.tspan must be finite, got [${tspan[0]}, ${tspan[1]}]`);
  }
  if (t0 === t1) throw new RangeError(`solve: problem.tspan has zero length, got [${t0}, ${t1}]`);
  const direction: 1 | -1 = t1 > t0 ? 1 : -1;

  if (options.method !== undefined && typeof options.method !== 'string') {
    throw new TypeError('solve: options.method must be a string');
  }

  const rtol = tolerance(options.rtol ?? DEFAULT_RTOL, 'options.rtol');
  const atol = new Float64Array(n);
  const atolIn = options.atol ?? DEFAULT_ATOL;
  if (typeof atolIn === 'number') {
    atol.fill(tolerance(atolIn, 'options.atol'));
  } else {
    const a = toVector(atolIn, 'options.atol');
    if (a.length !== n) {
      throw new RangeError(`solve: options.atol has length ${a.length}, expected ${n}`);
    }
    for (let i = 0; i < n; i++) atol[i] = tolerance(a[i]!, `options.atol[${i}]`);
  }
  if (rtol === 0) {
    const i = atol.indexOf(0);
    if (i >= 0) throw new RangeError(`solve: rtol = 0 and atol[${i}] = 0 leave no tolerance`);
  }

  let h0: number | undefined;
  if (options.h0 !== undefined) {
    const h = options.h0;
    if (!Number.isFinite(h) || h === 0) {
      throw new RangeError(`solve: options.h0 must be a finite non-zero number, got ${h}`);
    }
    // A positive h0 is read as a magnitude; a negative one must agree with t1 < t0.
    if (h < 0 && direction > 0) {
      throw new RangeError(`solve: options.h0 = ${h} points backwards but tspan runs forwards`);
    }
    h0 = Math.abs(h);
  }
  const hmax = options.hmax ?? Math.abs(t1 - t0);
  if (typeof hmax !== 'number' || !(hmax > 0)) {
    throw new RangeError(`solve: options.hmax must be a positive number, got ${hmax}`);
  }
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`solve: options.maxSteps must be a positive integer, got ${maxSteps}`);
  }

  let saveAt: Float64Array | undefined;
  if (options.saveAt !== undefined) {
    saveAt = toVector(options.saveAt, 'options.saveAt');
    checkSaveAt(saveAt, t0, t1, direction);
  }

  const raw: number[] = [];
  for (const [name, given] of [
    ['problem.tstops', problem.tstops],
    ['options.tstops', options.tstops],
  ] as const) {
    if (given !== undefined) for (const s of finiteVector(given, name)) raw.push(s);
  }
  // Stops outside the open span are irrelevant (e.g. the kinks of a control grid longer than tspan).
  const inside = raw.filter((s) => direction * (s - t0) > 0 && direction * (t1 - s) > 0);
  inside.sort((a, b) => direction * (a - b));
  // Stops closer than a loop can step (reachesStop's 100 ulps) to the one before, to t0 or to t1
  // are the same time to every solver: keeping both would leave a step too short to take.
  const close = (a: number, b: number) =>
    Math.abs(a - b) <= 100 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));
  const kept: number[] = [];
  for (const s of inside) {
    if (close(s, t1) || close(s, kept.at(-1) ?? t0)) continue;
    kept.push(s);
  }
  const tstops = Float64Array.from(kept);

  const events: readonly EventSpec[] = options.events ?? [];
  if (!Array.isArray(events)) throw new TypeError('solve: options.events must be an array');
  events.forEach((ev, k) => {
    if (ev === null || typeof ev !== 'object' || typeof ev.g !== 'function') {
      throw new TypeError(`solve: options.events[${k}].g must be a function`);
    }
    if (ev.direction !== undefined && ev.direction !== -1 && ev.direction !== 0 && ev.direction !== 1) {
      throw new RangeError(`solve: options.events[${k}].direction must be -1, 0 or 1, got ${ev.direction}`);
    }
  });

  const controller = options.controller ?? {};
  if (typeof controller !== 'object') {
    throw new TypeError('solve: options.controller must be an object');
  }

  const stats: SolverStats = { nfev: 0, njev: 0, nlu: 0, nsteps: 0, naccept: 0, nreject: 0 };
  // p is bound here, once: every loop calls f(t, y, dydt) and jac(t, y, J) whatever the problem.
  // The functions stay bound to the problem, so a model written as a class keeps its `this`.
  let f: RhsFunction;
  let jac: JacobianFunction | undefined;
  if (isParametric(problem)) {
    const pf = problem.f.bind(problem);
    const pj = problem.jac?.bind(problem);
    f = (t, y, dydt) => {
      stats.nfev++;
      pf(t, y, p, dydt);
    };
    if (pj !== undefined) {
      jac = (t, y, J) => {
        stats.njev++;
        pj(t, y, p, J);
      };
    }
  } else {
    const uf = problem.f.bind(problem);
    const uj = problem.jac?.bind(problem);
    f = (t, y, dydt) => {
      stats.nfev++;
      uf(t, y, dydt);
    };
    if (uj !== undefined) {
      jac = (t, y, J) => {
        stats.njev++;
        uj(t, y, J);
      };
    }
  }
  const dense = options.dense === true;
  const recorder = new OutputRecorder({
    n,
    t0,
    t1,
    direction,
    y0,
    saveAt,
    dense,
    tstops,
    events,
    stats,
  });

  const prepared: PreparedSolve = {
    n,
    t0,
    t1,
    direction,
    y0,
    rtol,
    atol,
    hmax,
    maxSteps,
    stats,
    f,
    recorder,
    controller,
    nonnegative: options.nonnegative === true,
    dense,
    problem,
    p,
  };
  if (h0 !== undefined) prepared.h0 = h0;
  if (options.method !== undefined) prepared.method = options.method;
  if (jac !== undefined) prepared.jac = jac;
  return prepared;
}

/**
 * Every saveAt time inside tspan, in the direction of integration. One comparison with the
 * previous time (t0 for the first) and one with t1 per entry, NaN failing both; the message is
 * worked out after the loop. Measured on V8 (node 20): checking the range and, for i > 0, the
 * order against saveAt[i − 1] in the loop cost 17 ns an entry (6.8 ms for a 400,001-point grid, more
 * than the solve it prepares); this form costs 0.9 ns.
 */
function checkSaveAt(saveAt: Float64Array, t0: number, t1: number, direction: 1 | -1): void {
  let prev = t0;
  let i = 0;
  for (; i < saveAt.length; i++) {
    const s = saveAt[i]!;
    if (!(direction * (s - prev) >= 0 && direction * (t1 - s) >= 0)) break;
    prev = s;
  }
  if (i === saveAt.length) return;
  const s = saveAt[i]!;
  if (!(direction * (s - t0) >= 0 && direction * (t1 - s) >= 0)) {
    throw new RangeError(`solve: options.saveAt[${i}] = ${s} is outside tspan [${t0}, ${t1}]`);
  }
  throw new RangeError(
    `solve: options.saveAt must be monotone: saveAt[${i}] = ${s} comes after ${saveAt[i - 1]}`,
  );
}

function toVector(v: unknown, what: string): Float64Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`solve: ${what} must be an array of numbers`);
  }
  // A Float64Array holds numbers only: copy it natively (a 400,001-point saveAt grid in < 1 ms).
  if (v instanceof Float64Array) return v.slice();
  const a = v as ArrayLike<unknown>;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number') throw new TypeError(`solve: ${what}[${i}] must be a number, got ${typeof x}`);
    out[i] = x;
  }
  return out;
}

// The checks below are each written once for every option that needs them (restructured for the
// browser bundle's size, docs/bundles.md).

/** `toVector`, then every entry must be finite: `solve: <what>[i] must be finite, got …`. */
function finiteVector(v: unknown, what: string): Float64Array {
  const out = toVector(v, what);
  const i = firstNonFinite(out);
  if (i >= 0) throw new RangeError(`solve: ${what}[${i}] must be finite, got ${out[i]}`);
  return out;
}

/** A tolerance (rtol, atol or atol[i]) must be a finite number ≥ 0; returns it. */
function tolerance(x: unknown, what: string): number {
  // Number.isFinite is false for a non-number too.
  if (!(Number.isFinite(x) && (x as number) >= 0)) {
    throw new RangeError(`solve: ${what} must be a finite number ≥ 0, got ${x}`);
  }
  return x as number;
}

/** Index of the first NaN or ±Inf entry, −1 when there is none. */
function firstNonFinite(y: Float64Array): number {
  return y.findIndex((x) => !Number.isFinite(x));
}
