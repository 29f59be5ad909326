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
 * Integrating a dissipative or stiff state backwards is unstable (its contracting modes grow
 * backwards in time; Kim et al. 2021, "Stiff neural ordinary differential equations"). The
 * distance between the backward state and the stored one at each reset (and y0 at t0) is
 * measured: `stats.backsolveDrift`, and beyond `maxDrift` the result fails rather than return a
 * gradient taken along the wrong trajectory. On stiff problems the backward solve itself usually
 * fails first. Use 'interpolating' or 'checkpointed' there.
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
  const integ = backwardIntegrator(prob, adjointSystem(prob, stats, undefined), atol, stats, {
    aFrom: n,
    storedState: false,
  });
  // Drift of the backward state from the forward one where it is reset (tolerance units).
  const measureDrift = (yFw: Float64Array, t: number): string | undefined => {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d =
        (x[j]! - yFw[j]!) / (prob.atol[j]! + prob.rtol * Math.max(Math.abs(x[j]!), Math.abs(yFw[j]!)));
      s += d * d;
    }
    const rms = Math.sqrt(s / n);
    stats.backsolveDrift = Math.max(
      stats.backsolveDrift ?? 0,
      Number.isNaN(rms) ? Number.POSITIVE_INFINITY : rms,
    );
    if (!(rms <= prob.maxDrift)) {
      return (
        `backsolve: the state integrated backwards drifted ${rms.toPrecision(3)} tolerances from the ` +
        `forward state at t=${t} (maxDrift ${prob.maxDrift}); use 'interpolating' or 'checkpointed'`
      );
    }
    return undefined;
  };
  const addObs = (i: number) => {
    x.set(fw.y[i]!, 0);
    prob.obs.lossGrad(i, fw.y[i]!, w.g);
    for (let j = 0; j < n; j++) x[n + j]! += w.g[j];
  };
  addObs(nobs - 1);
  const stops = mergeStops(prob);
  const r = sweepBack(integ, x, q, tEnd, t0, stops, (k) => {
    const i = stops.obs[k]!;
    if (i < 0) return undefined;
    const stop = measureDrift(fw.y[i]!, times[i]!);
    addObs(i);
    return stop;
  });
  if (!r.ok) return failResult(res, r.message);
  const stop = measureDrift(prob.y0, t0);
  if (stop !== undefined) return failResult(res, stop);
  for (let j = 0; j < n; j++) res.dy0[j] = x[n + j]!;
  // (With the single observation at t0, addObs(nobs − 1) above has counted it already.)
  if (times[0] === t0 && nobs > 1) {
    prob.obs.lossGrad(0, prob.y0, w.g);
    for (let j = 0; j < n; j++) res.dy0[j]! += w.g[j];
  }
  for (let k = 0; k < np; k++) res.dp[k] = -q[k]!;
  return res;
}
