import type { ReverseSweep } from '@kinetica/ode-core/reverse';
import { timeIncrement } from '../jacobian/time-derivative';
import { DenseLU } from '../linalg/dense-lu';
import { zeroClamped } from '../tape-clamps';
import { RODAS5P_TABLEAU } from './rodas5p-tableau';

const { gamma: GAMMA, a: A_ROWS, c: C_ROWS, ct: CT } = RODAS5P_TABLEAU;
const S = 8;
const D = [...RODAS5P_TABLEAU.d, 0, 0, 0];
/** Â (S×S): u_s = y + Σ_j Â_sj k_j, with the stiffly accurate tail u_7 = u_6 + k_6 … folded in; B likewise for y_{n+1}. */
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
 * The transposed Rodas5 step over what `rodas5Stepper` recorded (y and the eight stages k_s),
 * with the step sizes of the forward solve held fixed. Forward (solve's arithmetic):
 * W = I/(hγ) − J(t, y), W k_s = f(t + c_s h, u_s) + h d_s ∂f/∂t + Σ_j (ĉ_sj/h) k_j, u_s = y + Σ_j â_sj k_j,
 * y_{n+1} = y + Σ b_s k_s, with ∂f/∂t the forward difference `timeDerivative` takes.
 * Reverse: w_s = W⁻ᵀ k̄_s from the last stage down; w_s feeds f's vjp at u_s, the ĉ and â couplings,
 * ∂f/∂t, and W's dependence on (y, p) through J: ∂(w_sᵀ J k_s)/∂(y, p), a second derivative taken as
 * a central difference of vjp along k_s (so the result is exact to about 1e-9 relative, not round-off).
 * Components a positivity rescue clamped (listed after the stages, see `pushClamps`) get a zero
 * cotangent.
 */
export const rodas5Reverse: ReverseSweep = (tape, ctx) => {
  const { n, lambda } = ctx;
  const J = new Float64Array(n * n);
  const W = new Float64Array(n * n);
  const lu = new DenseLU(n);
  const K = Array.from({ length: S }, () => new Float64Array(n));
  const kbar = Array.from({ length: S }, () => new Float64Array(n));
  const wS = Array.from({ length: S }, () => new Float64Array(n));
  const y = new Float64Array(n);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const vT = new Float64Array(n);
  const yb = new Float64Array(n);
  const ybar = new Float64Array(n);
  /** ȳ += scale·vᵀ∂f/∂y at (t, at), p̄ += scale·vᵀ∂f/∂p. */
  const addVjp = (t: number, at: Float64Array, w: Float64Array, scale: number) => {
    for (let i = 0; i < n; i++) v[i] = scale * w[i]!;
    ctx.vjpAdd(t, at, v, yb);
    for (let i = 0; i < n; i++) ybar[i]! += yb[i];
  };
  for (let step = tape.steps - 1; step >= 0; step--) {
    ctx.atStepEnd(tape.tNew[step]!);
    const t = tape.t[step]!;
    const h = tape.h[step]!;
    const data = tape.data;
    const off = tape.start(step);
    const clampsFrom = off + (1 + S) * n;
    const clampsTo = tape.start(step + 1);
    const bad = zeroClamped(data, clampsFrom, clampsTo, lambda, true);
    if (bad !== '') return `rodas5 reverse: ${bad} at t=${t}`;
    for (let i = 0; i < n; i++) y[i] = data[off + i]!;
    for (let s = 0; s < S; s++) {
      const ks = K[s]!;
      const o = off + (1 + s) * n;
      for (let i = 0; i < n; i++) ks[i] = data[o + i]!;
    }
    ctx.jac(t, y, J);
    const c = 1 / (h * GAMMA);
    for (let r = 0; r < n; r++) for (let q = 0; q < n; q++) W[r * n + q] = (r === q ? c : 0) - J[q * n + r]!;
    if (!lu.factor(W)) return `singular transposed Rosenbrock matrix at t=${t}`;
    ybar.set(lambda);
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) kbar[s]![i] = B[s]! * lambda[i]!;
    vT.fill(0);
    for (let s = S - 1; s >= 0; s--) {
      const w = wS[s]!;
      w.set(kbar[s]!);
      lu.solve(w);
      for (let j = 0; j < s; j++) {
        const cj = CH[s * S + j]! / h;
        if (cj !== 0) for (let i = 0; i < n; i++) kbar[j]![i]! += cj * w[i]!;
      }
      if (D[s] !== 0) for (let i = 0; i < n; i++) vT[i]! += h * D[s]! * w[i]!;
      u.set(y);
      for (let j = 0; j < s; j++) {
        const aj = AH[s * S + j]!;
        if (aj !== 0) for (let i = 0; i < n; i++) u[i]! += aj * K[j]![i]!;
      }
      ctx.vjpAdd(t + CT[s]! * h, u, w, yb);
      for (let i = 0; i < n; i++) ybar[i]! += yb[i];
      for (let j = 0; j < s; j++) {
        const aj = AH[s * S + j]!;
        if (aj !== 0) for (let i = 0; i < n; i++) kbar[j]![i]! += aj * yb[i]!;
      }
    }
    // W = I/(hγ) − J(y, p): d(w_sᵀ W k_s) = −w_sᵀ dJ k_s, so each stage adds ∂(w_sᵀ J k_s)/∂(y, p).
    for (let s = 0; s < S; s++) {
      const ks = K[s]!;
      let kn = 0;
      let yn = 0;
      for (let i = 0; i < n; i++) {
        kn = Math.max(kn, Math.abs(ks[i]!));
        yn = Math.max(yn, Math.abs(y[i]!));
      }
      if (kn === 0) continue;
      const eps = (6e-6 * Math.max(yn, 1e-8)) / kn;
      for (let i = 0; i < n; i++) u[i] = y[i]! + eps * ks[i]!;
      addVjp(t, u, wS[s]!, 1 / (2 * eps));
      for (let i = 0; i < n; i++) u[i] = y[i]! - eps * ks[i]!;
      addVjp(t, u, wS[s]!, -1 / (2 * eps));
    }
    // ∂f/∂t was timeDerivative's forward difference (f(t + δ, y) − f(t, y))/δ: the same difference of vjps.
    const dt = timeIncrement(t, h);
    addVjp(t + dt, y, vT, 1 / dt);
    addVjp(t, y, vT, -1 / dt);
    lambda.set(ybar);
    zeroClamped(data, clampsFrom, clampsTo, lambda, false);
  }
  return '';
};
