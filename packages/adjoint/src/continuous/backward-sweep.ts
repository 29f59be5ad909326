import { getExplicitTableau, isExplicitMethod } from '@kinetica/ode-core';
import type { GradientProblem } from '../problem';
import type { Stops } from '../stops';
import type { GradientStats } from '../types';
import {
  ExplicitAdjointIntegrator,
  type QuadratureSystem,
  type RunResult,
} from './explicit-adjoint-integrator';
import { DenseSpanError } from './dense-span';
import { SolveSegmentIntegrator } from './solve-integrator';

/** Anything that integrates a quadrature system from t to tEnd in place. */
export interface BackwardIntegrator {
  run(t: number, tEnd: number, x: Float64Array, q: Float64Array, h: number): RunResult;
}

/**
 * Floor of the absolute tolerances of the adjoint a and of the parameter integral q, relative to
 * the largest component of each and the adjoint rtol: a component a thousand times below
 * rtol·‖a‖∞ carries no digit the gradient can use (its contribution to dL/dy0 = a(t0) and to
 * ∫aᵀ∂f/∂p is below the accuracy asked for, normwise), and resolving it to an absolute tolerance in
 * the state's units is not even possible: the coupled linear solves of an implicit step leave
 * round-off of ε‖a‖∞ in every component. A heavy loss weight makes ‖a‖∞ ~ 1e7 while another
 * component starts at 0; with the state's atol (1e-14 on Robertson) BDF's first-order start then
 * needs a step below its smallest one and the backward solve fails at once.
 */
const ATOL_FLOOR = 1e-3;

/** Which components of the backward system are what, for its error control. */
export interface BackwardLayout {
  /** First of the n adjoint components in x (0 for x = [a], n for backsolve's x = [y, a]). */
  aFrom: number;
  /**
   * The state comes from a stored forward solution ('interpolating', 'checkpointed'), not from x:
   * with an implicit method the parameter integral is then error-controlled whatever the seminorm
   * says (see `quadratureControlled`).
   */
  storedState: boolean;
}

/**
 * Whether the backward error norm includes the parameter integral q = ∫ aᵀ∂f/∂p(t, y(t)) dt.
 * The seminorm leaves it out (Kidger, Chen & Lyons 2021), which is sound where the steps that
 * resolve the fed-back components also resolve the integrand: backsolve integrates y itself, and
 * explicit methods are only used where a and y vary on the same scales. With a stored state and a
 * stiff method they do not: the fast transients of y (Robertson's or an enzyme's initial layer) lie
 * in directions that a hardly sees, the implicit method steps over them with steps that resolve a,
 * and the integral loses digits (1e-6 relative and worse at rtol 1e-10, where dp results from
 * cancellation). Controlling q costs a few steps (about 5 % on Robertson).
 */
export function quadratureControlled(prob: GradientProblem, layout: BackwardLayout): boolean {
  return !prob.seminorm || (layout.storedState && !isExplicitMethod(prob.method));
}

/**
 * The integrator for the backward pass: the quadrature-aware explicit loop for explicit methods,
 * `solve` with the augmented state for the stiff ones. `xAtol` is the absolute tolerance per
 * fed-back component. At the start of every run the absolute tolerances of the adjoint
 * components and of the quadrature are raised to `ATOL_FLOOR`·rtol·‖a‖∞ and `ATOL_FLOOR`·rtol·‖q‖∞
 * where those are larger.
 */
export function backwardIntegrator(
  prob: GradientProblem,
  sys: QuadratureSystem & { jac?: (t: number, x: Float64Array, J: Float64Array) => void },
  xAtol: Float64Array,
  stats: GradientStats,
  layout: BackwardLayout = { aFrom: 0, storedState: true },
): BackwardIntegrator {
  const { aFrom } = layout;
  const aTo = aFrom + prob.n;
  const atol = xAtol.slice();
  const atolQ = new Float64Array(sys.q).fill(prob.adjointAtol);
  const common = {
    rtol: prob.adjointRtol,
    atol,
    atolQ,
    seminorm: !quadratureControlled(prob, layout),
    hmax: prob.hmax,
    maxSteps: prob.maxSteps,
  };
  const inner: BackwardIntegrator = isExplicitMethod(prob.method)
    ? new ExplicitAdjointIntegrator(
        sys,
        getExplicitTableau(prob.method),
        { ...common, ...(prob.h0 !== undefined ? { hFixed: prob.h0 } : {}) },
        stats,
      )
    : new SolveSegmentIntegrator(sys, { ...common, method: prob.method }, stats);
  const floorFactor = ATOL_FLOOR * prob.adjointRtol;
  const floorOf = (v: Float64Array, from: number, to: number) => {
    let m = 0;
    for (let i = from; i < to; i++) m = Math.max(m, Math.abs(v[i]!));
    return Number.isFinite(m) ? floorFactor * m : 0;
  };
  return {
    run(t, tEnd, x, q, h) {
      const fa = floorOf(x, aFrom, aTo);
      for (let i = aFrom; i < aTo; i++) atol[i] = Math.max(xAtol[i]!, fa);
      atolQ.fill(Math.max(prob.adjointAtol, floorOf(q, 0, q.length)));
      return inner.run(t, tEnd, x, q, h);
    },
  };
}

/**
 * Integrate backwards from tTop to tBottom, stopping at every stop strictly in between (the
 * adjoint jumps at observations; the vector field may kink at tstops) and calling `onStop(k)`
 * there; a message returned by `onStop` ends the sweep as a failure (as does a `DenseSpanError`).
 * Returns the last run's result.
 */
export function sweepBack(
  integ: BackwardIntegrator,
  x: Float64Array,
  q: Float64Array,
  tTop: number,
  tBottom: number,
  stops: Stops,
  onStop: (k: number) => string | undefined,
): RunResult {
  if (tTop === tBottom) return { ok: true, message: '', hNext: 0 };
  let k = stops.t.length - 1;
  while (k >= 0 && stops.t[k]! >= tTop) k--;
  let t = tTop;
  let h = 0;
  for (;;) {
    const target = k >= 0 && stops.t[k]! > tBottom ? stops.t[k]! : tBottom;
    let r: RunResult;
    try {
      r = integ.run(t, target, x, q, h);
    } catch (err) {
      if (err instanceof DenseSpanError) return { ok: false, message: err.message, hNext: 0 };
      throw err;
    }
    if (!r.ok) return r;
    h = r.hNext;
    t = target;
    if (target === tBottom) return r;
    const stop = onStop(k);
    if (stop !== undefined) return { ok: false, message: stop, hNext: 0 };
    k--;
  }
}
