import { checkField, checkState, type Trajectory, type VectorField } from '../field';
import { type Eigenvalues, eigenvalues } from '../linalg/eigen';
import { dampedNewton, type IterationOptions, NewtonWorkspace } from './newton';
import { pseudoTransient } from './pseudo-transient';
import { classifyStability, type Stability } from './stability';
import { type ConservationSpec, reductionFor, steadySystem } from './system';

/** Options of `steadyState` and `findSteadyStates`. */
export interface SteadyStateOptions extends IterationOptions {
  /** Time at which f is evaluated (for fields with explicit t). Default 0. */
  t?: number;
  /** Conservation laws: solve for the independent species only, on the start's own totals unless given. */
  conservation?: ConservationSpec;
  /** Fall back to pseudo-transient continuation when Newton fails. Default true. */
  pseudoTransient?: boolean;
  /** Reject equilibria with a component below −nonnegativeTol (concentrations). Default: accept all. */
  nonnegative?: boolean;
  nonnegativeTol?: number;
  /** Equilibria closer than dedupeTol·(1 + ‖x‖∞) count as one. Default 1e-6. */
  dedupeTol?: number;
}

/** A converged equilibrium with its linear stability. */
export interface SteadyState {
  /** Full state (dependent species filled in from the conservation laws). */
  x: Float64Array;
  /** ‖f(t, x)‖∞ over the solved equations. */
  residual: number;
  /** Which iteration converged. */
  method: 'newton' | 'pseudo-transient';
  iterations: number;
  /** Eigenvalues of the Jacobian (reduced to the invariant subspace under conservation laws), largest real part first. */
  eigenvalues: Eigenvalues;
  stability: Stability;
  /** Index of the start that first reached it. */
  start: number;
}

/** Outcome of one start: a steady state, or a failure with its reason. */
export type SteadyStateResult =
  | ({ status: 'success'; message: '' } & SteadyState)
  | { status: 'failed'; message: string; start: number };

/**
 * One steady state from one start: damped Newton with line search, then pseudo-transient
 * continuation if Newton fails; stability from the eigenvalues at the solution.
 */
export function steadyState(
  field: VectorField,
  x0: ArrayLike<number>,
  options: SteadyStateOptions = {},
): SteadyStateResult {
  checkField(field, 'steadyState');
  checkState(x0, field.n, 'steadyState: start');
  return solveFrom(field, x0, 0, options);
}

/**
 * Steady states reached from several starts (states, or trajectories whose end points are used:
 * the natural starts after a simulation), with duplicates merged. Failed starts are skipped.
 */
export function findSteadyStates(
  field: VectorField,
  starts: ReadonlyArray<ArrayLike<number> | Trajectory>,
  options: SteadyStateOptions = {},
): SteadyState[] {
  checkField(field, 'findSteadyStates');
  const { dedupeTol = 1e-6, nonnegative = false, nonnegativeTol = 1e-9 } = options;
  const found: SteadyState[] = [];
  starts.forEach((s, i) => {
    const x0 = isTrajectory(s) ? s.y[s.y.length - 1] : s;
    if (!x0) throw new RangeError(`findSteadyStates: start ${i} is an empty trajectory`);
    checkState(x0, field.n, `findSteadyStates: start ${i}`);
    const r = solveFrom(field, x0, i, options);
    if (r.status !== 'success') return;
    if (nonnegative && r.x.some((v) => v < -nonnegativeTol * Math.max(1, maxAbs(r.x)))) return;
    const dup = found.some((f) => distanceInf(f.x, r.x) <= dedupeTol * (1 + maxAbs(f.x)));
    if (!dup) {
      const { status: _s, message: _m, ...ss } = r;
      found.push(ss);
    }
  });
  return found;
}

function solveFrom(
  field: VectorField,
  x0: ArrayLike<number>,
  start: number,
  options: SteadyStateOptions,
): SteadyStateResult {
  const t = options.t ?? 0;
  const reduction = reductionFor(options.conservation, field.n, 'steadyState');
  const offsets = reduction?.offsets(options.conservation?.totals ?? reduction.totals(x0));
  const sys = steadySystem(field, t, reduction, offsets);
  const ws = new NewtonWorkspace(sys.m);
  let x = sys.fromFull(x0);
  let method: SteadyState['method'] = 'newton';
  let r = dampedNewton(sys, x, options, ws);
  if (!r.converged && options.pseudoTransient !== false) {
    x = sys.fromFull(x0);
    method = 'pseudo-transient';
    const messageNewton = r.message;
    r = pseudoTransient(sys, x, options, ws);
    if (!r.converged) r.message = `Newton: ${messageNewton}; pseudo-transient: ${r.message}`;
  }
  if (!r.converged) return { status: 'failed', message: `start ${start}: ${r.message}`, start };
  sys.jacobian(x, ws.J);
  const ev = eigenvalues(ws.J, sys.m);
  const full = new Float64Array(field.n);
  sys.toFull(x, full);
  return {
    status: 'success',
    message: '',
    x: full,
    residual: r.residual,
    method,
    iterations: r.iterations,
    eigenvalues: ev,
    stability: classifyStability(ev),
    start,
  };
}

function isTrajectory(s: ArrayLike<number> | Trajectory): s is Trajectory {
  return typeof s === 'object' && s !== null && 'y' in s && 't' in s;
}

function maxAbs(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s = Math.max(s, Math.abs(x[i]!));
  return s;
}

function distanceInf(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]! - b[i]!));
  return s;
}
