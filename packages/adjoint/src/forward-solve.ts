import type { AnyODEProblem, ParametricProblem, Solution, SolveOptions } from '@kinetica/ode-core';
import { solve } from '@kinetica/solvers-stiff';
import type { GradientProblem } from './problem';
import type { GradientStats } from './types';

/**
 * `solve`, and for a span of zero length (every observation at t0) the solution that stays at
 * y0, where `solve` rejects the span: the gradient of a loss at t0 alone is a valid request.
 */
export function solveSpan(problem: AnyODEProblem, options: SolveOptions): Solution {
  const [t0, t1] = problem.tspan as readonly [number, number];
  if (t0 !== t1) return solve(problem, options);
  const y0 = Float64Array.from(problem.y0);
  const saveAt = options.saveAt === undefined ? [t0] : Array.from(options.saveAt);
  const sol: Solution = {
    status: 'success',
    message: '',
    t: Float64Array.from(saveAt),
    y: saveAt.map(() => y0.slice()),
    stats: { nfev: 0, njev: 0, nlu: 0, nsteps: 0, naccept: 0, nreject: 0 },
    events: [],
    method: options.method ?? 'dopri5',
  };
  if (options.dense) {
    sol.at = (t, out) => {
      if (t !== t0) throw new RangeError(`sol.at: t=${t} is outside the integrated span [${t0}, ${t1}]`);
      const res = out ?? new Float64Array(y0.length);
      res.set(y0);
      return res;
    };
  }
  return sol;
}

/** Forward solve of the state from (t, y) to tEnd with the gradient's method and tolerances. */
export function forwardSolve(
  prob: GradientProblem,
  t: number,
  y: Float64Array,
  tEnd: number,
  extra: { saveAt?: Float64Array; dense?: boolean },
  stats: GradientStats,
): Solution {
  const tstops = prob.tstops.filter((s) => s > t && s < tEnd);
  const { model } = prob;
  const problem: ParametricProblem = { f: model.f, p: prob.p, y0: y, tspan: [t, tEnd] };
  if (model.jac !== undefined) problem.jac = model.jac;
  const sol = solveSpan(problem, {
    method: prob.method,
    rtol: prob.rtol,
    atol: prob.atol,
    hmax: prob.hmax,
    maxSteps: prob.maxSteps,
    ...(prob.h0 !== undefined ? { h0: prob.h0 } : {}),
    ...(tstops.length > 0 ? { tstops } : {}),
    ...(extra.saveAt ? { saveAt: extra.saveAt } : {}),
    ...(extra.dense ? { dense: true } : {}),
  });
  stats.nfev.forward += sol.stats.nfev;
  stats.njev += sol.stats.njev;
  stats.steps.forward += sol.stats.naccept;
  return sol;
}
