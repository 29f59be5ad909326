import type { GradientProblem } from './problem';
import type { GradientResult } from './types';

/**
 * Scratch for `observe`; one per gradient.
 */
export interface ObserveWork {
  g: Float64Array;
  f: Float64Array;
}

export function observeWork(n: number): ObserveWork {
  return { g: new Float64Array(n), f: new Float64Array(n) };
}

/**
 * Observation i at state y: adds loss_i to res.loss, writes ∂loss_i/∂y into w.g and
 * dL/dtimes[i] = ∂loss_i/∂y · f(tᵢ, y).
 */
export function observe(
  prob: GradientProblem,
  res: GradientResult,
  i: number,
  y: Float64Array,
  w: ObserveWork,
): void {
  res.loss += prob.obs.loss(i, y);
  prob.obs.lossGrad(i, y, w.g);
  prob.model.f(prob.times[i]!, y, prob.p, w.f);
  res.stats.nfev.forward++;
  let d = 0;
  for (let j = 0; j < y.length; j++) d += w.g[j]! * w.f[j]!;
  res.dtimes[i] = d;
}
