import {
  type AnyODEProblem,
  explicitMethodNames,
  getExplicitTableau,
  integrateExplicit,
  isExplicitMethod,
  type MethodName,
  type PreparedSolve,
  prepareSolve,
  type Solution,
  type SolveOptions,
  type StiffMethodName,
} from '@kinetica/ode-core';
import { explicitReverse, type ReverseSweep, StepTape } from '@kinetica/ode-core/reverse';
import { bdf } from './implicit/bdf';
import { bdfReverse } from './implicit/bdf-reverse';
import { radau5 } from './implicit/radau5';
import { radau5Reverse } from './implicit/radau5-reverse';
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

type TapedRun = (prep: PreparedSolve, positivityRescue: boolean) => Solution;

/**
 * The stiff methods whose loops record their steps, with their transposed steps. They run with the
 * positivity rescue exactly as `solve` does: a rescue cuts the tape back to its restart point and
 * records its clamps, which the transposed steps take as zero derivatives of the clamped components.
 */
const stiffTaped = {
  rodas5: {
    run: (prep, positivityRescue) => integrateRosenbrock(prep, rodas5Stepper, { positivityRescue }),
    reverse: rodas5Reverse,
  },
  radau5: { run: (prep, positivityRescue) => radau5(prep, { positivityRescue }), reverse: radau5Reverse },
  bdf: { run: (prep, positivityRescue) => bdf(prep, { positivityRescue }), reverse: bdfReverse },
} satisfies Partial<Record<StiffMethodName, { run: TapedRun; reverse: ReverseSweep }>>;

function isStiffTaped(name: string): name is keyof typeof stiffTaped {
  return Object.hasOwn(stiffTaped, name);
}

/** Methods whose steps can be recorded and run transposed: every explicit one, radau5, bdf, rodas5. */
export const tapedMethodNames: readonly MethodName[] = Object.freeze([
  ...explicitMethodNames,
  ...Object.keys(stiffTaped).filter(isStiffTaped),
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
  if (!isStiffTaped(method)) {
    throw new RangeError(
      `solveTaped: method '${method}' has no transposed step (known: ${tapedMethodNames.join(', ')})`,
    );
  }
  const { run, reverse } = stiffTaped[method];
  return { solution: run(prep, options.nonnegative !== false), tape, reverse };
}
