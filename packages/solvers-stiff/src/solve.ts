import {
  explicitMethodNames,
  isExplicitMethod,
  type ODEProblem,
  type PreparedSolve,
  prepareSolve,
  type Solution,
  type SolveOptions,
  solve as solveExplicit,
} from '@kinetica/ode-core';
import { auto } from './auto';
import { bdf } from './implicit/bdf';
import { radau5 } from './implicit/radau5';
import { integrateRosenbrock } from './rosenbrock/integrate';
import { rodas5Stepper } from './rosenbrock/rodas5';
import { ros23Stepper } from './rosenbrock/ros23';

type StiffIntegrator = (prep: PreparedSolve) => Solution;

const stiffMethods: Readonly<Record<string, StiffIntegrator>> = Object.freeze({
  radau5: (prep) => radau5(prep),
  bdf: (prep) => bdf(prep),
  rodas5: (prep) => integrateRosenbrock(prep, rodas5Stepper),
  ros23: (prep) => integrateRosenbrock(prep, ros23Stepper),
  auto: (prep) => auto(prep),
});

/** Method names `solve` runs here; every other name goes to ode-core's explicit methods. */
export const stiffMethodNames: readonly string[] = Object.freeze(Object.keys(stiffMethods));

/**
 * Solve y' = f(t, y) on tspan with any Kinetica method (default 'auto'): explicit names
 * ('dopri5', 'tsit5', 'bs3', 'rk4', …) go to ode-core's Runge–Kutta loop; 'radau5', 'bdf',
 * 'rodas5', 'ros23' and 'auto' run here. Invalid input throws a one-line TypeError/RangeError;
 * solver failures come back as `status: 'failed'` with a message naming t.
 */
export function solve(problem: ODEProblem, options: SolveOptions = {}): Solution {
  if (options === null || typeof options !== 'object')
    throw new TypeError('solve: options must be an object');
  const method = options.method ?? 'auto';
  if (typeof method !== 'string') throw new TypeError('solve: options.method must be a string');
  if (isExplicitMethod(method)) return solveExplicit(problem, { ...options, method });
  const integrator = stiffMethods[method];
  if (integrator === undefined) {
    const known = [...explicitMethodNames, ...stiffMethodNames].join(', ');
    throw new RangeError(`solve: unknown method '${method}' (known: ${known})`);
  }
  return integrator(prepareSolve(problem, options));
}
