import {
  isExplicitMethod,
  type ODEProblem,
  type Solution,
  type SolveOptions,
  solve as solveExplicit,
} from '@kinetica/ode-core';
import * as stiff from '@kinetica/solvers-stiff';

/** `solve` for any method name: ode-core for the explicit methods, solvers-stiff for the rest. */
export function solveAny(problem: ODEProblem, options: SolveOptions): Solution {
  const method = options.method ?? 'dopri5';
  if (isExplicitMethod(method)) return solveExplicit(problem, options);
  return stiff.solve(problem, options);
}
