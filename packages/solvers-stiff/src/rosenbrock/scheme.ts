import type { RhsFunction, StepInterpolant } from '@kinetica/ode-core';
import type { StepTape } from '@kinetica/ode-core/reverse';
import type { LinearSolver } from '../linalg/linear-solver';

/**
 * One Rosenbrock–Wanner method with its workspace for a solve. The shared loop
 * (`integrateRosenbrock`) factors (1/(h·γ))·I − J before each attempt and hands the solver in.
 */
export interface RosenbrockStepper {
  readonly name: string;
  /** Order q of the local error estimate (the controller uses exponents ∝ 1/(q+1)). */
  readonly errorOrder: number;
  /**
   * The local error test runs at this fraction of the user's rtol and atol (the method's tolerance
   * calibration, so that the achieved accuracy follows rtol; default 1).
   */
  readonly toleranceScale?: number;
  /** Diagonal coefficient γ of the method. */
  readonly gamma: number;
  /** Continuous extension of the last accepted step, valid after `accept`. */
  readonly interpolant: StepInterpolant;
  /**
   * Attempt the step (t, y) → t + h: `fy` = f(t, y), `dT` = ∂f/∂t at (t, y), `W` factored for h.
   * Writes the solution into `yNew` and the local error estimate into `err`.
   */
  attempt(
    t: number,
    y: Float64Array,
    fy: Float64Array,
    dT: Float64Array,
    h: number,
    W: LinearSolver,
    yNew: Float64Array,
    err: Float64Array,
  ): void;
  /** Record the accepted step (builds the dense output from the stages of the last attempt). */
  accept(t: number, h: number, y: Float64Array, yNew: Float64Array): void;
  /** f(t + h, yNew) when the method computed it during `attempt` (FSAL), else undefined. */
  readonly fsal?: Float64Array;
  /** Append the stages of the last attempt to an open tape record (methods with a transposed step). */
  record?(tape: StepTape): void;
}

export type RosenbrockFactory = (n: number, f: RhsFunction) => RosenbrockStepper;
