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
 * 'checkpointed': the forward pass keeps only K states, at t0 + j·(T − t0)/K. Going backwards,
 * each segment is solved again from its checkpoint with dense output and the adjoint integrated
 * against it, so memory is O(K + one segment) at the price of a second forward solve.
 */
export function checkpointedGradient(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'checkpointed');
  const { n, np, t0, times, checkpoints: K } = prob;
  const stats = res.stats;
  const nobs = times.length;
  const tEnd = times[nobs - 1]!;
  const C = Float64Array.from({ length: K + 1 }, (_, j) => (j === K ? tEnd : t0 + (j * (tEnd - t0)) / K));
  const cp: Float64Array[] = [prob.y0];
  if (K > 1) {
    const fw = forwardSolve(prob, t0, prob.y0, C[K - 1]!, { saveAt: C.subarray(1, K) }, stats);
    if (fw.status !== 'success') return failResult(res, `forward solve: ${fw.message}`);
    cp.push(...fw.y);
  }
  const perStep = denseVectorsPerStep(prob.method);
  const w = observeWork(n);
  const x = new Float64Array(n);
  const q = new Float64Array(np);
  let seg: ((t: number, out: Float64Array) => void) | undefined;
  const integ = backwardIntegrator(
    prob,
    adjointSystem(prob, stats, (t, out) => seg!(t, out)),
    new Float64Array(n).fill(prob.adjointAtol),
    stats,
  );
  const stops = mergeStops(prob);
  let io = nobs - 1;
  for (let j = K - 1; j >= 0; j--) {
    const lo = C[j]!;
    const hi = C[j + 1]!;
    let first = io;
    while (first >= 0 && times[first]! > lo) first--;
    const segTimes = times.subarray(first + 1, io + 1);
    const steps0 = stats.steps.forward;
    const saveAt = segTimes.length > 0 ? segTimes : C.subarray(j + 1, j + 2);
    const sol = forwardSolve(prob, lo, cp[j]!, hi, { saveAt, dense: true }, stats);
    if (sol.status !== 'success')
      return failResult(res, `segment [${lo}, ${hi}] recomputation: ${sol.message}`);
    stats.peakStoredStates = Math.max(
      stats.peakStoredStates,
      K + (stats.steps.forward - steps0 + 1) * perStep + segTimes.length,
    );
    seg = spanInterpolant(sol.at!, lo, hi);
    const segY = sol.y;
    const addObs = (i: number) => {
      const y = segY[i - first - 1]!;
      observe(prob, res, i, y, w);
      for (let l = 0; l < n; l++) x[l]! += w.g[l];
    };
    if (io > first && times[io] === hi) addObs(io);
    const r = sweepBack(integ, x, q, hi, lo, stops, (k) => {
      const i = stops.obs[k]!;
      if (i >= 0) addObs(i);
      return undefined;
    });
    if (!r.ok) return failResult(res, r.message);
    io = first;
  }
  if (io === 0 && times[0] === t0) {
    observe(prob, res, 0, prob.y0, w);
    for (let l = 0; l < n; l++) x[l]! += w.g[l];
  }
  res.dy0.set(x);
  for (let k = 0; k < np; k++) res.dp[k] = -q[k]!;
  return res;
}
