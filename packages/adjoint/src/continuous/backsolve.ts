import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import { mergeStops } from '../stops';
import type { GradientResult } from '../types';
import { forwardSolve } from '../forward-solve';
import { adjointSystem } from './adjoint-systems';
import { backwardIntegrator, sweepBack } from './backward-sweep';
import { observe, observeWork } from '../observe';

/**
 * 'backsolve': the continuous adjoint integrated backwards together with the state, x = [y, a].
 * Only the states at the observation times are kept from the forward solve; at each one the
 * backward state is reset to the stored value (which stops the drift of integrating y backwards)
 * and the loss gradient is added to a.
 *
 * Integrating a stiff state backwards is unstable (its fast modes grow backwards in time; Kim et
 * al. 2021, "Stiff neural ordinary differential equations"): on such problems the backward solve
 * fails and the result says so. Use 'interpolating' or 'checkpointed' there.
 */
export function backsolveGradient(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'backsolve');
  const { n, np, t0, times } = prob;
  const stats = res.stats;
  const nobs = times.length;
  const tEnd = times[nobs - 1]!;
  const fw = forwardSolve(prob, t0, prob.y0, tEnd, { saveAt: times }, stats);
  if (fw.status !== 'success') return failResult(res, `forward solve: ${fw.message}`);
  stats.peakStoredStates = nobs;
  const w = observeWork(n);
  for (let i = 0; i < nobs; i++) observe(prob, res, i, fw.y[i]!, w);

  const x = new Float64Array(2 * n);
  const q = new Float64Array(np);
  const atol = new Float64Array(2 * n);
  atol.set(prob.atol);
  atol.fill(prob.adjointAtol, n);
  const integ = backwardIntegrator(prob, adjointSystem(prob, stats, undefined), atol, stats);
  const addObs = (i: number) => {
    x.set(fw.y[i]!, 0);
    prob.obs.lossGrad(i, fw.y[i]!, w.g);
    for (let j = 0; j < n; j++) x[n + j]! += w.g[j];
  };
  addObs(nobs - 1);
  const stops = mergeStops(prob);
  const r = sweepBack(integ, x, q, tEnd, t0, stops, (k) => {
    const i = stops.obs[k]!;
    if (i >= 0) addObs(i);
  });
  if (!r.ok) return failResult(res, r.message);
  for (let j = 0; j < n; j++) res.dy0[j] = x[n + j]!;
  if (times[0] === t0) {
    prob.obs.lossGrad(0, prob.y0, w.g);
    for (let j = 0; j < n; j++) res.dy0[j]! += w.g[j];
  }
  for (let k = 0; k < np; k++) res.dp[k] = -q[k]!;
  return res;
}
