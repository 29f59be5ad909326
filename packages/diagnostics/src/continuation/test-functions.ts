import type { Eigenvalues } from '../linalg/eigen';

/**
 * Hopf test function ψ_H = Re Π_{i<j} (μ_i + μ_j) over the eigenvalues μ of F_x: it vanishes
 * when a complex pair crosses the imaginary axis (μ, μ̄ with μ + μ̄ = 2 Re μ = 0), the bialternate
 * product criterion (Kuznetsov, Elements of Applied Bifurcation Theory, §10.2). Each factor is
 * divided by 1 + |μ_i| + |μ_j| to keep the product in range without changing its sign. It also
 * vanishes at neutral saddles (real μ_i = −μ_j), which the caller filters out.
 */
export function hopfTestFunction(ev: Eigenvalues): number {
  let re = 1;
  let im = 0;
  const k = ev.re.length;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const a = ev.re[i]! + ev.re[j]!;
      const b = ev.im[i]! + ev.im[j]!;
      const s = 1 + Math.hypot(ev.re[i]!, ev.im[i]!) + Math.hypot(ev.re[j]!, ev.im[j]!);
      const nr = (re * a - im * b) / s;
      im = (re * b + im * a) / s;
      re = nr;
    }
  }
  return re;
}

/** The complex pair closest to the imaginary axis: its real part and angular frequency (NaN if none). */
export function criticalPair(ev: Eigenvalues): { re: number; omega: number } {
  let best = { re: Number.NaN, omega: Number.NaN };
  let rho = 0;
  for (let i = 0; i < ev.re.length; i++) rho = Math.max(rho, Math.hypot(ev.re[i]!, ev.im[i]!));
  for (let i = 0; i < ev.re.length; i++) {
    if (ev.im[i]! > 1e-8 * Math.max(rho, 1) && !(Math.abs(ev.re[i]!) >= Math.abs(best.re))) {
      best = { re: ev.re[i]!, omega: ev.im[i]! };
    }
  }
  return best;
}
