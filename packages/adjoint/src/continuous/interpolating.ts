import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import { mergeStops } from '../stops';
import type { GradientResult } from '../types';
import { forwardSolve } from '../forward-solve';
import { adjointSystem } from './adjoint-systems';
import { backwardIntegrator, sweepBack } from './backward-sweep';
import { denseVectorsPerStep } from './dense-size';
import { spanInterpolant } from './dense-span';
import { observe, observeWork } from '../observe';

/**
 * 'interpolating': the forward solution is kept as dense output over the whole span and the
 * adjoint a' = −aᵀ∂f/∂y(t, y(t)) is integrated backwards against it. Memory O(steps).
 */
export function interpolatingGradient(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'interpolating');
  const { n, np, t0, times } = prob;
  const stats = res.stats;
  const nobs = times.length;
  const tEnd = times[nobs - 1]!;
  const fw = forwardSolve(prob, t0, prob.y0, tEnd, { saveAt: times, dense: true }, stats);
  if (fw.status !== 'success') return failResult(res, `forward solve: ${fw.message}`);
  stats.peakStoredStates = (stats.steps.forward + 1) * denseVectorsPerStep(prob.method) + nobs;
  const w = observeWork(n);
  for (let i = 0; i < nobs; i++) observe(prob, res, i, fw.y[i]!, w);

  const at = spanInterpolant(fw.at!, t0, tEnd);
  const x = new Float64Array(n);
  const q = new Float64Array(np);
  const integ = backwardIntegrator(
    prob,
    adjointSystem(prob, stats, at),
    new Float64Array(n).fill(prob.adjointAtol),
    stats,
  );
  const addObs = (i: number) => {
    prob.obs.lossGrad(i, fw.y[i]!, w.g);
    for (let j = 0; j < n; j++) x[j]! += w.g[j];
  };
  addObs(nobs - 1);
  const stops = mergeStops(prob);
  const r = sweepBack(integ, x, q, tEnd, t0, stops, (k) => {
    const i = stops.obs[k]!;
    if (i >= 0) addObs(i);
    return undefined;
  });
  if (!r.ok) return failResult(res, r.message);
  // (With the single observation at t0, addObs(nobs − 1) above has counted it already.)
  if (times[0] === t0 && nobs > 1) addObs(0);
  res.dy0.set(x);
  for (let k = 0; k < np; k++) res.dp[k] = -q[k]!;
  return res;
}
