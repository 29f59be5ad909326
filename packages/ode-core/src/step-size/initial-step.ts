import type { PreparedSolve } from '../problem/prepare';
import type { RhsFunction } from '../types';
import { scaledSquares } from './error-norm';

/** Scratch space for `initialStepSize`, allocated once per solve: it overwrites both arrays. */
export interface InitialStepWork {
  y1: Float64Array;
  f1: Float64Array;
}

/**
 * Initial step size magnitude by Hairer–Nørsett–Wanner I, II.4 ("Starting step size"): balance
 * the size of y0 against f0 and a finite-difference estimate of y'' so that the first step's
 * local error is about the tolerance. Costs one evaluation of `f` (count it through a counting f).
 *
 * @param order order of the method's error estimate (the exponent 1/(order+1) of the step formula)
 * @param direction +1 or −1; the returned value is a magnitude
 * @param hmax largest magnitude allowed
 */
export function initialStepSize(
  f: RhsFunction,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  order: number,
  rtol: number,
  atol: Float64Array,
  direction: 1 | -1,
  hmax: number,
  work: InitialStepWork,
): number {
  const n = y0.length;
  // RMS norms scaled by atol_i + rtol·|y0_i|.
  const norm = (v: Float64Array) => Math.sqrt(scaledSquares(v, y0, y0, atol, rtol) / n);
  const d0 = norm(y0);
  const d1 = norm(f0);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  h0 = Math.min(h0, hmax);

  const { y1, f1 } = work;
  for (let i = 0; i < n; i++) y1[i] = y0[i]! + direction * h0 * f0[i]!;
  f(t0 + direction * h0, y1, f1);
  // f1 − f0 into y1, which is not needed any more.
  for (let i = 0; i < n; i++) y1[i] = f1[i]! - f0[i]!;
  const d2 = norm(y1) / h0;
  // A non-finite trial derivative says nothing about curvature; fall back to the cautious h0
  // and let the stepping loop report the failure if f really is non-finite there.
  if (!Number.isFinite(d2)) return h0;

  const dmax = Math.max(d1, d2);
  const h1 = dmax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / dmax) ** (1 / (order + 1));
  return Math.min(100 * h0, h1, hmax);
}

/**
 * Smallest first step `firstStep` estimates, in units of EPSILON·|t|. The loops give up on a step
 * of at most 16 ulps of t (the explicit and Rosenbrock loops; 10 in radau5 and bdf): below that,
 * t + h rounds to t or nearly so. `initialStepSize` knows nothing of t's magnitude: a state that is
 * a round-off residue of 0 with a tight atol (y = 5.6e-17, atol = 1e-12, y' = 1) makes it answer
 * |y|/|f| ≈ 5.6e-17, harmless at t = 0 but an immediate "step size underflow" at t = 1, as on a
 * restart after an event. 1000 ulps is still far below any step that resolves the dynamics (the
 * controller grows it by up to facmax per accepted step), and leaves room for two rejections at
 * the default facmin = 0.2 (1000 → 200 → 40 ulps) before the loop's own floor.
 */
const FIRST_STEP_MIN_ULPS = 1000;

/** The smallest first step at t: FIRST_STEP_MIN_ULPS ulps of |t| (0 at t = 0). */
export function firstStepFloor(t: number): number {
  return FIRST_STEP_MIN_ULPS * Number.EPSILON * Math.abs(t);
}

/**
 * The first step magnitude of a loop at (t, y) with f(t, y) = fy: the user's h0, or
 * `initialStepSize` for an error estimate of the given order, but no less than
 * FIRST_STEP_MIN_ULPS ulps of t; never above hmax or the rest of the span. The user's h0 is taken
 * as given (a fixed-step method runs with it). `tol`: the tolerances the loop runs at, when they
 * are not the user's (bdf tightens them).
 */
export function firstStep(
  prep: PreparedSolve,
  t: number,
  y: Float64Array,
  fy: Float64Array,
  order: number,
  work: InitialStepWork,
  tol: { readonly rtol: number; readonly atol: Float64Array } = prep,
): number {
  if (prep.h0 !== undefined) return Math.min(prep.h0, prep.hmax);
  // Bounded by the rest of the span too: the estimate's trial step evaluates f there.
  const hmax = Math.min(prep.hmax, Math.abs(prep.t1 - t));
  const h = initialStepSize(prep.f, t, y, fy, order, tol.rtol, tol.atol, prep.direction, hmax, work);
  return Math.min(Math.max(h, firstStepFloor(t)), hmax);
}
