import { initialStepSize } from '@kinetica/ode-core';
import { DenseLU, RODAS5P_TABLEAU } from '@kinetica/solvers-stiff';
import { ModelJacobians } from '../model/jacobians';
import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import { clampToStop, mergeStops } from '../stops';
import type { GradientResult } from '../types';
import { ObservationTape } from './observation-tape';
import { StepTape } from './step-tape';

/**
 * Rodas5P (Steinebach 2023, BIT 63:27), with the coefficients solvers-stiff's 'rodas5' uses
 * (its exported RODAS5P_TABLEAU), written as u_s = y + Σ Â_sj k_j, (I/(hγ) − J) k_s = f(t + c_s h, u_s)
 * + h d_s ∂f/∂t + Σ (Ĉ_sj/h) k_j, y_{n+1} = y + Σ b_s k_s, error estimate k_8.
 */
const GAMMA = RODAS5P_TABLEAU.gamma;
const S = RODAS5P_TABLEAU.stages;
const A_ROWS = RODAS5P_TABLEAU.a;
const C_ROWS = RODAS5P_TABLEAU.c;
const CT = RODAS5P_TABLEAU.ct;
const D = [...RODAS5P_TABLEAU.d, 0, 0, 0];
/** Â (S×S, row s: coefficients of u_s) and b, with the stiffly accurate tail u_7 = u_6 + k_6 … folded in. */
const AH = new Float64Array(S * S);
const B = new Float64Array(S);
for (let s = 1; s <= 5; s++) AH.set(A_ROWS[s - 1]!, s * S);
for (let s = 6; s < S; s++) {
  for (let j = 0; j < S; j++) AH[s * S + j] = AH[(s - 1) * S + j]!;
  AH[s * S + s - 1]! += 1;
}
for (let j = 0; j < S; j++) B[j] = AH[(S - 1) * S + j]!;
B[S - 1]! += 1;
const CH = new Float64Array(S * S);
for (let s = 1; s < S; s++) CH.set(C_ROWS[s - 1]!, s * S);

/**
 * 'discrete' mode for Rodas5: a taped Rosenbrock solve, then the adjoint of the linearly implicit
 * stage equations (step sizes held fixed): w_s = W⁻ᵀ k̄_s, then f's vjp at u_s, the Ĉ and Â couplings,
 * and the dependence of W and ∂f/∂t on (y, p). Those two need second derivatives of f, taken as
 * central differences of vjp along k_s (and in t), so the gradient matches the computed solution's
 * to about 1e-9 relative rather than to round-off.
 */
export function discreteRodas5(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'discrete');
  const { model, n, np, p, t0, rtol, atol } = prob;
  const stats = res.stats;
  const jacs = new ModelJacobians(model, n, np, stats);
  const J = new Float64Array(n * n);
  const W = new Float64Array(n * n);
  const lu = new DenseLU(n);
  const K = Array.from({ length: S }, () => new Float64Array(n));
  const u = new Float64Array(n);
  const fu = new Float64Array(n);
  const dT = new Float64Array(n);
  const f1 = new Float64Array(n);
  let y = Float64Array.from(prob.y0);
  let ynew = new Float64Array(n);
  const tape = new StepTape((S + 1) * n);
  const obsTape = new ObservationTape(prob, res);
  const stops = mergeStops(prob);
  const span = prob.times[prob.times.length - 1]! - t0;
  const f = (t: number, yy: Float64Array, out: Float64Array) => {
    model.f(t, yy, p, out);
    stats.nfev.forward++;
  };
  const tDelta = (t: number) => 1e-5 * Math.max(1, Math.abs(t));
  /** Stage input u_s from y and the stages (row s of Â). */
  const stageInput = (s: number, yy: Float64Array, k: Float64Array[], out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let v = yy[i]!;
      for (let j = 0; j < s; j++) v += AH[s * S + j]! * k[j]![i]!;
      out[i] = v;
    }
  };
  /** Factor W = I/(hγ) − J (or its transpose). */
  const factorW = (hs: number, transpose: boolean) => {
    const g = 1 / (hs * GAMMA);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++)
        W[r * n + c] = (r === c ? g : 0) - (transpose ? J[c * n + r]! : J[r * n + c]!);
    }
    return lu.factor(W);
  };

  let t = t0;
  if (prob.times[0] === t0) obsTape.record(0, y, 0);
  f(t, y, fu);
  let h = prob.h0 ?? initialStepSize(f, t, y, fu, 4, rtol, atol, 1, Math.min(prob.hmax, span), { y1: u, f1 });
  let lastRejected = false;
  let errPrev = 1e-4;
  let attempts = 0;
  let k = 0;
  while (k < stops.t.length) {
    const target = stops.t[k]!;
    const hs = clampToStop(t, Math.min(h, prob.hmax), target);
    if (attempts >= prob.maxSteps) return failResult(res, `maxSteps (${prob.maxSteps}) reached at t=${t}`);
    if (!(hs > 1e-14 * Math.max(1, Math.abs(t)))) return failResult(res, `step size underflow at t=${t}`);
    attempts++;
    jacs.jy(t, y, p, J);
    const td = tDelta(t);
    f(t + td, y, dT);
    f(t - td, y, f1);
    for (let i = 0; i < n; i++) dT[i] = (dT[i]! - f1[i]!) / (2 * td);
    if (!factorW(hs, false)) {
      h = hs / 4;
      lastRejected = true;
      continue;
    }
    for (let s = 0; s < S; s++) {
      stageInput(s, y, K, u);
      f(t + CT[s]! * hs, u, fu);
      const ks = K[s]!;
      for (let i = 0; i < n; i++) {
        let v = fu[i]! + hs * D[s]! * dT[i]!;
        for (let j = 0; j < s; j++) v += (CH[s * S + j]! / hs) * K[j]![i]!;
        ks[i] = v;
      }
      lu.solve(ks);
    }
    let sum = 0;
    let finite = true;
    for (let i = 0; i < n; i++) {
      let v = y[i]!;
      for (let j = 0; j < S; j++) v += B[j]! * K[j]![i]!;
      ynew[i] = v;
      if (!Number.isFinite(v)) finite = false;
      const r = K[S - 1]![i]! / (atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(v)));
      sum += r * r;
    }
    const errn = finite ? Math.sqrt(sum / n) : Number.NaN;
    if (!(errn <= 1)) {
      h = hs * (Number.isNaN(errn) ? 0.2 : Math.max(0.2, 0.9 * errn ** -0.2));
      lastRejected = true;
      continue;
    }
    const off = tape.reserve();
    tape.data.set(y, off);
    for (let s = 0; s < S; s++) tape.data.set(K[s]!, off + (1 + s) * n);
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
    const fac = 0.9 * Math.max(errn, 1e-10) ** -0.14 * errPrev ** 0.08;
    h = hs * Math.min(lastRejected ? 1 : 6, Math.max(0.2, fac));
    errPrev = Math.max(errn, 1e-4);
    lastRejected = false;
  }
  const N = tape.length;
  stats.steps.forward = N;
  stats.steps.backward = N;
  stats.peakStoredStates = (S + 1) * N + prob.times.length;

  const lambda = res.dy0;
  const kbar = Array.from({ length: S }, () => new Float64Array(n));
  const wS = Array.from({ length: S }, () => new Float64Array(n));
  const vT = new Float64Array(n);
  const yb = new Float64Array(n);
  const ys = new Float64Array(n);
  const vJy = new Float64Array(n);
  const vJp = new Float64Array(np);
  const addVjp = (tt: number, yy: Float64Array, v: Float64Array, scale: number) => {
    model.vjp(tt, yy, p, v, vJy, vJp);
    stats.nvjp++;
    for (let i = 0; i < n; i++) lambda[i]! += scale * vJy[i]!;
    for (let i = 0; i < np; i++) res.dp[i]! += scale * vJp[i]!;
  };
  for (let step = N - 1; step >= 0; step--) {
    obsTape.addAt(step + 1, lambda);
    const ts = tape.t[step]!;
    const hs = tape.h[step]!;
    const off = step * (S + 1) * n;
    const d = tape.data;
    for (let i = 0; i < n; i++) ys[i] = d[off + i]!;
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) K[s]![i] = d[off + (1 + s) * n + i]!;
    jacs.jy(ts, ys, p, J);
    if (!factorW(hs, true)) return failResult(res, `singular adjoint matrix at t=${ts}`);
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) kbar[s]![i] = B[s]! * lambda[i]!;
    vT.fill(0);
    for (let s = S - 1; s >= 0; s--) {
      const w = wS[s]!;
      w.set(kbar[s]!);
      lu.solve(w);
      for (let j = 0; j < s; j++) {
        const cj = CH[s * S + j]! / hs;
        if (cj !== 0) for (let i = 0; i < n; i++) kbar[j]![i]! += cj * w[i]!;
      }
      if (D[s] !== 0) for (let i = 0; i < n; i++) vT[i]! += hs * D[s]! * w[i]!;
      stageInput(s, ys, K, u);
      model.vjp(ts + CT[s]! * hs, u, p, w, yb, vJp);
      stats.nvjp++;
      for (let i = 0; i < np; i++) res.dp[i]! += vJp[i];
      for (let i = 0; i < n; i++) lambda[i]! += yb[i];
      for (let j = 0; j < s; j++) {
        const aj = AH[s * S + j]!;
        if (aj !== 0) for (let i = 0; i < n; i++) kbar[j]![i]! += aj * yb[i]!;
      }
    }
    // W = I/(hγ) − J(y, p): d(w_sᵀ W k_s) = −w_sᵀ dJ k_s, so each stage adds + ∂(w_sᵀ J k_s)/∂(y, p).
    for (let s = 0; s < S; s++) {
      const ks = K[s]!;
      let kn = 0;
      let yn = 0;
      for (let i = 0; i < n; i++) {
        kn = Math.max(kn, Math.abs(ks[i]!));
        yn = Math.max(yn, Math.abs(ys[i]!));
      }
      if (kn === 0) continue;
      const eps = (6e-6 * Math.max(yn, 1e-8)) / kn;
      for (let i = 0; i < n; i++) u[i] = ys[i]! + eps * ks[i]!;
      addVjp(ts, u, wS[s]!, 1 / (2 * eps));
      for (let i = 0; i < n; i++) u[i] = ys[i]! - eps * ks[i]!;
      addVjp(ts, u, wS[s]!, -1 / (2 * eps));
    }
    // ∂f/∂t was a central difference in t: its derivative is the same difference of vjps.
    const td = tDelta(ts);
    addVjp(ts + td, ys, vT, 1 / (2 * td));
    addVjp(ts - td, ys, vT, -1 / (2 * td));
  }
  obsTape.addAt(0, lambda);
  return res;
}
