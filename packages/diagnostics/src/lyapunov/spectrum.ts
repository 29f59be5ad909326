import { orthonormalizeColumns } from '../linalg/gram-schmidt';
import { checkPositive, type LyapunovProblem, prepare } from './problem';
import { VariationalRK4 } from './variational-rk4';

/** Options of `lyapunovSpectrum`. */
export interface LyapunovOptions {
  /** Averaging time after the transient. */
  t: number;
  /** Time integrated first (state and tangents) and discarded, so the state reaches the attractor. Default 0. */
  transient?: number;
  /** RK4 step. Default 0.01 (Lorenz: |λ|·dt ≪ 1 for every Jacobian eigenvalue). */
  dt?: number;
  /** Number of exponents, 1 ≤ count ≤ n. Default n. */
  count?: number;
  /** RK4 steps between QR re-orthonormalizations. Default 1. */
  renormEvery?: number;
}

/**
 * Lyapunov spectrum by Benettin's algorithm: integrate the variational equation for `count`
 * tangent vectors, re-orthonormalize them by QR every `renormEvery` steps, and average the logs
 * of R's diagonal over time (Benettin, Galgani, Giorgilli & Strelcyn 1980, Meccanica 15).
 * Returns the exponents largest first. Throws a RangeError naming t if the state stops being finite.
 */
export function lyapunovSpectrum(problem: LyapunovProblem, options: LyapunovOptions): Float64Array {
  const where = 'lyapunovSpectrum';
  const { n, t0, y, jac } = prepare(problem, where);
  const {
    t: tAvg,
    transient = 0,
    dt = 0.01,
    count = n,
    renormEvery = 1,
  } = options ?? ({} as LyapunovOptions);
  checkPositive(tAvg, 't', where);
  checkPositive(transient, 'transient', where, true);
  checkPositive(dt, 'dt', where);
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new RangeError(`${where}: count must be an integer in [1, ${n}], got ${count}`);
  }
  if (!Number.isInteger(renormEvery) || renormEvery < 1) {
    throw new RangeError(`${where}: renormEvery must be a positive integer, got ${renormEvery}`);
  }
  const k = count;
  const q = new Float64Array(n * k);
  for (let j = 0; j < k; j++) q[j * k + j] = 1;
  const r = new Float64Array(k);
  const sums = new Float64Array(k);
  const rk4 = new VariationalRK4(problem.f, jac, n, k);

  const nTransient = Math.round(transient / dt);
  const nAvg = Math.max(1, Math.round(tAvg / dt));
  let t = t0;
  for (let s = 1; s <= nTransient + nAvg; s++) {
    rk4.step(t, dt, y, q);
    t = t0 + s * dt;
    if (s % renormEvery !== 0 && s !== nTransient && s !== nTransient + nAvg) continue;
    orthonormalizeColumns(q, n, k, r);
    for (let j = 0; j < k; j++) {
      if (!(r[j]! > 0) || !Number.isFinite(r[j]!)) {
        throw new RangeError(`${where}: tangent vector ${j} degenerated at t=${t} (norm ${r[j]}); reduce dt`);
      }
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i]!))
        throw new RangeError(`${where}: state component ${i} stopped being finite at t=${t}`);
    }
    if (s > nTransient) for (let j = 0; j < k; j++) sums[j]! += Math.log(r[j]!);
  }
  const span = nAvg * dt;
  return sums.map((v) => v / span).sort((a, b) => b - a);
}
