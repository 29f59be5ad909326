import type { Eigenvalues } from '../linalg/eigen';

/** Linear stability of an equilibrium. */
export type Stability = 'stable' | 'unstable' | 'marginal';

/**
 * Classify from the eigenvalues of the (reduced) Jacobian: stable when every real part is below
 * −tol·max(ρ, 1), unstable when one exceeds +tol·max(ρ, 1), marginal otherwise (a bifurcation
 * point, or a zero left by an undeclared conservation law).
 */
export function classifyStability(ev: Eigenvalues, tol = 1e-9): Stability {
  let rho = 0;
  for (let i = 0; i < ev.re.length; i++) rho = Math.max(rho, Math.hypot(ev.re[i]!, ev.im[i]!));
  const eps = tol * Math.max(rho, 1);
  const maxRe = ev.re.length > 0 ? ev.re[0]! : Number.NEGATIVE_INFINITY;
  if (maxRe < -eps) return 'stable';
  if (maxRe > eps) return 'unstable';
  return 'marginal';
}
