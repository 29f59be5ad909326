import type { MethodName, ParametricProblem, VjpFunction } from '@kinetica/ode-core';

/**
 * Public types of `odeGradient`: a parameterised model, the observations a loss is built from,
 * the options that pick a gradient method, and the result with its cost counters.
 */

/**
 * A parameterised vector field dy/dt = f(t, y, p) with its vector–Jacobian products: ode-core's
 * `ParametricProblem` with `vjp` and `t0` required (the observations end the span).
 * Every array argument is caller-owned scratch: write results into the outputs, keep no reference.
 */
export interface GradientModel extends ParametricProblem {
  /** Write vJy = vᵀ ∂f/∂y (length n) and vJp = vᵀ ∂f/∂p (length p); overwrite, do not accumulate. */
  vjp: VjpFunction;
  /** Initial time. */
  t0: number;
}

/** The loss L = Σᵢ loss(i, y(times[i])). */
export interface Observations {
  /** Observation times, strictly increasing, the first ≥ t0 (a loss at t0 only reaches dy0). */
  times: ArrayLike<number>;
  /** Contribution of observation i given the state y at times[i]. */
  loss(i: number, y: Float64Array): number;
  /** Write ∂loss_i/∂y into `out` (overwrite). */
  lossGrad(i: number, y: Float64Array, out: Float64Array): void;
}

/**
 * How the gradient is computed.
 * - 'discrete': backpropagation through the accepted steps (exact gradient of the computed solution).
 * - 'backsolve': continuous adjoint integrated backwards together with the state.
 * - 'interpolating': dense forward solution stored, adjoint integrated against it.
 * - 'checkpointed': K stored states, each segment recomputed with dense output on the way back.
 * - 'forward': forward sensitivity equations (n + n·(p + n) states).
 * - 'auto': 'forward' when n + p ≤ 100, else 'checkpointed' (SciML's rule of thumb).
 */
export type GradientMode = 'discrete' | 'backsolve' | 'interpolating' | 'checkpointed' | 'forward' | 'auto';

/** Options of `odeGradient`. */
export interface GradientOptions {
  /** Solver method name as accepted by `solve` ('dopri5', 'tsit5', 'bs3', 'rk4', 'radau5', 'bdf', 'rodas5'). Default 'dopri5'. */
  method?: MethodName;
  /** Default 'auto'. */
  mode?: GradientMode;
  /** Relative tolerance of the forward solve (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance of the forward solve, scalar or per state (default 1e-9). */
  atol?: number | ArrayLike<number>;
  /** Tolerances of the backward (adjoint) solve; default the forward ones. */
  adjointRtol?: number;
  adjointAtol?: number;
  /** Number of stored states for 'checkpointed' (default 8). */
  checkpoints?: number;
  /** Initial step; the step of the fixed-step method 'rk4'. */
  h0?: number;
  /** Largest step magnitude. */
  hmax?: number;
  /** Largest number of steps per solve (default 100000). */
  maxSteps?: number;
  /** Known kinks or jumps of f in t (e.g. the knots of interpolated controls): every solve lands on them. */
  tstops?: ArrayLike<number>;
  /**
   * Continuous adjoints: measure the backward error on the state and adjoint components only, not on
   * the parameter integral (Kidger, Chen & Lyons 2021, "Hey, that's not an ODE"). Default true.
   */
  seminorm?: boolean;
  /**
   * 'backsolve': largest tolerated drift of the backward-integrated state from the stored forward
   * state at a reset (in the units of `stats.backsolveDrift`); beyond it the result fails instead of
   * returning a gradient built on the wrong trajectory. Default 1000; Infinity turns the check off.
   */
  maxDrift?: number;
  /** Forward sensitivities: one augmented system ('simultaneous', default) or state first, then sensitivities against its dense output ('staggered'). */
  sensitivity?: 'simultaneous' | 'staggered';
}

/** Cost counters of one gradient. */
export interface GradientStats {
  /** Vector-field evaluations in the forward solve(s) and in the backward pass (including f calls inside Jacobian assembly and recomputed segments). */
  nfev: { forward: number; backward: number };
  /** Vector–Jacobian products. */
  nvjp: number;
  /** Jacobian evaluations (model.jac or assembled from vjp). */
  njev: number;
  /** Accepted steps of the forward solve(s) and of the backward pass. */
  steps: { forward: number; backward: number };
  /** Largest number of length-n state vectors held at once by the gradient computation. */
  peakStoredStates: number;
  /**
   * 'backsolve' only: how far the state integrated backwards had drifted from the forward state
   * where it is reset (each observation time, and y0 at t0), as the largest RMS of
   * |Δy|/(atol + rtol·|y|) with the forward tolerances. A few units is the solvers' own error;
   * ≫ 1 means the backward state left the forward trajectory and the gradient is not trustworthy
   * (dissipative or stiff dynamics; use 'interpolating' or 'checkpointed' there).
   */
  backsolveDrift?: number;
}

/** Result of `odeGradient`. Solver failures are values: `status: 'failed'` with a message naming t. */
export interface GradientResult {
  status: 'success' | 'failed';
  message: string;
  /** The mode that ran (resolves 'auto'). */
  mode: Exclude<GradientMode, 'auto'>;
  /** L = Σᵢ loss(i, y(tᵢ)). */
  loss: number;
  /** dL/dp. */
  dp: Float64Array;
  /** dL/dy0. */
  dy0: Float64Array;
  /** dL/dtimes[i] = ∂loss_i/∂y · f(tᵢ, y(tᵢ)): moving an observation time along the trajectory. */
  dtimes: Float64Array;
  stats: GradientStats;
}
