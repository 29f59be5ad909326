import type { RhsFunction } from '@kinetica/ode-core';

/**
 * The increment of `timeDerivative`'s forward difference at t for a step h: √ε·max(|t|, |h|) in the
 * direction of the step, but never beyond the step's end (t + h), so that f is only evaluated inside
 * the step, and so inside the span, even on a step shorter than √ε·|t| (a landing a few ulps short
 * of a stop). Returned as the difference actually represented, (t + δ) − t.
 */
export function timeIncrement(t: number, h: number): number {
  const sign = h >= 0 ? 1 : -1;
  const dt0 = sign * Math.sqrt(Number.EPSILON) * Math.max(Math.abs(t), Math.abs(h), 1e-300);
  return t + (Math.abs(dt0) > Math.abs(h) ? h : dt0) - t;
}

/**
 * Forward-difference ∂f/∂t at (t, y), needed by Rosenbrock methods on non-autonomous problems,
 * with the increment of `timeIncrement`. Costs one evaluation of f.
 */
export function timeDerivative(
  f: RhsFunction,
  t: number,
  y: Float64Array,
  fy: Float64Array,
  h: number,
  out: Float64Array,
  work: Float64Array,
): void {
  const dt = timeIncrement(t, h);
  f(t + dt, y, work);
  const inv = 1 / dt;
  for (let i = 0; i < y.length; i++) out[i] = (work[i]! - fy[i]!) * inv;
}
