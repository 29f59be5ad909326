import type { ParametricProblem, SolveOptions } from '@kinetica/ode-core';
import type { ReverseContext } from '@kinetica/ode-core/reverse';
import { solveTaped } from '@kinetica/solvers-stiff/reverse';
import { ModelJacobians } from '../model/jacobians';
import { observe, observeWork } from '../observe';
import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import type { GradientResult } from '../types';

/**
 * 'discrete' mode: `solve` itself runs forward with its steps recorded (solvers-stiff's
 * `solveTaped`: the same loop, controller and arithmetic, observation times as `saveAt` and
 * `tstops`), the loss is evaluated on the solution it returns, and the method's transposed step
 * runs the recorded steps backwards. So `g.loss` is the loss of `solve`'s solution to the last bit
 * and dp, dy0 are the exact derivatives of that computed solution with its step sizes held fixed
 * (as torchdiffeq, diffrax and SciML do), for every method with a transposed step: explicit
 * Runge–Kutta, radau5, bdf (its NDF) and rodas5.
 */
export function discreteGradient(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'discrete');
  const { model, userModel, n, np, p, t0, times } = prob;
  const stats = res.stats;
  const nobs = times.length;
  const tEnd = times[nobs - 1]!;
  const g = new Float64Array(nobs * n);
  const work = observeWork(n);
  /** Loss, its gradient and dL/dtimes of observation i at state y. */
  const record = (i: number, y: Float64Array) => {
    observe(prob, res, i, y, work);
    g.set(work.g, i * n);
  };

  if (tEnd === t0) {
    // Only an observation at t0: no step to differentiate.
    record(0, Float64Array.from(prob.y0));
    res.dy0.set(g.subarray(0, n));
    return res;
  }

  const problem: ParametricProblem = { f: model.f, y0: prob.y0, p, tspan: [t0, tEnd] };
  if (model.jac !== undefined) problem.jac = model.jac;
  if (model.jacSparsity !== undefined) problem.jacSparsity = model.jacSparsity;
  const options: SolveOptions = {
    method: prob.method,
    rtol: prob.rtol,
    atol: prob.atol,
    saveAt: times,
    tstops: prob.tstops.length === 0 ? times : Float64Array.from([...times, ...prob.tstops]),
    maxSteps: prob.maxSteps,
  };
  if (prob.h0 !== undefined) options.h0 = prob.h0;
  if (Number.isFinite(prob.hmax)) options.hmax = prob.hmax;
  const { solution: sol, tape, reverse } = solveTaped(problem, options);
  stats.nfev.forward += sol.stats.nfev;
  stats.njev += sol.stats.njev;
  stats.steps.forward = sol.stats.naccept;
  if (sol.status !== 'success') return failResult(res, sol.message);
  if (sol.y.length !== nobs) {
    return failResult(res, `internal: the solve returned ${sol.y.length} of ${nobs} observation states`);
  }
  for (let i = 0; i < nobs; i++) record(i, sol.y[i]!);

  const accumulate = userModel.accumulateVjp === true;
  const vJp = new Float64Array(accumulate ? 0 : np);
  const jacs = new ModelJacobians(model, n, np, stats);
  const pbar = res.dp;
  const lambda = res.dy0;
  let next = nobs - 1;
  let misplaced = '';
  const ctx: ReverseContext = {
    n,
    np,
    p,
    lambda,
    pbar,
    vjpAdd(t, y, v, vJy) {
      stats.nvjp++;
      if (accumulate) {
        userModel.vjp(t, y, p, v, vJy, pbar);
        return;
      }
      model.vjp(t, y, p, v, vJy, vJp);
      for (let k = 0; k < np; k++) pbar[k]! += vJp[k];
    },
    jac(t, y, J) {
      jacs.jy(t, y, p, J);
    },
    f(t, y, out) {
      stats.nfev.backward++;
      model.f(t, y, p, out);
    },
    atStepEnd(t) {
      while (next >= 0 && times[next]! >= t) {
        if (times[next] !== t) misplaced = `observation ${next} (t=${times[next]}) is not on a step end`;
        for (let j = 0; j < n; j++) lambda[j]! += g[next * n + j];
        next--;
      }
    },
  };
  const why = reverse(tape, ctx);
  if (why !== '') return failResult(res, why);
  while (next >= 0) {
    // Only an observation at t0 can remain: its gradient reaches y0 directly.
    if (times[next] !== t0) misplaced = `observation ${next} (t=${times[next]}) is not on a step end`;
    for (let j = 0; j < n; j++) lambda[j]! += g[next * n + j];
    next--;
  }
  if (misplaced !== '') return failResult(res, `internal: ${misplaced}`);
  stats.steps.backward = tape.steps;
  stats.peakStoredStates = Math.ceil(tape.used / n) + nobs;
  return res;
}
