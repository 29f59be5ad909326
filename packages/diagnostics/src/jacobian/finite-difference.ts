import type { JacobianFunction, RhsFunction } from '@kinetica/ode-core';

/** Cube root of machine epsilon: the step that balances truncation and round-off in central differences. */
const CBRT_EPS = Math.cbrt(Number.EPSILON);

/**
 * Return a Jacobian function for f: the analytic `jac` when given, otherwise central finite
 * differences with step cbrt(eps)·max(|y_j|, scale_j) (error O(h²), about 1e-10 relative).
 * `scale` is the typical magnitude of each state (default 1): a species that lives around 1e-6
 * needs scale 1e-6, or the step would be larger than the state itself.
 * Buffers are allocated once here; the returned function allocates nothing.
 */
export function jacobianOf(
  f: RhsFunction,
  n: number,
  jac?: JacobianFunction,
  scale?: ArrayLike<number>,
): JacobianFunction {
  if (jac) return jac;
  const typical = new Float64Array(n).fill(1);
  if (scale) {
    if (scale.length !== n)
      throw new RangeError(`jacobianOf: scale has ${scale.length} entries, expected ${n}`);
    for (let j = 0; j < n; j++) {
      if (!(scale[j]! > 0) || !Number.isFinite(scale[j]!)) {
        throw new RangeError(`jacobianOf: scale[${j}] must be a finite number > 0, got ${scale[j]}`);
      }
      typical[j] = scale[j]!;
    }
  }
  const yp = new Float64Array(n);
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  return (t, y, J) => {
    yp.set(y);
    for (let j = 0; j < n; j++) {
      const yj = y[j]!;
      const h = CBRT_EPS * Math.max(Math.abs(yj), typical[j]!);
      yp[j] = yj + h;
      f(t, yp, fp);
      yp[j] = yj - h;
      f(t, yp, fm);
      yp[j] = yj;
      const inv = 1 / (2 * h);
      for (let i = 0; i < n; i++) J[i * n + j] = (fp[i]! - fm[i]!) * inv;
    }
  };
}
