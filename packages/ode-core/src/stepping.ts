import type { PreparedSolve } from './problem/prepare';
import type { Solution, SolveStatus } from './types';

/**
 * The contract between a time-stepping loop (explicit Runge–Kutta here, Radau/BDF/Rosenbrock in
 * `@kinetica/solvers-stiff`) and the shared output machinery (saveAt, dense output, events,
 * tstops). Every method family owns its step-size logic; everything a user sees of the
 * trajectory goes through one `StepRecorder`, so all methods behave alike at the boundary.
 */

/** Continuous extension of the most recently accepted step. */
export interface StepInterpolant {
  /** Write y(t) into `out` for t inside the last accepted step [tOld, tNew]. */
  evaluate(t: number, out: Float64Array): void;
  /**
   * Optional: y(ts[k]) for k in [from, to) (all inside the last accepted step), row-major into
   * `out` from `off` (n values per row). The recorder writes `saveAt` rows through it straight into
   * the solution's block, one call per step; without it, it calls `evaluate` per row.
   */
  evaluateRows?(ts: Float64Array, from: number, to: number, out: Float64Array, off: number): void;
  /**
   * Return an independent copy of the current step's interpolation data as a function valid
   * for t in [tOld, tNew]. Called only when dense output is requested (allocates).
   */
  snapshot(): (t: number, out: Float64Array) => void;
}

/** Receives each accepted step of a loop; implemented once in ode-core (`createRecorder`). */
export interface StepRecorder {
  /** Integration direction: +1 forwards, −1 backwards. */
  readonly direction: 1 | -1;
  /** The end of the integration span. */
  readonly tEnd: number;
  /**
   * The next time the loop must land on exactly (a tstop, or tEnd), strictly beyond `t`
   * in the integration direction. A loop clamps its step so as not to cross it and restarts
   * (FSAL reset, fresh Jacobian as the method needs) after landing on a tstop.
   */
  nextStop(t: number): number;
  /**
   * Record the accepted step [tOld, tNew] ending in state `yNew`, with its continuous extension.
   * Serves saveAt points, dense output and events. Returns false when a terminal event ends the
   * integration (the recorder has already truncated the solution at the event): the loop stops.
   */
  step(tOld: number, tNew: number, yNew: Float64Array, interpolant: StepInterpolant): boolean;
}

/** Outcome of one attempted step: keep going, reached the end (or a terminal event), or failed (message naming t). */
export type StepOutcome = 'accepted' | 'rejected' | 'done' | { failed: string };

/**
 * A method family's loop taken one attempt at a time (explicit Runge–Kutta here, Rosenbrock in
 * solvers-stiff). Its state (t, y, f(t, y), next step magnitude h) is public so that a switching
 * method ('auto') can hand over between families with `resume`.
 */
export interface Integrator {
  readonly name: string;
  t: number;
  y: Float64Array;
  /** f(t, y) at the current point. */
  readonly fy: Float64Array;
  h: number;
  /** Evaluate f at the start and pick the first step; false when f is not finite there. */
  start(): boolean;
  /** Continue from a state reached by another method (fresh error history). */
  resume(t: number, y: Float64Array, fy: Float64Array, h: number): void;
  /** Attempt one step; accepted steps go to the recorder (and the tape). */
  step(): StepOutcome;
}

/**
 * Drive an integrator over the whole span: the loop `solve` runs for these families. `recorder`
 * builds the solution (default `prep.recorder`; the stiff loops pass their positivity guard).
 */
export function runIntegrator(
  prep: PreparedSolve,
  integ: Integrator,
  recorder: { finish(status: SolveStatus, message: string, method: string): Solution } = prep.recorder,
): Solution {
  if (!integ.start()) return recorder.finish('failed', `NaN or Inf in f at t=${prep.t0}`, integ.name);
  for (;;) {
    const outcome = integ.step();
    if (outcome === 'done') return recorder.finish('success', '', integ.name);
    if (typeof outcome === 'object') return recorder.finish('failed', outcome.failed, integ.name);
  }
}
