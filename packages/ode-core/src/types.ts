/**
 * Problem, option and solution types shared by every Kinetica solver.
 *
 * A vector field writes into caller-owned `Float64Array`s so that solvers can run their
 * hot loops without allocating. Everything here is plain data plus functions: third-party
 * models and solvers meet at this small surface (the SciMLBase idea).
 */

/** Right-hand side dy/dt = f(t, y): write the derivative into `dydt` (length n). */
export type RhsFunction = (t: number, y: Float64Array, dydt: Float64Array) => void;

/** Jacobian ∂f/∂y at (t, y): write the row-major n×n matrix into `J` (length n²). */
export type JacobianFunction = (t: number, y: Float64Array, J: Float64Array) => void;

/** An event function g(t, y); its zero crossings are located on the dense output. */
export interface EventSpec {
  /** Event function; an event occurs where it changes sign. */
  g: (t: number, y: Float64Array) => number;
  /** +1: only rising crossings (g goes from negative to positive), −1: only falling, 0: both. Default 0. */
  direction?: -1 | 0 | 1;
  /** Stop the integration at the first occurrence. Default false. */
  terminal?: boolean;
  /** Optional name, reported back in `Solution.events`. */
  name?: string;
}

/** Parametric right-hand side dy/dt = f(t, y, p): write the derivative into `dydt` (length n). */
export type ParametricRhs = (t: number, y: Float64Array, p: Float64Array, dydt: Float64Array) => void;

/** Parametric Jacobian ∂f/∂y at (t, y, p): write the row-major n×n matrix into `J`. */
export type ParametricJacobian = (t: number, y: Float64Array, p: Float64Array, J: Float64Array) => void;

/**
 * Vector–Jacobian products of a parametric field at (t, y, p): write vJy = vᵀ ∂f/∂y (length n) and
 * vJp = vᵀ ∂f/∂p (length of p). Overwrite both outputs (unless the problem says `accumulateVjp`).
 */
export type VjpFunction = (
  t: number,
  y: Float64Array,
  p: Float64Array,
  v: Float64Array,
  vJy: Float64Array,
  vJp: Float64Array,
) => void;

/**
 * The one parametric problem of Kinetica: y' = f(t, y, p), y(t0) = y0, with what gradients and
 * implicit methods can use. `solve` takes it as it takes an `ODEProblem` (p is bound once, when the
 * solve is prepared); `odeGradient` (adjoint), the neural fields (autodiff-ode), compiled networks
 * and SBML models (stoichiometry) and the diagnostics all speak it. Every array argument is
 * caller-owned scratch: write results into the outputs and keep no reference.
 */
export interface ParametricProblem {
  f: ParametricRhs;
  y0: ArrayLike<number>;
  /** Parameters θ. */
  p: ArrayLike<number>;
  /** Integration span for `solve`; gradients take their span from t0 and the observation times. */
  tspan?: readonly [number, number] | ArrayLike<number>;
  /** Initial time when no `tspan` is given (gradients: the observations end the span). */
  t0?: number;
  /** Vector–Jacobian products; needed by every gradient. */
  vjp?: VjpFunction;
  /**
   * When true, `vjp` adds vᵀ ∂f/∂p into vJp instead of overwriting it (vJy is still overwritten):
   * worth it when p is large (an MLP's weights). Default false.
   */
  accumulateVjp?: boolean;
  /** Optional ∂f/∂y; without it implicit methods use finite differences and gradients n vjps. */
  jac?: ParametricJacobian;
  /** Sparsity of ∂f/∂y, as on `ODEProblem`. */
  jacSparsity?: ReadonlyArray<ArrayLike<number>>;
  /** Known kinks or jumps of f in t (control knots, feeds): every solve lands on them exactly. */
  tstops?: ArrayLike<number>;
}

/** Either kind of problem `solve` accepts: the parametric one is told apart by its `p`. */
export type AnyODEProblem = ODEProblem | ParametricProblem;

/** An initial value problem y' = f(t, y), y(t0) = y0 on tspan = [t0, t1] (t1 < t0 integrates backwards). */
export interface ODEProblem {
  f: RhsFunction;
  /** Absent on a plain problem (a problem with `p` is a `ParametricProblem`). */
  p?: undefined;
  /** Known kinks or jumps of f in t: merged with `options.tstops`. */
  tstops?: ArrayLike<number>;
  y0: ArrayLike<number>;
  tspan: readonly [number, number] | ArrayLike<number>;
  /** Optional analytic Jacobian; without it, implicit methods use finite differences. */
  jac?: JacobianFunction;
  /**
   * Optional sparsity pattern of ∂f/∂y: `jacSparsity[i]` lists the columns j with ∂f_i/∂y_j ≠ 0.
   * Stiff solvers use it for grouped finite differences and sparse/banded LU.
   */
  jacSparsity?: ReadonlyArray<ArrayLike<number>>;
}

/** Explicit Runge–Kutta methods of ode-core. */
export type ExplicitMethodName = 'euler' | 'rk4' | 'bs3' | 'dopri5' | 'tsit5' | 'dop853';
/** Stiff methods of solvers-stiff, and 'auto' (explicit with a switch to a stiff method). */
export type StiffMethodName = 'radau5' | 'bdf' | 'rodas5' | 'ros23' | 'auto';
/** Every method name `solve` knows. */
export type MethodName = ExplicitMethodName | StiffMethodName;

/** Default relative tolerance of every solve and gradient. */
export const DEFAULT_RTOL = 1e-6;
/** Default absolute tolerance of every solve and gradient. */
export const DEFAULT_ATOL = 1e-9;

/** Options accepted by `solve`. */
export interface SolveOptions {
  /** Method name, e.g. 'dopri5', 'tsit5', 'bs3', 'rk4', 'euler', 'radau5', 'bdf', 'rodas5', 'auto'. */
  method?: MethodName;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance, scalar or per component (default 1e-9). */
  atol?: number | ArrayLike<number>;
  /** Output times. Default: every accepted step. */
  saveAt?: ArrayLike<number>;
  /** Keep the continuous extension of every step so that `sol.at(t)` works on the whole span. */
  dense?: boolean;
  /** Initial step (required by fixed-step methods, which then use it throughout). */
  h0?: number;
  /** Largest step magnitude allowed. */
  hmax?: number;
  /** Largest number of steps (accepted + rejected) before the solve ends with status 'failed'. Default 100000. */
  maxSteps?: number;
  /** Known discontinuity times of f: the solver steps onto each exactly and restarts there. */
  tstops?: ArrayLike<number>;
  /** Events located on the dense output. */
  events?: readonly EventSpec[];
  /** Step-size controller coefficients (PI controller); `{ beta1: 1/(q+1), beta2: 0 }` is the I controller. */
  controller?: ControllerOptions;
  /** Clamp negative components to zero after each accepted step (stiff methods; never inside error control). */
  nonnegative?: boolean;
}

/** Coefficients of the PI step-size controller (Hairer–Wanner II, IV.2; Söderlind 2002). */
export interface ControllerOptions {
  /** Integral gain, default 0.85/(q+1) (Hairer's dopri5.f; 1/(q+1) with beta2 = 0 gives the I controller). */
  beta1?: number;
  /** Proportional gain on the previous error, default 0.2/(q+1). */
  beta2?: number;
  /** Safety factor, default 0.9. */
  safety?: number;
  /** Largest growth factor of the step per step, default 10. */
  facmax?: number;
  /** Smallest shrink factor, default 0.2. */
  facmin?: number;
}

/** Counters describing the cost of a solve. */
export interface SolverStats {
  /** Evaluations of f (including those spent on finite-difference Jacobians). */
  nfev: number;
  /** Jacobian evaluations (analytic or finite-difference). */
  njev: number;
  /** LU decompositions. */
  nlu: number;
  /** Steps attempted (accepted + rejected). */
  nsteps: number;
  naccept: number;
  nreject: number;
  /** Method switches made by 'auto' (0 otherwise). */
  nswitch?: number;
  /** For 'auto': the time and new method of each switch. */
  switches?: Array<{ t: number; to: string }>;
}

/** One located event. */
export interface EventRecord {
  /** Index of the event in `options.events`. */
  index: number;
  name?: string;
  t: number;
  y: Float64Array;
}

export type SolveStatus = 'success' | 'failed';

/** Result of `solve`. Failure is a value: `status: 'failed'` with a message naming t. */
export interface Solution {
  status: SolveStatus;
  /** Empty on success; otherwise why the solve failed (e.g. "step size underflow at t=…"). */
  message: string;
  /** Output times (accepted steps, or `saveAt` times reached). */
  t: Float64Array;
  /** `y[i]` is the state at `t[i]` (a view of row i of `Y`, made when `y` is first read). */
  y: Float64Array[];
  /**
   * All output states in one row-major block: the state at `t[i]` is `Y[i·n … i·n + n)`. Every
   * Kinetica solve sets it (optional only for solutions built elsewhere).
   */
  Y?: Float64Array;
  /** Dense output over the integrated span; present when `dense: true`. Returns a new array. */
  at?: (t: number, out?: Float64Array) => Float64Array;
  stats: SolverStats;
  /** Located events, in order of occurrence. */
  events: EventRecord[];
  /** Name of the method that produced the solution. */
  method: string;
}
