import { integrateExplicit } from './explicit/integrate';
import { explicitMethodNames, getExplicitTableau, isExplicitMethod } from './explicit/registry';
import { prepareSolve } from './problem/prepare';
import type { AnyODEProblem, Solution, SolveOptions } from './types';

const STIFF_NAMES = new Set(['radau5', 'bdf', 'rodas5', 'ros23', 'auto']);

/**
 * Solve an initial value problem with an explicit Runge–Kutta method (default 'dopri5').
 * Invalid arguments throw a TypeError/RangeError; solver failures return `status: 'failed'`.
 * Stiff methods and 'auto' live in `@kinetica/solvers-stiff`, whose `solve` accepts these names too.
 */
export function solve(problem: AnyODEProblem, options: SolveOptions = {}): Solution {
  const method = options?.method ?? 'dopri5';
  if (typeof method !== 'string') throw new TypeError('solve: options.method must be a string');
  if (!isExplicitMethod(method)) {
    if (STIFF_NAMES.has(method)) {
      throw new RangeError(
        `solve: method '${method}' is a stiff method; use solve from @kinetica/solvers-stiff`,
      );
    }
    throw new RangeError(`solve: unknown method '${method}' (known: ${explicitMethodNames.join(', ')})`);
  }
  const tableau = getExplicitTableau(method);
  return integrateExplicit(prepareSolve(problem, options), tableau);
}
