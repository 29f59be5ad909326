import type { ReverseSweep } from '../tape/tape';
import { combine } from './runge-kutta';
import type { ExplicitTableau } from './tableau';

/**
 * The number of leading stages whose values reach y_{n+1}; FSAL's last stage only feeds the error
 * estimate. The last of them is the last stage with a non-zero weight b_i: a stage reaches y_{n+1}
 * through its weight or through a later stage that does, so the last one that does has a weight.
 */
export function neededStages(tab: ExplicitTableau): number {
  let s = tab.stages;
  while (s > 0 && tab.b[s - 1] === 0) s--;
  return s;
}

/**
 * The transposed explicit Runge–Kutta step, run over the steps `integrateExplicit` recorded
 * (start state y and stage derivatives k_0 … k_{S−2}, S the stages reaching y_{n+1}). Stage states
 * are rebuilt with the forward's own arithmetic, so each vjp is taken at exactly the point f was.
 *
 * Forward: Y_i = y + h Σ_j a_ij k_j, k_i = f(t + c_i h, Y_i), y_{n+1} = y + h Σ b_i k_i.
 * Reverse: k̄_i = h b_i λ + Σ_{j>i} h a_ji Ȳ_j, (Ȳ_i, p̄ +=) = vjp(Y_i, k̄_i), λ ← λ + Σ_i Ȳ_i.
 * Step sizes are constants of the computed solution (torchdiffeq, diffrax and SciML do the same).
 */
export function explicitReverse(tab: ExplicitTableau): ReverseSweep {
  const sNeed = neededStages(tab);
  const { a, b, c } = tab;
  return (tape, ctx) => {
    const { n, lambda } = ctx;
    const Ybar = Array.from({ length: sNeed }, () => new Float64Array(n));
    const K = Array.from({ length: Math.max(0, sNeed - 1) }, () => new Float64Array(n));
    const y = new Float64Array(n);
    const ys = new Float64Array(n);
    const kbar = new Float64Array(n);
    for (let step = tape.steps - 1; step >= 0; step--) {
      ctx.atStepEnd(tape.tNew[step]!);
      const t = tape.t[step]!;
      const h = tape.h[step]!;
      const data = tape.data;
      let off = tape.start(step);
      for (let i = 0; i < n; i++) y[i] = data[off + i]!;
      for (let j = 0; j < sNeed - 1; j++) {
        off += n;
        const kj = K[j]!;
        for (let i = 0; i < n; i++) kj[i] = data[off + i]!;
      }
      for (let st = sNeed - 1; st >= 0; st--) {
        const hb = h * b[st]!;
        for (let i = 0; i < n; i++) {
          let acc = hb * lambda[i]!;
          for (let j = st + 1; j < sNeed; j++) acc += h * a[j]![st]! * Ybar[j]![i]!;
          kbar[i] = acc;
        }
        // Y_st exactly as RungeKuttaStepper built it (a[st] has st entries).
        combine(y, h, a[st]!, K, ys, n);
        ctx.vjpAdd(t + c[st]! * h, ys, kbar, Ybar[st]!);
      }
      for (let st = 0; st < sNeed; st++) {
        const yb = Ybar[st]!;
        for (let i = 0; i < n; i++) lambda[i]! += yb[i];
      }
    }
    return '';
  };
}
