import {
  type AnyODEProblem,
  explicitMethodNames,
  isExplicitMethod,
  type MethodName,
  type PreparedSolve,
  prepareSolve,
  type Solution,
  type SolveOptions,
  type StiffMethodName,
  solve as solveExplicit,
} from '@kinetica/ode-core';
import { auto } from './auto';
import { bdf } from './implicit/bdf';
import { radau5 } from './implicit/radau5';
import { integrateRosenbrock } from './rosenbrock/integrate';
import { rodas5Stepper } from './rosenbrock/rodas5';
import { ros23Stepper } from './rosenbrock/ros23';

/** `positivityRescue`: false when the user set `nonnegative: false` (see `PositivityGuard`). */
type StiffIntegrator = (prep: PreparedSolve, positivityRescue: boolean) => Solution;

const stiffMethods: Readonly<Record<string, StiffIntegrator>> = Object.freeze({
  radau5: (prep, positivityRescue) => radau5(prep, { positivityRescue }),
  bdf: (prep, positivityRescue) => bdf(prep, { positivityRescue }),
  rodas5: (prep, positivityRescue) => integrateRosenbrock(prep, rodas5Stepper, { positivityRescue }),
  ros23: (prep, positivityRescue) => integrateRosenbrock(prep, ros23Stepper, { positivityRescue }),
  auto: (prep, positivityRescue) => auto(prep, { positivityRescue }),
} satisfies Record<StiffMethodName, StiffIntegrator>);

/** Method names `solve` runs here; every other name goes to ode-core's explicit methods. */
export const stiffMethodNames: readonly StiffMethodName[] = Object.freeze(
  Object.keys(stiffMethods).filter(isStiffMethod),
);

/** True when `name` is one of the methods `solve` runs here (a type guard for user input). */
export function isStiffMethod(name: string): name is StiffMethodName {
  return Object.hasOwn(stiffMethods, name);
}

/** True when `name` is any method `solve` accepts, explicit or stiff (a type guard for user input). */
export function isMethodName(name: string): name is MethodName {
  return isExplicitMethod(name) || isStiffMethod(name);
}

/**
 * Solve y' = f(t, y) (or a `ParametricProblem`'s y' = f(t, y, p)) on tspan with any Kinetica
 * method (default 'auto'): explicit names ('dopri5', 'tsit5', 'bs3', 'rk4', …) go to ode-core's
 * Runge–Kutta loop; 'radau5', 'bdf', 'rodas5', 'ros23' and 'auto' run here. Invalid input throws a
 * one-line TypeError/RangeError; solver failures come back as `status: 'failed'` with a message naming t.
 *
 * `nonnegative` is three-way for the stiff methods: unset, a collapse that follows a sign change of
 * a component that was non-negative at t0 is rescued (see `PositivityGuard`, `stats.rescues`);
 * true clamps every component after every step; false turns the rescue off.
 */
export function solve(problem: AnyODEProblem, options: SolveOptions = {}): Solution {
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
  return integrator(prepareSolve(problem, options), options.nonnegative !== false);
}
