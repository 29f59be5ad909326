import type { RhsFunction } from '@kinetica/ode-core';

/**
 * Forward-difference ∂f/∂t at (t, y), needed by Rosenbrock methods on non-autonomous problems.
 * The increment √ε·max(|t|, |h|) points along the integration direction so that f is never
 * evaluated outside the span. Costs one evaluation of f.
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
  const sign = h >= 0 ? 1 : -1;
  const dt0 = sign * Math.sqrt(Number.EPSILON) * Math.max(Math.abs(t), Math.abs(h), 1e-300);
  const t1 = t + dt0;
  const dt = t1 - t;
  f(t1, y, work);
  const inv = 1 / dt;
  for (let i = 0; i < y.length; i++) out[i] = (work[i]! - fy[i]!) * inv;
}
