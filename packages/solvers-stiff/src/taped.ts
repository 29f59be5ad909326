import {
  type AnyODEProblem,
  type MethodName,
  explicitReverse,
  getExplicitTableau,
  integrateExplicit,
  isExplicitMethod,
  prepareSolve,
  type ReverseSweep,
  type Solution,
  type SolveOptions,
  StepTape,
} from '@kinetica/ode-core';
import { bdf, bdfReverse } from './implicit/bdf';
import { radau5, radau5Reverse } from './implicit/radau5';
import { integrateRosenbrock } from './rosenbrock/integrate';
import { rodas5Stepper } from './rosenbrock/rodas5';
import { rodas5Reverse } from './rosenbrock/rodas5-reverse';

/** A solve together with the record of its accepted steps and the sweep that runs them transposed. */
export interface TapedSolve {
  /** Exactly what `solve(problem, options)` returns. */
  solution: Solution;
  tape: StepTape;
  /** The method's transposed step, run over `tape` (the discrete adjoint of this very solve). */
  reverse: ReverseSweep;
}

/** Methods whose steps can be recorded and run transposed. */
export const tapedMethodNames: readonly MethodName[] = Object.freeze([
  'euler',
  'rk4',
  'bs3',
  'dopri5',
  'tsit5',
  'dop853',
  'radau5',
  'bdf',
  'rodas5',
]);

/**
 * `solve` with every accepted step recorded: the same loop, steps and arithmetic as `solve`, so
 * the solution is identical; `reverse` then runs the recorded steps transposed, which is how
 * `odeGradient`'s 'discrete' mode differentiates exactly the trajectory `solve` returns.
 * Throws a RangeError for a method without a transposed step ('auto', 'ros23') or with `nonnegative`.
 */
export function solveTaped(problem: AnyODEProblem, options: SolveOptions = {}): TapedSolve {
  const method = options.method ?? 'auto';
  if (options.nonnegative === true) {
    // Clamping is not a differentiable step: the transposed steps would ignore it.
    throw new RangeError(
      'solveTaped: options.nonnegative cannot be taped (the clamp has no transposed step)',
    );
  }
  const prep = prepareSolve(problem, options);
  const tape = new StepTape(64, 4 * prep.n);
  prep.tape = tape;
  if (isExplicitMethod(method)) {
    const tableau = getExplicitTableau(method);
    return { solution: integrateExplicit(prep, tableau), tape, reverse: explicitReverse(tableau) };
  }
  switch (method) {
    case 'rodas5':
      return { solution: integrateRosenbrock(prep, rodas5Stepper), tape, reverse: rodas5Reverse };
    case 'radau5':
      return { solution: radau5(prep), tape, reverse: radau5Reverse };
    case 'bdf':
      return { solution: bdf(prep), tape, reverse: bdfReverse };
    default:
      throw new RangeError(
        `solveTaped: method '${method}' has no transposed step (known: ${tapedMethodNames.join(', ')})`,
      );
  }
}
