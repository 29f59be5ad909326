import { getExplicitTableau, isExplicitMethod } from '@kinetica/ode-core';
import type { GradientProblem } from '../problem';
import type { Stops } from '../stops';
import type { GradientStats } from '../types';
import {
  ExplicitAdjointIntegrator,
  type QuadratureSystem,
  type RunResult,
} from './explicit-adjoint-integrator';
import { SolveSegmentIntegrator } from './solve-integrator';

/** Anything that integrates a quadrature system from t to tEnd in place. */
export interface BackwardIntegrator {
  run(t: number, tEnd: number, x: Float64Array, q: Float64Array, h: number): RunResult;
}

/**
 * The integrator for the backward pass: the quadrature-aware explicit loop for explicit methods,
 * `solve` with the augmented state for the stiff ones. `xAtol` is the absolute tolerance per
 * fed-back component.
 */
export function backwardIntegrator(
  prob: GradientProblem,
  sys: QuadratureSystem & { jac?: (t: number, x: Float64Array, J: Float64Array) => void },
  xAtol: Float64Array,
  stats: GradientStats,
): BackwardIntegrator {
  const common = {
    rtol: prob.adjointRtol,
    atol: xAtol,
    atolQ: prob.adjointAtol,
    seminorm: prob.seminorm,
    hmax: prob.hmax,
    maxSteps: prob.maxSteps,
  };
  if (isExplicitMethod(prob.method)) {
    return new ExplicitAdjointIntegrator(
      sys,
      getExplicitTableau(prob.method),
      { ...common, ...(prob.h0 !== undefined ? { hFixed: prob.h0 } : {}) },
      stats,
    );
  }
  return new SolveSegmentIntegrator(sys, { ...common, method: prob.method }, stats);
}

/**
 * Integrate backwards from tTop to tBottom, stopping at every stop strictly in between (the
 * adjoint jumps at observations; the vector field may kink at tstops) and calling `onStop(k)`
 * there; a message returned by `onStop` ends the sweep as a failure. Returns the last run's result.
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
  let k = stops.t.length - 1;
  while (k >= 0 && stops.t[k]! >= tTop) k--;
  let t = tTop;
  let h = 0;
  for (;;) {
    const target = k >= 0 && stops.t[k]! > tBottom ? stops.t[k]! : tBottom;
    const r = integ.run(t, target, x, q, h);
    if (!r.ok) return r;
    h = r.hNext;
    t = target;
    if (target === tBottom) return r;
    const stop = onStop(k);
    if (stop !== undefined) return { ok: false, message: stop, hNext: 0 };
    k--;
  }
}
