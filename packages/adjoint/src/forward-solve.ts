import type { Solution } from '@kinetica/ode-core';
import type { GradientProblem } from './problem';
import { solveAny } from './solver';
import type { GradientStats } from './types';

/** The model's state equation as an `ODEProblem` right-hand side with p bound. */
export function stateRhs(prob: GradientProblem): (t: number, y: Float64Array, dydt: Float64Array) => void {
  const { model, p } = prob;
  return (t, y, dydt) => model.f(t, y, p, dydt);
}

/** ∂f/∂y of the model with p bound, for implicit forward solves. */
export function stateJac(
  prob: GradientProblem,
): ((t: number, y: Float64Array, J: Float64Array) => void) | undefined {
  const { model, p } = prob;
  const jac = model.jac;
  return jac ? (t, y, J) => jac.call(model, t, y, p, J) : undefined;
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
  const jac = stateJac(prob);
  const sol = solveAny(
    { f: stateRhs(prob), y0: y, tspan: [t, tEnd], ...(jac ? { jac } : {}) },
    {
      method: prob.method,
      rtol: prob.rtol,
      atol: prob.atol,
      hmax: prob.hmax,
      maxSteps: prob.maxSteps,
      ...(prob.h0 !== undefined ? { h0: prob.h0 } : {}),
      ...(tstops.length > 0 ? { tstops } : {}),
      ...(extra.saveAt ? { saveAt: extra.saveAt } : {}),
      ...(extra.dense ? { dense: true } : {}),
    },
  );
  stats.nfev.forward += sol.stats.nfev;
  stats.njev += sol.stats.njev;
  stats.steps.forward += sol.stats.naccept;
  return sol;
}
