import { checkField, checkState, type Trajectory, type VectorField } from '../field';
import { singularValues } from '../linalg/eigen';
import { checkPositive, type LyapunovProblem, prepare } from './problem';
import { VariationalRK4 } from './variational-rk4';

/** Options of `ftle`. */
export interface FtleOptions {
  /** Window length T > 0 over which the flow map is linearized. */
  T: number;
  /** RK4 step (default: T/1000, at most 0.01). */
  dt?: number;
}

/** Finite-time Lyapunov exponents of one window. */
export interface FtleResult {
  /** (1/T)·ln σ_i(Φ(T)), largest first, where Φ is the fundamental matrix of the variational equation. */
  exponents: Float64Array;
  /** The largest exponent: the growth rate of the most amplified perturbation. */
  max: number;
  /** State at t0 + T. */
  y: Float64Array;
}

/**
 * Finite-time Lyapunov exponents: integrate Φ' = ∂f/∂y·Φ, Φ(t0) = I, over [t0, t0 + T] and take
 * the singular values of Φ(T). Φ is rescaled by a scalar whenever it grows past 1e100, which
 * keeps singular-value ratios exact while avoiding overflow. The largest exponent is accurate to
 * round-off; exponent i carries an absolute error of about ln(1 + 1e-16·σ_1/σ_i)/T, so the
 * trailing ones are meaningful while σ_1/σ_i stays well below 1e16 (use `lyapunovSpectrum`,
 * which re-orthonormalizes, for long-time spectra).
 */
export function ftle(problem: LyapunovProblem, options: FtleOptions): FtleResult {
  const where = 'ftle';
  const { n, t0, y, jac } = prepare(problem, where);
  const T = options?.T;
  checkPositive(T, 'T', where);
  const steps = Math.max(1, Math.ceil(T / (options.dt ?? Math.min(0.01, T / 1000))));
  const h = T / steps;
  const phi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) phi[i * n + i] = 1;
  const rk4 = new VariationalRK4(problem.f, jac, n, n);
  let logScale = 0;
  for (let s = 0; s < steps; s++) {
    rk4.step(t0 + s * h, h, y, phi);
    let big = 0;
    for (let i = 0; i < n * n; i++) big = Math.max(big, Math.abs(phi[i]!));
    if (!Number.isFinite(big) || !Number.isFinite(y[0]!)) {
      throw new RangeError(`${where}: the solution stopped being finite at t=${t0 + (s + 1) * h}`);
    }
    if (big > 1e100) {
      for (let i = 0; i < n * n; i++) phi[i]! /= big;
      logScale += Math.log(big);
    }
  }
  const exponents = singularValues(phi, n, n).map((sv) => (Math.log(sv) + logScale) / T);
  return { exponents, max: exponents[0]!, y };
}

/**
 * Largest FTLE over a window of length T starting from every sampled state of a trajectory:
 * where along the trajectory small perturbations (model error, noise) are amplified.
 */
export function ftleAlongTrajectory(
  field: VectorField,
  samples: Trajectory,
  options: FtleOptions,
): Float64Array {
  checkField(field, 'ftleAlongTrajectory');
  const out = new Float64Array(samples.y.length);
  for (let i = 0; i < samples.y.length; i++) {
    checkState(samples.y[i]!, field.n, `ftleAlongTrajectory: sample ${i}`);
    out[i] = ftle(
      { f: field.f, jac: field.jac, scale: field.scale, y0: samples.y[i]!, t0: samples.t[i] ?? 0 },
      options,
    ).max;
  }
  return out;
}
