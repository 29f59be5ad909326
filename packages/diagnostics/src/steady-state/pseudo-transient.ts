import {
  dampedNewton,
  type IterationOptions,
  type IterationResult,
  NewtonWorkspace,
  normInf,
} from './newton';
import type { NonlinearSystem } from './system';

/**
 * Pseudo-transient continuation (Ψtc): backward-Euler steps along the flow x' = R(x),
 *   (I/δ − J)·Δ = R(x),  x ← x + Δ,
 * with the step δ grown by switched evolution relaxation, δ ← δ·‖R_old‖/‖R_new‖
 * (Kelley & Keyes 1998, SIAM J. Numer. Anal. 35). Following the flow reaches stable steady
 * states from starts where Newton's basin is missed; Newton polishes the result.
 */
export function pseudoTransient(
  sys: NonlinearSystem,
  x: Float64Array,
  options: IterationOptions & { delta0?: number } = {},
  ws = new NewtonWorkspace(sys.m),
): IterationResult {
  const { ftol = 1e-10, maxIter = 2000, delta0 = 1e-2 } = options;
  const { F, dx, xt, J, lu, m } = ws;
  sys.residual(x, F);
  let res = normInf(F);
  let delta = delta0;
  for (let it = 0; it < maxIter; it++) {
    if (!Number.isFinite(res))
      return {
        converged: false,
        message: `residual is not finite at pseudo-transient step ${it}`,
        iterations: it,
        residual: res,
      };
    // Close to a root the δ → ∞ limit is Newton's method, which then converges quadratically.
    if (res <= ftol || delta > 1e12) {
      const polish = dampedNewton(sys, x, options, ws);
      return { ...polish, iterations: it + polish.iterations };
    }
    sys.jacobian(x, J);
    for (let i = 0; i < m * m; i++) J[i] = -J[i]!;
    for (let i = 0; i < m; i++) J[i * m + i]! += 1 / delta;
    if (!lu.factor(J)) {
      delta *= 0.5;
      continue;
    }
    dx.set(F);
    lu.solve(dx);
    xt.set(x);
    for (let i = 0; i < m; i++) x[i]! += dx[i];
    sys.residual(x, F);
    const resNew = normInf(F);
    if (!Number.isFinite(resNew)) {
      // The step left the region where f is defined: retreat and take a shorter pseudo-time step.
      x.set(xt);
      sys.residual(x, F);
      delta *= 0.1;
      continue;
    }
    delta *= Math.min(1e3, res / Math.max(resNew, Number.MIN_VALUE));
    res = resNew;
  }
  return {
    converged: false,
    message: `no convergence in ${maxIter} pseudo-transient steps (‖R‖∞ = ${res.toExponential(2)})`,
    iterations: maxIter,
    residual: res,
  };
}
