import {
  type Integrator,
  firstStep,
  isFiniteVector,
  PIController,
  type PreparedSolve,
  reachesStop,
  runIntegrator,
  type Solution,
  type StepOutcome,
  scaledErrorNorm,
} from '@kinetica/ode-core';
import { setupNewtonAlgebra } from '../jacobian/setup';
import type { JacobianEvaluator } from '../jacobian/jacobian';
import { timeDerivative } from '../jacobian/time-derivative';
import type { LinearSolver } from '../linalg/linear-solver';
import { guardFor, type PositivityGuard, type PositivitySettings, restartStep } from '../positivity';
import { pushClamps } from '../tape-clamps';
import type { RosenbrockFactory, RosenbrockStepper } from './scheme';

const MAX_SINGULAR = 5;

/**
 * Adaptive loop shared by the Rosenbrock–Wanner methods: a fresh Jacobian and ∂f/∂t at every
 * accepted point (Rosenbrock order conditions need the exact Jacobian; rejected attempts reuse
 * it), one LU per attempt, PI step-size control on the embedded error, exact landing on tstops.
 * State (t, y, f(t, y), h) is public so that 'auto' can hand it over to and from an explicit method.
 *
 * Before it fails (not at maxSteps) it asks its `PositivityGuard` for a rescue. The Jacobian is
 * already exact at the point where the steps collapse (it is evaluated at every accepted point,
 * and rejected attempts start from that point), so no refresh is tried first.
 */
export class RosenbrockIntegrator implements Integrator {
  readonly name: string;
  readonly stepper: RosenbrockStepper;
  readonly jacobian: JacobianEvaluator;
  t: number;
  y: Float64Array;
  /** f(t, y), kept current. */
  fy: Float64Array;
  /** Magnitude of the next step. */
  h: number;
  private readonly prep: PreparedSolve;
  private readonly W: LinearSolver;
  private readonly controller: PIController;
  private yNew: Float64Array;
  private readonly err: Float64Array;
  private readonly dT: Float64Array;
  private readonly work: Float64Array;
  private stop: number;
  private needJac = true;
  private nsing = 0;
  private why = '';
  /** Routes accepted steps to the recorder; rescues a collapse caused by a sign change. */
  readonly guard: PositivityGuard;
  /** Components clamped at a rescue's restart point, for the next tape record. */
  private preClamps = 0;

  constructor(prep: PreparedSolve, factory: RosenbrockFactory, settings: PositivitySettings = {}) {
    const { n, f } = prep;
    this.prep = prep;
    this.stepper = factory(n, f);
    this.name = this.stepper.name;
    const { algebra, jacobian } = setupNewtonAlgebra(prep);
    this.jacobian = jacobian;
    this.W = algebra.real();
    this.controller = new PIController(this.stepper.errorOrder, prep.controller);
    this.t = prep.t0;
    this.y = prep.y0.slice();
    this.fy = new Float64Array(n);
    this.yNew = new Float64Array(n);
    this.err = new Float64Array(n);
    this.dT = new Float64Array(n);
    this.work = new Float64Array(n);
    this.guard = guardFor(prep, settings);
    this.stop = this.guard.nextStop(this.t);
    this.h = 0;
  }

  /** Evaluate f at the start and pick the first step; returns false when f is not finite there. */
  start(): boolean {
    const { prep, stepper } = this;
    prep.f(this.t, this.y, this.fy);
    if (!isFiniteVector(this.fy)) return false;
    this.h = firstStep(prep, this.t, this.y, this.fy, stepper.errorOrder, { y1: this.yNew, f1: this.err });
    return true;
  }

  /** Continue from a state reached by another method (fresh Jacobian, fresh error history). */
  resume(t: number, y: Float64Array, fy: Float64Array, h: number): void {
    this.t = t;
    this.y.set(y);
    this.fy.set(fy);
    this.h = Math.min(h, this.prep.hmax);
    this.stop = this.guard.nextStop(t);
    this.needJac = true;
    this.controller.reset();
  }

  /**
   * The loop is about to fail with `message`: restart from the guard's rescue point (clamped),
   * or fail. maxSteps is never rescued.
   */
  private rescueOr(message: string): StepOutcome {
    const point = this.guard.rescue(message);
    if (point === undefined) return { failed: message };
    const { prep } = this;
    prep.f(point.t, point.y, this.work);
    if (!isFiniteVector(this.work)) return { failed: message };
    const h =
      point.h > 0
        ? point.h
        : restartStep(prep, point.t, point.y, this.work, this.stepper.errorOrder, {
            y1: this.yNew,
            f1: this.err,
          });
    this.resume(point.t, point.y, this.work, h);
    this.nsing = 0;
    this.why = '';
    this.preClamps = point.clampedCount;
    return 'rejected';
  }

  /** Attempt one step and record it when accepted. */
  step(): StepOutcome {
    const { prep, stepper, jacobian, err } = this;
    const dT = this.dT;
    const W = this.W;
    const controller = this.controller;
    const { n, f, stats, direction: dir, hmax, maxSteps, rtol, atol } = prep;
    const guard = this.guard;
    const t = this.t;
    if (stats.nsteps >= maxSteps) return { failed: `maxSteps (${maxSteps}) reached at t=${t}` };
    let hs = dir * this.h;
    const landing = reachesStop(t, hs, this.stop, dir);
    if (landing) hs = this.stop - t;
    // A first try that lands on the next stop is taken however short (a sliver of span before an
    // event's time or t1 is one step, not an underflow); after a rejection (`why` set) it is not.
    const sliver = landing && this.why === '';
    if (
      hs === 0 ||
      (!sliver && Math.abs(hs) <= 16 * Number.EPSILON * Math.max(Math.abs(t), Number.MIN_VALUE))
    )
      return this.rescueOr(`step size underflow at t=${t}${this.why ? ` (${this.why})` : ''}`);
    if (this.needJac) {
      jacobian.evaluate(t, this.y, this.fy, hs);
      timeDerivative(f, t, this.y, this.fy, hs, dT, this.work);
      this.needJac = false;
    }
    stats.nlu++;
    stats.nsteps++;
    if (!W.factor(1 / (hs * stepper.gamma), jacobian.J)) {
      if (++this.nsing >= MAX_SINGULAR)
        return this.rescueOr(`singular iteration matrix (${this.nsing} times in a row) at t=${t}`);
      stats.nreject++;
      this.h = 0.5 * Math.abs(hs);
      return 'rejected';
    }
    this.nsing = 0;
    const y = this.y;
    const yNew = this.yNew;
    stepper.attempt(t, y, this.fy, dT, hs, W, yNew, err);
    let errNorm = scaledErrorNorm(err, y, yNew, atol, rtol) / (stepper.toleranceScale ?? 1);
    if (!Number.isFinite(errNorm) || !isFiniteVector(yNew)) {
      errNorm = Number.POSITIVE_INFINITY;
      this.why = 'NaN or Inf in f';
    }
    if (!controller.accept(errNorm)) {
      stats.nreject++;
      if (this.why === '') this.why = 'error test failed repeatedly';
      this.h = Math.abs(controller.propose(hs, errNorm));
      return 'rejected';
    }
    const tNew = landing ? this.stop : t + hs;
    const tape = prep.tape;
    if (tape !== undefined && stepper.record === undefined)
      return { failed: `method '${stepper.name}' cannot record its steps` };
    stepper.accept(t, hs, y, yNew);
    let clamped = 0;
    if (prep.nonnegative) {
      for (let i = 0; i < n; i++) if (yNew[i]! < 0) yNew[i] = 0;
    } else {
      clamped = guard.project(yNew);
    }
    if (tape !== undefined) {
      tape.begin(t, hs);
      tape.push(y);
      stepper.record!(tape);
      pushClamps(tape, guard, this.preClamps, clamped);
      this.preClamps = 0;
      tape.end(tNew);
    }
    stats.naccept++;
    this.t = tNew;
    this.y = yNew;
    this.yNew = y;
    this.why = '';
    this.needJac = true;
    this.h = Math.min(Math.abs(controller.propose(hs, errNorm)), hmax);
    if (!guard.step(t, tNew, yNew, stepper.interpolant)) {
      // A terminal event, or a positivity rescue the guard asks for (see PositivityGuard.unresolved).
      const due = guard.takeRescue();
      return due === undefined ? 'done' : this.rescueOr(due);
    }
    if (stepper.fsal !== undefined && !prep.nonnegative && clamped === 0) this.fy.set(stepper.fsal);
    else f(tNew, yNew, this.fy);
    if (!isFiniteVector(this.fy)) return this.rescueOr(`NaN or Inf in f at t=${tNew}`);
    if (landing) {
      if (tNew === prep.t1) return 'done';
      this.stop = guard.nextStop(tNew);
      controller.reset();
    }
    return 'accepted';
  }
}

/** Solve a prepared problem with one Rosenbrock method (`settings`: the positivity rescue). */
export function integrateRosenbrock(
  prep: PreparedSolve,
  factory: RosenbrockFactory,
  settings: PositivitySettings = {},
): Solution {
  const integ = new RosenbrockIntegrator(prep, factory, settings);
  return runIntegrator(prep, integ, integ.guard);
}
