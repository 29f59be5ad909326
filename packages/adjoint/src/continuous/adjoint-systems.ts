import { ModelJacobians } from '../model/jacobians';
import type { GradientProblem } from '../problem';
import type { GradientStats } from '../types';
import type { QuadratureSystem } from './explicit-adjoint-integrator';

/**
 * The backward system of the continuous adjoint, a(t) = ∂L/∂y(t) between observations:
 * a' = −aᵀ ∂f/∂y and the quadrature q' = +aᵀ ∂f/∂p, so that integrating from the last observation
 * back to t0 leaves q(t0) = −dL/dp. The sign lets the model's vjp write straight into the
 * quadrature's derivative, saving a pass over the parameters per evaluation.
 * With `yAt` the state comes from a stored forward solution (x = a); without it the state is
 * integrated backwards alongside (x = [y, a]), which is 'backsolve'.
 */
export function adjointSystem(
  prob: GradientProblem,
  stats: GradientStats,
  yAt: ((t: number, out: Float64Array) => void) | undefined,
): QuadratureSystem & { jac?: (t: number, x: Float64Array, J: Float64Array) => void } {
  const { model, n, np, p } = prob;
  const yW = new Float64Array(n);
  const aW = new Float64Array(n);
  const vJy = new Float64Array(n);
  if (yAt === undefined) {
    const jacsB = new ModelJacobians(model, n, np, stats);
    const JB = new Float64Array(n * n);
    const FpB = new Float64Array(n * np);
    const yP = new Float64Array(n);
    const hy = new Float64Array(n);
    const hp = new Float64Array(np);
    const mB = 2 * n + np;
    return {
      m: 2 * n,
      q: np,
      rhs(t, x, dx, dq) {
        for (let i = 0; i < n; i++) {
          yW[i] = x[i]!;
          aW[i] = x[n + i]!;
        }
        model.f(t, yW, p, vJy);
        for (let i = 0; i < n; i++) dx[i] = vJy[i]!;
        model.vjp(t, yW, p, aW, vJy, dq);
        stats.nvjp++;
        for (let i = 0; i < n; i++) dx[n + i] = -vJy[i]!;
      },
      // Jacobian of z = [y, a, μ] for the stiff methods; the second-derivative blocks
      // ∂(aᵀ∂f/∂y)/∂y and ∂(aᵀ∂f/∂p)/∂y are central differences of vjp in each y direction.
      jac(t, z, JA) {
        for (let i = 0; i < n; i++) {
          yW[i] = z[i]!;
          aW[i] = z[n + i]!;
        }
        jacsB.jyp(t, yW, p, JB, FpB);
        JA.fill(0);
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < n; c++) {
            JA[r * mB + c] = JB[r * n + c]!;
            JA[(n + r) * mB + n + c] = -JB[c * n + r]!;
          }
        }
        for (let k = 0; k < np; k++)
          for (let c = 0; c < n; c++) JA[(2 * n + k) * mB + n + c] = FpB[c * np + k]!;
        for (let c = 0; c < n; c++) {
          const e = 1e-6 * Math.max(Math.abs(yW[c]!), 1e-6);
          yP.set(yW);
          yP[c] = yW[c]! + e;
          model.vjp(t, yP, p, aW, hy, hp);
          for (let r = 0; r < n; r++) JA[(n + r) * mB + c] = -hy[r]!;
          for (let k = 0; k < np; k++) JA[(2 * n + k) * mB + c] = hp[k]!;
          yP[c] = yW[c]! - e;
          model.vjp(t, yP, p, aW, hy, hp);
          stats.nvjp += 2;
          for (let r = 0; r < n; r++) JA[(n + r) * mB + c] = (JA[(n + r) * mB + c]! + hy[r]!) / (2 * e);
          for (let k = 0; k < np; k++)
            JA[(2 * n + k) * mB + c] = (JA[(2 * n + k) * mB + c]! - hp[k]!) / (2 * e);
        }
      },
    };
  }
  const jacs = new ModelJacobians(model, n, np, stats);
  const J = new Float64Array(n * n);
  const Fp = new Float64Array(n * np);
  const m = n + np;
  return {
    m: n,
    q: np,
    rhs(t, x, dx, dq) {
      yAt(t, yW);
      for (let i = 0; i < n; i++) aW[i] = x[i]!;
      model.vjp(t, yW, p, aW, vJy, dq);
      stats.nvjp++;
      for (let i = 0; i < n; i++) dx[i] = -vJy[i]!;
    },
    // Exact Jacobian of the linear system [a; q]' = [−Jᵀ; Fpᵀ] a for the stiff methods.
    jac(t, _x, JA) {
      yAt(t, yW);
      jacs.jyp(t, yW, p, J, Fp);
      JA.fill(0);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) JA[r * m + c] = -J[c * n + r]!;
      for (let k = 0; k < np; k++) for (let c = 0; c < n; c++) JA[(n + k) * m + c] = Fp[c * np + k]!;
    },
  };
}
