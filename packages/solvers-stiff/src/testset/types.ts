import type { ODEProblem } from '@kinetica/ode-core';

/**
 * A problem of the standard stiff test set with its published reference solution at the end of
 * its span (Mazzia & Magherini, "Test Set for IVP Solvers", release 2.4, University of Bari 2008,
 * https://archimede.uniba.it/~testset; Hairer & Wanner, Solving ODEs II, 2nd ed., Springer 1996).
 */
export interface TestProblem {
  /** Short upper-case name used by the test set (ROBER, HIRES, ...). */
  readonly name: string;
  /** The initial value problem, with analytic `jac` and, where useful, `jacSparsity`. */
  readonly problem: Required<Pick<ODEProblem, 'f' | 'jac'>> & ODEProblem;
  /** Reference solution at `tspan[1]`. */
  readonly reference: Float64Array;
  /** Fixed absolute tolerance prescribed for this problem (otherwise atol = rtol). */
  readonly atol?: number;
  /** Components scored by absolute rather than relative error in `scd` (their reference is ~0). */
  readonly scdAbsolute?: readonly number[];
  /** Where the equations and the reference values come from. */
  readonly citation: string;
}
