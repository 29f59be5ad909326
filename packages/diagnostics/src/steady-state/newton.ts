import { DenseLU } from '@kinetica/solvers-stiff';
import type { NonlinearSystem } from './system';

/** Convergence settings shared by Newton and pseudo-transient continuation. */
export interface IterationOptions {
  /** Converged when ‖R(x)‖∞ ≤ ftol. Default 1e-10. */
  ftol?: number;
  /** Also converged when the step is below xtol·(1 + ‖x‖∞) and ‖R‖∞ ≤ √ftol (round-off floor). Default 1e-13. */
  xtol?: number;
  /** Iteration limit. Default 50 for Newton, 2000 for pseudo-transient continuation. */
  maxIter?: number;
}

/** Outcome of an iteration; failure is a value with a message. */
export interface IterationResult {
  converged: boolean;
  message: string;
  iterations: number;
  /** ‖R(x)‖∞ at the returned x. */
  residual: number;
}

/** Workspace for one system size, allocated once and reused by every start. */
export class NewtonWorkspace {
  readonly F: Float64Array;
  readonly Ft: Float64Array;
  readonly xt: Float64Array;
  readonly dx: Float64Array;
  readonly J: Float64Array;
  readonly lu: DenseLU;
  constructor(readonly m: number) {
    this.F = new Float64Array(m);
    this.Ft = new Float64Array(m);
    this.xt = new Float64Array(m);
    this.dx = new Float64Array(m);
    this.J = new Float64Array(m * m);
    this.lu = new DenseLU(m);
  }
}

export function normInf(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s = Math.max(s, Math.abs(v[i]!));
  return s;
}

function halfSquaredNorm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return 0.5 * s;
}

/**
 * Damped Newton with a backtracking (Armijo, quadratic interpolation) line search on
 * φ = ½‖R‖², updating x in place (Dennis & Schnabel 1996, §6.3).
 */
export function dampedNewton(
  sys: NonlinearSystem,
  x: Float64Array,
  options: IterationOptions = {},
  ws = new NewtonWorkspace(sys.m),
): IterationResult {
  const { ftol = 1e-10, xtol = 1e-13, maxIter = 50 } = options;
  const { F, Ft, xt, dx, J, lu, m } = ws;
  sys.residual(x, F);
  let res = normInf(F);
  for (let it = 0; it < maxIter; it++) {
    if (!Number.isFinite(res))
      return {
        converged: false,
        message: `residual is not finite at Newton iteration ${it}`,
        iterations: it,
        residual: res,
      };
    if (res <= ftol) return { converged: true, message: '', iterations: it, residual: res };
    sys.jacobian(x, J);
    if (!lu.factor(J))
      return {
        converged: false,
        message: `singular Jacobian at Newton iteration ${it}`,
        iterations: it,
        residual: res,
      };
    for (let i = 0; i < m; i++) dx[i] = -F[i]!;
    lu.solve(dx);
    const phi0 = halfSquaredNorm(F);
    let lambda = 1;
    let phi = 0;
    for (;;) {
      for (let i = 0; i < m; i++) xt[i] = x[i]! + lambda * dx[i]!;
      sys.residual(xt, Ft);
      phi = halfSquaredNorm(Ft);
      // The Newton direction has slope −2φ0 along λ, hence the Armijo bound (1 − 2·1e-4·λ)·φ0.
      if (Number.isFinite(phi) && phi <= (1 - 2e-4 * lambda) * phi0) break;
      const quad = Number.isFinite(phi)
        ? (phi0 * lambda * lambda) / (phi - phi0 + 2 * phi0 * lambda)
        : 0.1 * lambda;
      lambda = Math.min(0.5 * lambda, Math.max(0.1 * lambda, quad));
      if (lambda < 1e-10) {
        return {
          converged: false,
          message: `line search failed at Newton iteration ${it} (‖R‖∞ = ${res.toExponential(2)})`,
          iterations: it,
          residual: res,
        };
      }
    }
    let step = 0;
    for (let i = 0; i < m; i++) {
      step = Math.max(step, Math.abs(xt[i]! - x[i]!));
      x[i] = xt[i]!;
    }
    F.set(Ft);
    res = normInf(F);
    if (step <= xtol * (1 + normInf(x)) && res <= Math.sqrt(ftol)) {
      return { converged: true, message: '', iterations: it + 1, residual: res };
    }
  }
  if (res <= ftol) return { converged: true, message: '', iterations: maxIter, residual: res };
  return {
    converged: false,
    message: `no convergence in ${maxIter} Newton iterations (‖R‖∞ = ${res.toExponential(2)})`,
    iterations: maxIter,
    residual: res,
  };
}
