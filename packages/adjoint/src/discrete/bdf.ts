import { initialStepSize } from '@kinetica/ode-core';
import { DenseLU } from '@kinetica/solvers-stiff';
import { ModelJacobians } from '../model/jacobians';
import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import { clampToStop, mergeStops } from '../stops';
import type { GradientResult } from '../types';
import { ObservationTape } from './observation-tape';
import { StepTape } from './step-tape';

const MAX_ORDER = 5;
const NEWTON_MAXITER = 8;
/** See radau5.ts: converged stage equations are what the adjoint differentiates. */
const NEWTON_TOL = 1e-5;
/** Growth limit per step: variable-step BDF of order ≥ 3 loses zero-stability for large ratios. */
const MAX_GROWTH = 2;

/**
 * Coefficients α_j = ℓ_j'(τ₀) of the derivative at τ₀ of the Lagrange interpolant through the
 * nodes τ₀ … τ_k: Σ_j α_j y(τ_j) = y'(τ₀) for polynomials of degree ≤ k (variable-step BDF).
 */
function bdfCoefficients(tau: Float64Array, k: number, alpha: Float64Array): void {
  let a0 = 0;
  for (let m = 1; m <= k; m++) a0 += 1 / (tau[0]! - tau[m]!);
  alpha[0] = a0;
  for (let j = 1; j <= k; j++) {
    let num = 1;
    let den = 1;
    for (let m = 0; m <= k; m++) {
      if (m === j) continue;
      den *= tau[j]! - tau[m]!;
      if (m !== 0) num *= tau[0]! - tau[m]!;
    }
    alpha[j] = num / den;
  }
}

/** Lagrange weights w_j (j = 1 … q+1) extrapolating values at τ_1 … τ_{q+1} to τ₀. */
function extrapolationWeights(tau: Float64Array, q: number, w: Float64Array): void {
  for (let j = 1; j <= q + 1; j++) {
    let v = 1;
    for (let m = 1; m <= q + 1; m++) if (m !== j) v *= (tau[0]! - tau[m]!) / (tau[j]! - tau[m]!);
    w[j] = v;
  }
}

/**
 * 'discrete' mode for BDF: a taped variable-step, variable-order (1–5) BDF in Lagrange form,
 * Σ_j α_{n,j} y_{n+1−j} = f(t_{n+1}, y_{n+1}), with full Newton converged far below the tolerance.
 * Its adjoint is a backward recursion over the multistep equations: (α₀I − J)ᵀ μ = λ_{n+1},
 * λ_{n+1−j} −= α_j μ, p̄ += μᵀ ∂f/∂p, one transposed solve and one vjp per step.
 * The error estimate is (h/(t_{n+1} − t_{n−k}))·(y_{n+1} − predictor), the usual BDF one.
 */
export function discreteBdf(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'discrete');
  const { model, n, np, p, t0, rtol, atol } = prob;
  const stats = res.stats;
  const jacs = new ModelJacobians(model, n, np, stats);
  const J = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const lu = new DenseLU(n);
  const fy = new Float64Array(n);
  const rhs = new Float64Array(n);
  const sHist = new Float64Array(n);
  const ypred = new Float64Array(n);
  const ynew = new Float64Array(n);
  const tmp = new Float64Array(n);
  const tau = new Float64Array(MAX_ORDER + 3);
  const alpha = new Float64Array(MAX_ORDER + 1);
  const w = new Float64Array(MAX_ORDER + 3);
  // Tape block per step: y_{n+1} and the order used.
  const tape = new StepTape(n + 1);
  const y0 = Float64Array.from(prob.y0);
  const obsTape = new ObservationTape(prob, res);
  const stops = mergeStops(prob);
  const span = prob.times[prob.times.length - 1]! - t0;
  const f = (t: number, yy: Float64Array, out: Float64Array) => {
    model.f(t, yy, p, out);
    stats.nfev.forward++;
  };
  /** State m (0 = y0) and its time. */
  const stateAt = (m: number): number => (m === 0 ? -1 : (m - 1) * tape.stride);
  const timeAt = (m: number): number => (m === 0 ? t0 : tape.t[m - 1]! + tape.h[m - 1]!);
  const valueAt = (m: number, i: number): number => (m === 0 ? y0[i]! : tape.data[stateAt(m) + i]!);

  let t = t0;
  if (prob.times[0] === t0) obsTape.record(0, y0, 0);
  f(t, y0, fy);
  let h =
    prob.h0 ??
    initialStepSize(f, t, y0, fy, 1, rtol, atol, 1, Math.min(prob.hmax, span), { y1: ypred, f1: tmp });
  let order = 1;
  let sinceChange = 0;
  let attempts = 0;
  let k = 0;
  const scaled = (v: Float64Array, ref: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = v[i]! / (atol[i]! + rtol * Math.abs(ref[i]!));
      s += r * r;
    }
    return Math.sqrt(s / n);
  };
  /** Scaled error estimate for order q at the new point (needs q + 1 past states). */
  const errorFor = (q: number, N: number): number => {
    if (q < 1 || q + 1 > N + 1) return Number.POSITIVE_INFINITY;
    for (let j = 1; j <= q + 1; j++) tau[j] = timeAt(N + 1 - j);
    extrapolationWeights(tau, q, w);
    const c = (tau[0]! - tau[1]!) / (tau[0]! - tau[q + 1]!);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 1; j <= q + 1; j++) v += w[j]! * valueAt(N + 1 - j, i);
      tmp[i] = c * (ynew[i]! - v);
    }
    return scaled(tmp, ynew);
  };

  while (k < stops.t.length) {
    const target = stops.t[k]!;
    const hs = clampToStop(t, Math.min(h, prob.hmax), target);
    if (attempts >= prob.maxSteps) return failResult(res, `maxSteps (${prob.maxSteps}) reached at t=${t}`);
    if (!(hs > 1e-14 * Math.max(1, Math.abs(t)))) return failResult(res, `step size underflow at t=${t}`);
    attempts++;
    const N = tape.length;
    const kq = Math.min(order, N + 1);
    const tNew = target - t === hs ? target : t + hs;
    tau[0] = tNew;
    for (let j = 1; j <= kq + 1 && N + 1 - j >= 0; j++) tau[j] = timeAt(N + 1 - j);
    bdfCoefficients(tau, kq, alpha);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 1; j <= kq; j++) s += alpha[j]! * valueAt(N + 1 - j, i);
      sHist[i] = s;
    }
    // Predictor: the interpolant through the last min(kq + 1, N + 1) states, extrapolated.
    const qp = Math.min(kq, N);
    extrapolationWeights(tau, qp, w);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 1; j <= qp + 1; j++) v += w[j]! * valueAt(N + 1 - j, i);
      ynew[i] = v;
      ypred[i] = v;
    }
    let converged = false;
    let prevNorm = Number.POSITIVE_INFINITY;
    for (let it = 0; it < NEWTON_MAXITER && !converged; it++) {
      f(tNew, ynew, fy);
      jacs.jy(tNew, ynew, p, J);
      for (let r = 0; r < n; r++) {
        rhs[r] = -(alpha[0]! * ynew[r]! + sHist[r]! - fy[r]!);
        for (let c = 0; c < n; c++) M[r * n + c] = (r === c ? alpha[0]! : 0) - J[r * n + c]!;
      }
      if (!lu.factor(M)) break;
      lu.solve(rhs);
      let finite = true;
      for (let i = 0; i < n; i++) {
        ynew[i]! += rhs[i];
        if (!Number.isFinite(ynew[i]!)) finite = false;
      }
      if (!finite) break;
      const dn = scaled(rhs, ynew);
      converged = dn < NEWTON_TOL || (dn < 1e-2 && dn > 0.5 * prevNorm);
      prevNorm = dn;
    }
    if (!converged) {
      h = hs / 4;
      continue;
    }
    const errn = errorFor(kq, N);
    const errUse = Number.isFinite(errn) ? errn : scaledDiff();
    if (!(errUse <= 1)) {
      h = hs * (Number.isNaN(errUse) ? 0.2 : Math.max(0.2, 0.9 * errUse ** (-1 / (kq + 1))));
      if (kq > 1 && order > 1) order--;
      sinceChange = 0;
      continue;
    }
    const off = tape.reserve();
    tape.data.set(ynew, off);
    tape.data[off + n] = kq;
    tape.commit(t, tNew - t);
    t = tNew;
    sinceChange++;
    // Order and step selection: the order whose error estimate allows the largest next step.
    let best = kq;
    let bestFac = 0.9 * Math.max(errUse, 1e-10) ** (-1 / (kq + 1));
    if (sinceChange > kq) {
      for (const q of [kq - 1, kq + 1]) {
        if (q < 1 || q > MAX_ORDER) continue;
        const e = errorFor(q, N);
        const fac = 0.9 * Math.max(e, 1e-10) ** (-1 / (q + 1));
        if (fac > bestFac * 1.1) {
          best = q;
          bestFac = fac;
        }
      }
      if (best !== kq) sinceChange = 0;
    }
    order = best;
    h = (tNew - tape.t[tape.length - 1]!) * Math.min(MAX_GROWTH, Math.max(0.2, bestFac));
    if (target === tNew) {
      const oi = stops.obs[k]!;
      if (oi >= 0) obsTape.record(oi, ynew, tape.length);
      k++;
    }
  }
  const N = tape.length;
  stats.steps.forward = N;
  stats.steps.backward = N;
  stats.peakStoredStates = 2 * (N + 1) + prob.times.length;

  // Λ_m = ∂L/∂y_m accumulated over all equations that use y_m.
  const Lam = new Float64Array((N + 1) * n);
  const mu = new Float64Array(n);
  const yv = new Float64Array(n);
  const vJy = new Float64Array(n);
  const vJp = new Float64Array(np);
  for (let m = N; m >= 1; m--) {
    for (let i = 0; i < n; i++) mu[i] = Lam[m * n + i]!;
    obsTape.addAt(m, mu);
    const off = stateAt(m);
    for (let i = 0; i < n; i++) yv[i] = tape.data[off + i]!;
    const kq = tape.data[off + n]!;
    const tm = timeAt(m);
    tau[0] = tm;
    for (let j = 1; j <= kq; j++) tau[j] = timeAt(m - j);
    bdfCoefficients(tau, kq, alpha);
    jacs.jy(tm, yv, p, J);
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) M[r * n + c] = (r === c ? alpha[0]! : 0) - J[c * n + r]!;
    if (!lu.factor(M)) return failResult(res, `singular adjoint matrix at t=${tm}`);
    lu.solve(mu);
    for (let j = 1; j <= kq; j++) {
      const base = (m - j) * n;
      for (let i = 0; i < n; i++) Lam[base + i]! -= alpha[j]! * mu[i]!;
    }
    model.vjp(tm, yv, p, mu, vJy, vJp);
    stats.nvjp++;
    for (let i = 0; i < np; i++) res.dp[i]! += vJp[i];
  }
  for (let i = 0; i < n; i++) res.dy0[i] = Lam[i]!;
  obsTape.addAt(0, res.dy0);
  return res;

  /** First step (no history for an estimate): compare with the explicit Euler predictor. */
  function scaledDiff(): number {
    for (let i = 0; i < n; i++) tmp[i] = 0.5 * (ynew[i]! - ypred[i]!);
    return scaled(tmp, ynew);
  }
}
