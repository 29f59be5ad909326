import { initialStepSize } from '@kinetica/ode-core';
import { DenseLU } from '@kinetica/solvers-stiff';
import { ModelJacobians } from '../model/jacobians';
import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import { clampToStop, mergeStops } from '../stops';
import type { GradientResult } from '../types';
import { ObservationTape } from './observation-tape';
import { StepTape } from './step-tape';

const SQ6 = Math.sqrt(6);
/** Radau IIA, order 5 (Hairer & Wanner, Solving ODEs II, IV.5, Table 5.6). */
const C = [(4 - SQ6) / 10, (4 + SQ6) / 10, 1];
const A = [
  [(88 - 7 * SQ6) / 360, (296 - 169 * SQ6) / 1800, (-2 + 3 * SQ6) / 225],
  [(296 + 169 * SQ6) / 1800, (88 + 7 * SQ6) / 360, (-2 - 3 * SQ6) / 225],
  [(16 - SQ6) / 36, (16 + SQ6) / 36, 1 / 9],
];
/** Embedded error estimate of radau5.f (Hairer & Wanner II, IV.8, eq. 8.19–8.20). */
const E = [-(13 + 7 * SQ6) / 3, (-13 + 7 * SQ6) / 3, -1 / 3];
const MU_REAL = 3 + 3 ** (2 / 3) - 3 ** (1 / 3);
const NEWTON_MAXITER = 10;
/**
 * Newton stops when the scaled increment is this far below the error tolerance, or when it stops
 * shrinking below 1e-2 (round-off floor): the adjoint assumes converged stage equations.
 */
const NEWTON_TOL = 1e-5;

/**
 * 'discrete' mode for Radau IIA 5: a taped solve with full Newton on the collocation equations
 * G(Z) = Z − h(A⊗I)F(y + Z) = 0 converged far below the tolerance, then the adjoint of the
 * converged equations: solve (∂G/∂Z)ᵀ μ = e₃⊗λ (blocks δᵢⱼI − h aⱼᵢ Jᵢᵀ at the stage values),
 * ν_j = h Σᵢ aᵢⱼ μᵢ, λ ← λ + Σⱼ ν_jᵀ ∂f/∂y(Y_j), p̄ += Σⱼ ν_jᵀ ∂f/∂p(Y_j). Step sizes are held fixed.
 */
export function discreteRadau5(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'discrete');
  const { model, n, np, p, t0, rtol, atol } = prob;
  const stats = res.stats;
  const n3 = 3 * n;
  const jacs = new ModelJacobians(model, n, np, stats);
  const Js = [new Float64Array(n * n), new Float64Array(n * n), new Float64Array(n * n)];
  const J = new Float64Array(n * n);
  const M = new Float64Array(n3 * n3);
  const ME = new Float64Array(n * n);
  const lu3 = new DenseLU(n3);
  const lu1 = new DenseLU(n);
  const Z = new Float64Array(n3);
  const R = new Float64Array(n3);
  const F = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const yst = new Float64Array(n);
  const f0 = new Float64Array(n);
  const err = new Float64Array(n);
  const tmp = new Float64Array(n);
  let y = Float64Array.from(prob.y0);
  let ynew = new Float64Array(n);
  const tape = new StepTape(4 * n);
  const obsTape = new ObservationTape(prob, res);
  const stops = mergeStops(prob);
  const span = prob.times[prob.times.length - 1]! - t0;
  const f = (t: number, yy: Float64Array, out: Float64Array) => {
    model.f(t, yy, p, out);
    stats.nfev.forward++;
  };

  let t = t0;
  if (prob.times[0] === t0) obsTape.record(0, y, 0);
  f(t, y, f0);
  let h =
    prob.h0 ??
    initialStepSize(f, t, y, f0, 3, rtol, atol, 1, Math.min(prob.hmax, span), { y1: yst, f1: tmp });
  let first = true;
  let lastRejected = false;
  let attempts = 0;
  let k = 0;
  const scaledNorm = (v: Float64Array, off: number, len: number) => {
    let s = 0;
    for (let i = 0; i < len; i++) {
      const r = v[off + i]! / (atol[i % n]! + rtol * Math.abs(y[i % n]!));
      s += r * r;
    }
    return Math.sqrt(s / len);
  };

  while (k < stops.t.length) {
    const target = stops.t[k]!;
    const hs = clampToStop(t, Math.min(h, prob.hmax), target);
    if (attempts >= prob.maxSteps) return failResult(res, `maxSteps (${prob.maxSteps}) reached at t=${t}`);
    if (!(hs > 1e-14 * Math.max(1, Math.abs(t)))) return failResult(res, `step size underflow at t=${t}`);
    attempts++;
    Z.fill(0);
    let converged = false;
    let prevNorm = Number.POSITIVE_INFINITY;
    for (let it = 0; it < NEWTON_MAXITER && !converged; it++) {
      for (let j = 0; j < 3; j++) {
        for (let i = 0; i < n; i++) yst[i] = y[i]! + Z[j * n + i]!;
        f(t + C[j]! * hs, yst, F[j]!);
        jacs.jy(t + C[j]! * hs, yst, p, Js[j]!);
      }
      for (let bi = 0; bi < 3; bi++) {
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let j = 0; j < 3; j++) acc += A[bi]![j]! * F[j]![i]!;
          R[bi * n + i] = -(Z[bi * n + i]! - hs * acc);
        }
        for (let bj = 0; bj < 3; bj++) {
          const haJ = hs * A[bi]![bj]!;
          const Jj = Js[bj]!;
          for (let r = 0; r < n; r++) {
            const row = (bi * n + r) * n3 + bj * n;
            for (let c = 0; c < n; c++) M[row + c] = (bi === bj && r === c ? 1 : 0) - haJ * Jj[r * n + c]!;
          }
        }
      }
      if (!lu3.factor(M)) break;
      lu3.solve(R);
      let finite = true;
      for (let i = 0; i < n3; i++) {
        Z[i]! += R[i];
        if (!Number.isFinite(Z[i]!)) finite = false;
      }
      if (!finite) break;
      const dn = scaledNorm(R, 0, n3);
      converged = dn < NEWTON_TOL || (dn < 1e-2 && dn > 0.5 * prevNorm);
      prevNorm = dn;
    }
    if (!converged) {
      h = hs / 2;
      lastRejected = true;
      continue;
    }
    for (let i = 0; i < n; i++) ynew[i] = y[i]! + Z[2 * n + i]!;
    // Error estimate: (μ/h·I − J)⁻¹ (f(t, y) + Σ E_j Z_j / h), recomputed once through f when large.
    f(t, y, f0);
    jacs.jy(t, y, p, J);
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) ME[r * n + c] = (r === c ? MU_REAL / hs : 0) - J[r * n + c]!;
    lu1.factor(ME);
    for (let i = 0; i < n; i++) tmp[i] = (E[0]! * Z[i]! + E[1]! * Z[n + i]! + E[2]! * Z[2 * n + i]!) / hs;
    for (let i = 0; i < n; i++) err[i] = f0[i]! + tmp[i]!;
    lu1.solve(err);
    let errn = errNorm();
    if (errn > 1 && (first || lastRejected)) {
      for (let i = 0; i < n; i++) yst[i] = y[i]! + err[i]!;
      f(t, yst, err);
      for (let i = 0; i < n; i++) err[i]! += tmp[i];
      lu1.solve(err);
      errn = errNorm();
    }
    if (!(errn <= 1)) {
      h = hs * (Number.isNaN(errn) ? 0.2 : Math.max(0.2, 0.9 * errn ** -0.25));
      lastRejected = true;
      continue;
    }
    const off = tape.reserve();
    tape.data.set(y, off);
    tape.data.set(Z, off + n);
    tape.commit(t, hs);
    const landed = hs === target - t;
    t = landed ? target : t + hs;
    const sw = y;
    y = ynew;
    ynew = sw;
    if (landed) {
      const oi = stops.obs[k]!;
      if (oi >= 0) obsTape.record(oi, y, tape.length);
      k++;
    }
    h = hs * Math.min(lastRejected ? 1 : 10, Math.max(0.2, 0.9 * Math.max(errn, 1e-10) ** -0.25));
    first = false;
    lastRejected = false;
  }
  const N = tape.length;
  stats.steps.forward = N;
  stats.steps.backward = N;
  stats.peakStoredStates = 4 * N + prob.times.length;

  const lambda = res.dy0;
  const mu = new Float64Array(n3);
  const nu = new Float64Array(n);
  const vJy = new Float64Array(n);
  const vJp = new Float64Array(np);
  const Ysave = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let step = N - 1; step >= 0; step--) {
    obsTape.addAt(step + 1, lambda);
    const ts = tape.t[step]!;
    const hs = tape.h[step]!;
    const off = step * 4 * n;
    const d = tape.data;
    for (let j = 0; j < 3; j++) {
      const Yj = Ysave[j]!;
      for (let i = 0; i < n; i++) Yj[i] = d[off + i]! + d[off + (1 + j) * n + i]!;
      jacs.jy(ts + C[j]! * hs, Yj, p, Js[j]!);
    }
    // (∂G/∂Z)ᵀ: block (i, j) = δᵢⱼ I − h a_ji J_iᵀ.
    for (let bi = 0; bi < 3; bi++) {
      const Ji = Js[bi]!;
      for (let bj = 0; bj < 3; bj++) {
        const ha = hs * A[bj]![bi]!;
        for (let r = 0; r < n; r++) {
          const row = (bi * n + r) * n3 + bj * n;
          for (let c = 0; c < n; c++) M[row + c] = (bi === bj && r === c ? 1 : 0) - ha * Ji[c * n + r]!;
        }
      }
    }
    if (!lu3.factor(M)) return failResult(res, `singular adjoint stage matrix at t=${ts}`);
    mu.fill(0);
    mu.set(lambda, 2 * n);
    lu3.solve(mu);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < n; i++)
        nu[i] = hs * (A[0]![j]! * mu[i]! + A[1]![j]! * mu[n + i]! + A[2]![j]! * mu[2 * n + i]!);
      model.vjp(ts + C[j]! * hs, Ysave[j]!, p, nu, vJy, vJp);
      stats.nvjp++;
      for (let i = 0; i < n; i++) lambda[i]! += vJy[i];
      for (let i = 0; i < np; i++) res.dp[i]! += vJp[i];
    }
  }
  obsTape.addAt(0, lambda);
  return res;

  function errNorm(): number {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = err[i]! / (atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(ynew[i]!)));
      s += r * r;
    }
    return Math.sqrt(s / n);
  }
}
