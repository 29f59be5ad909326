import type { ReverseSweep } from '@kinetica/ode-core/reverse';
import { DenseLU } from '../linalg/dense-lu';
import { zeroClamped } from '../tape-clamps';
import { C1, C2, RADAU5_A } from './radau5-tableau';

/**
 * The transposed Radau IIA step over what `radau5` recorded (y_n and the stage increments
 * z_1, z_2, z_3 of each accepted step), the collocation equations taken as exactly solved
 * (implicit function theorem) and the step sizes as constants of the computed solution.
 *
 * Forward: G(Z; y_n, p) = Z − h(A⊗I)F(y_n + Z) = 0 with F_j = f(t_j, y_n + z_j) at
 * t_j = t + C1·h, t + C2·h, t_{n+1}; y_{n+1} = y_n + z_3.
 * Reverse, with λ = ∂L/∂y_{n+1}: solve (∂G/∂Z)ᵀ μ = e₃⊗λ, whose block (i, j) is
 * δᵢⱼI − h a_ji J_iᵀ with J_i = ∂f/∂y at stage i; then ν_j = h Σᵢ aᵢⱼ μᵢ and
 * λ ← λ + Σⱼ ν_jᵀ∂f/∂y(Y_j), p̄ += Σⱼ ν_jᵀ∂f/∂p(Y_j): three Jacobians, one 3n×3n LU and three vjps
 * per step. Components a positivity rescue clamped (listed after the stage increments, see
 * `pushClamps`) get a zero cotangent.
 */
export const radau5Reverse: ReverseSweep = (tape, ctx) => {
  const { n, lambda } = ctx;
  const n3 = 3 * n;
  const A = RADAU5_A;
  const Js = [new Float64Array(n * n), new Float64Array(n * n), new Float64Array(n * n)];
  const Y = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const ts = new Float64Array(3);
  const M = new Float64Array(n3 * n3);
  const lu = new DenseLU(n3);
  const mu = new Float64Array(n3);
  const nu = new Float64Array(n);
  const vJy = new Float64Array(n);
  const ybar = new Float64Array(n);
  for (let step = tape.steps - 1; step >= 0; step--) {
    const tNew = tape.tNew[step]!;
    ctx.atStepEnd(tNew);
    const t = tape.t[step]!;
    const h = tape.h[step]!;
    const data = tape.data;
    const off = tape.start(step);
    const clampsFrom = off + 4 * n;
    const clampsTo = tape.start(step + 1);
    const bad = zeroClamped(data, clampsFrom, clampsTo, lambda, true);
    if (bad !== '') return `radau5 reverse: ${bad} at t=${t}`;
    // Stage values and times exactly as radau5's Newton iteration formed them.
    ts[0] = t + C1 * h;
    ts[1] = t + C2 * h;
    ts[2] = tNew;
    for (let j = 0; j < 3; j++) {
      const Yj = Y[j]!;
      const oz = off + (1 + j) * n;
      for (let i = 0; i < n; i++) Yj[i] = data[off + i]! + data[oz + i]!;
      ctx.jac(ts[j]!, Yj, Js[j]!);
    }
    // (∂G/∂Z)ᵀ: block (bi, bj) = δ I − h a_{bj,bi} J_biᵀ.
    for (let bi = 0; bi < 3; bi++) {
      const Ji = Js[bi]!;
      for (let bj = 0; bj < 3; bj++) {
        const ha = h * A[bj * 3 + bi]!;
        for (let r = 0; r < n; r++) {
          const row = (bi * n + r) * n3 + bj * n;
          for (let c = 0; c < n; c++) M[row + c] = (bi === bj && r === c ? 1 : 0) - ha * Ji[c * n + r]!;
        }
      }
    }
    if (!lu.factor(M)) return `radau5: singular transposed collocation matrix at t=${t}`;
    mu.fill(0);
    mu.set(lambda, 2 * n);
    lu.solve(mu);
    let finite = true;
    for (let i = 0; i < n3; i++) if (!Number.isFinite(mu[i]!)) finite = false;
    if (!finite) return `radau5: NaN or Inf in the transposed collocation solve at t=${t}`;
    ybar.set(lambda);
    for (let j = 0; j < 3; j++) {
      const a0 = h * A[j]!;
      const a1 = h * A[3 + j]!;
      const a2 = h * A[6 + j]!;
      for (let i = 0; i < n; i++) nu[i] = a0 * mu[i]! + a1 * mu[n + i]! + a2 * mu[2 * n + i]!;
      ctx.vjpAdd(ts[j]!, Y[j]!, nu, vJy);
      for (let i = 0; i < n; i++) ybar[i] = ybar[i]! + vJy[i]!;
    }
    lambda.set(ybar);
    zeroClamped(data, clampsFrom, clampsTo, lambda, false);
  }
  return '';
};
