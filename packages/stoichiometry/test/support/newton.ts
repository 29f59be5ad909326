import { luFactor, luSolve } from './lu';

export interface NewtonResult {
  converged: boolean;
  iterations: number;
  x: Float64Array;
  /** Why it stopped when it did not converge. */
  reason: string;
  residual: number;
}

/** Plain Newton on F(x) = 0 with an analytic Jacobian and a singularity check in the LU (test support). */
export function newton(
  F: (x: Float64Array, out: Float64Array) => void,
  J: (x: Float64Array, out: Float64Array) => void,
  x0: ArrayLike<number>,
  tol = 1e-12,
  maxIter = 50,
): NewtonResult {
  const n = x0.length;
  const x = Float64Array.from(x0);
  const fx = new Float64Array(n);
  const Jx = new Float64Array(n * n);
  const piv = new Int32Array(n);
  const norm = (): number => Math.sqrt(fx.reduce((s, v) => s + v * v, 0));
  for (let it = 0; it < maxIter; it++) {
    F(x, fx);
    const r = norm();
    if (r <= tol) return { converged: true, iterations: it, x, reason: '', residual: r };
    J(x, Jx);
    if (!luFactor(Jx, n, piv))
      return { converged: false, iterations: it, x, reason: 'singular Jacobian', residual: r };
    luSolve(Jx, n, piv, fx);
    for (let k = 0; k < n; k++) x[k]! -= fx[k];
    if (!x.every(Number.isFinite))
      return { converged: false, iterations: it, x, reason: 'diverged', residual: Number.NaN };
  }
  F(x, fx);
  return { converged: false, iterations: maxIter, x, reason: 'no convergence', residual: norm() };
}
