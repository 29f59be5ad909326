import type { PreparedSolve } from '../problem/prepare';
import type { RhsFunction } from '../types';

/** Scratch space for `initialStepSize`, allocated once per solve. */
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
  let d0 = 0;
  let d1 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol[i]! + rtol * Math.abs(y0[i]!);
    d0 += (y0[i]! / sc) ** 2;
    d1 += (f0[i]! / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / n);
  d1 = Math.sqrt(d1 / n);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  h0 = Math.min(h0, hmax);

  const { y1, f1 } = work;
  for (let i = 0; i < n; i++) y1[i] = y0[i]! + direction * h0 * f0[i]!;
  f(t0 + direction * h0, y1, f1);
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol[i]! + rtol * Math.abs(y0[i]!);
    d2 += ((f1[i]! - f0[i]!) / sc) ** 2;
  }
  d2 = Math.sqrt(d2 / n) / h0;
  // A non-finite trial derivative says nothing about curvature; fall back to the cautious h0
  // and let the stepping loop report the failure if f really is non-finite there.
  if (!Number.isFinite(d2)) return h0;

  const dmax = Math.max(d1, d2);
  const h1 = dmax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / dmax) ** (1 / (order + 1));
  return Math.min(100 * h0, h1, hmax);
}

/**
 * The first step magnitude of a loop at (t, y) with f(t, y) = fy: the user's h0, or
 * `initialStepSize` for an error estimate of the given order; never above hmax or the rest of the span.
 */
export function firstStep(
  prep: PreparedSolve,
  t: number,
  y: Float64Array,
  fy: Float64Array,
  order: number,
  work: InitialStepWork,
): number {
  const hmax = Math.min(prep.hmax, Math.abs(prep.t1 - t));
  const h =
    prep.h0 ?? initialStepSize(prep.f, t, y, fy, order, prep.rtol, prep.atol, prep.direction, hmax, work);
  return Math.min(h, prep.hmax);
}
