import { PIController } from '../controllers/pi';
import type { PreparedSolve } from '../problem/prepare';
import { firstStep } from '../step-size/initial-step';
import { reachesStop } from '../step-size/landing';
import type { Integrator, StepOutcome } from '../stepping';
import { runIntegrator } from '../stepping';
import type { Solution } from '../types';
import { isFiniteVector } from '../vector/finite';
import { neededStages } from './reverse';
import { RungeKuttaInterpolant, RungeKuttaStepper } from './runge-kutta';
import type { ExplicitTableau } from './tableau';

/** Consecutive non-finite trial steps tolerated (each shrinks h by facmin) before giving up. */
const MAX_NONFINITE_RETRIES = 12;

/**
 * The explicit Runge–Kutta loop, one attempt per `step()`: adaptive (PI-controlled) when the
 * tableau has an error estimate, fixed-step (h = options.h0) otherwise. Lands exactly on tstops
 * and forgets its error history there; records accepted steps on `prep.tape` when set; failures
 * come back as values. Its state (t, y, f(t, y), h) is public so that 'auto' can hand over to and
 * from a stiff method.
 */
export class ExplicitIntegrator implements Integrator {
  readonly name: string;
  readonly stepper: RungeKuttaStepper;
  t: number;
  y: Float64Array;
  /** Magnitude of the next step. */
  h = 0;
  /** Called on each accepted step before the buffers rotate, with the step's start and end states. */
  onAccept: ((t: number, h: number, y: Float64Array, yNew: Float64Array) => void) | undefined;
  #yNew: Float64Array;
  // Non-FSAL methods compute f(tNew, yNew) here; it then becomes the next k[0].
  #fSpare: Float64Array;
  readonly #interp: RungeKuttaInterpolant;
  readonly #controller: PIController | undefined;
  readonly #taped: number;
  #stop: number;
  #nonFinite = 0;
  // A step that underflows while stepping back from non-finite trial values failed because of f.
  #lastRejectNonFinite = false;
  readonly #prep: PreparedSolve;

  constructor(
    prep: PreparedSolve,
    readonly tableau: ExplicitTableau,
  ) {
    this.#prep = prep;
    const adaptive = tableau.btilde !== undefined;
    if (!adaptive && prep.h0 === undefined) {
      throw new RangeError(`solve: method '${tableau.name}' is fixed-step and needs options.h0`);
    }
    const { n } = prep;
    this.name = tableau.name;
    this.stepper = new RungeKuttaStepper(tableau, n, prep.f);
    this.#interp = new RungeKuttaInterpolant(this.stepper);
    this.#controller = adaptive ? new PIController(tableau.errorOrder, prep.controller) : undefined;
    this.#taped = prep.tape === undefined ? 0 : neededStages(tableau) - 1;
    this.t = prep.t0;
    this.y = prep.y0.slice();
    this.#yNew = new Float64Array(n);
    this.#fSpare = new Float64Array(n);
    this.#stop = prep.recorder.nextStop(this.t);
  }

  /** f(t, y), kept current in the first stage. */
  get fy(): Float64Array {
    return this.stepper.k[0]!;
  }

  start(): boolean {
    const prep = this.#prep;
    const { stepper } = this;
    const k0 = stepper.k[0]!;
    prep.f(this.t, this.y, k0);
    if (!isFiniteVector(k0)) return false;
    this.h = firstStep(prep, this.t, this.y, k0, this.tableau.errorOrder, {
      y1: this.#yNew,
      f1: this.#fSpare,
    });
    return true;
  }

  resume(t: number, y: Float64Array, fy: Float64Array, h: number): void {
    this.t = t;
    this.y.set(y);
    this.stepper.k[0]!.set(fy);
    this.h = Math.min(h, this.#prep.hmax);
    this.#stop = this.#prep.recorder.nextStop(t);
    this.#controller?.reset();
  }

  step(): StepOutcome {
    const prep = this.#prep;
    const controller = this.#controller;
    const { stepper, tableau } = this;
    const { f, recorder, direction: d, rtol, atol, hmax, maxSteps, stats, t1 } = prep;
    const s = tableau.stages;
    const t = this.t;
    const y = this.y;
    const yNew = this.#yNew;
    if (stats.nsteps >= maxSteps) return { failed: `maxSteps (${maxSteps}) reached at t=${t}` };
    // Land exactly on the next stop, also when round-off would leave a sliver of a step before it.
    const landing = reachesStop(t, d * this.h, this.#stop, d);
    const tNew = landing ? this.#stop : t + d * this.h;
    const hStep = tNew - t;
    // A step that lands on the stop is taken however short: a sliver of span before an event's
    // time or t1 is one step, not an underflow.
    if (tNew === t || (!landing && !(Math.abs(hStep) > 16 * Number.EPSILON * Math.abs(t)))) {
      return { failed: `${this.#lastRejectNonFinite ? 'NaN or Inf in f' : 'step size underflow'} at t=${t}` };
    }
    stats.nsteps++;
    stepper.step(t, y, tNew, yNew);
    const finite = isFiniteVector(yNew) && (!tableau.fsal || isFiniteVector(stepper.k[s - 1]!));
    if (controller !== undefined) {
      const errNorm = finite ? stepper.errorNorm(hStep, y, yNew, atol, rtol) : Number.NaN;
      const ok = finite && controller.accept(errNorm);
      this.h = Math.min(controller.propose(Math.abs(hStep), errNorm), hmax);
      if (!ok) {
        stats.nreject++;
        this.#lastRejectNonFinite = !finite;
        if (!finite && ++this.#nonFinite > MAX_NONFINITE_RETRIES)
          return { failed: `NaN or Inf in f at t=${t}` };
        return 'rejected';
      }
    } else if (!finite) {
      return { failed: `NaN or Inf in f at t=${t}` };
    }
    this.#nonFinite = 0;
    stats.naccept++;
    this.onAccept?.(t, hStep, y, yNew);

    let fNew: Float64Array;
    if (tableau.fsal) {
      fNew = stepper.k[s - 1]!;
    } else {
      fNew = this.#fSpare;
      f(tNew, yNew, fNew);
      if (!isFiniteVector(fNew)) {
        this.t = tNew;
        return { failed: `NaN or Inf in f at t=${tNew}` };
      }
    }
    if (prep.nonnegative && clampNegative(yNew)) {
      // The derivative at the new point belongs to the clamped state.
      f(tNew, yNew, fNew);
      if (!isFiniteVector(fNew)) return { failed: `NaN or Inf in f at t=${tNew}` };
    }
    const tape = prep.tape;
    if (tape !== undefined) {
      // The start state and the stage derivatives the stage states are built from (reverse.ts).
      tape.begin(t, hStep);
      tape.push(y);
      for (let j = 0; j < this.#taped; j++) tape.push(stepper.k[j]!);
      tape.end(tNew);
    }
    this.#interp.set(t, hStep, y, yNew, fNew);
    const goOn = recorder.step(t, tNew, yNew, this.#interp);

    // Rotate buffers: the new point becomes current and f there becomes the next k[0].
    this.y = yNew;
    this.#yNew = y;
    const k0 = stepper.k[0]!;
    stepper.k[0] = fNew;
    if (tableau.fsal) stepper.k[s - 1] = k0;
    else this.#fSpare = k0;
    this.t = tNew;

    if (!goOn) return 'done';
    if (landing) {
      if (tNew === t1) return 'done';
      // f may jump at a tstop: the error history from before it does not carry over. k[0] already
      // holds f(t, y) at exactly this (t, y) (the FSAL stage, or fNew), so there is nothing to refresh.
      controller?.reset();
      this.#stop = recorder.nextStop(tNew);
    }
    return 'accepted';
  }
}

/** Set negative components to zero; true when any was. */
function clampNegative(y: Float64Array): boolean {
  let any = false;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! < 0) {
      y[i] = 0;
      any = true;
    }
  }
  return any;
}

/** Integrate a prepared problem with an explicit Runge–Kutta tableau (the loop of `solve`). */
export function integrateExplicit(prep: PreparedSolve, tableau: ExplicitTableau): Solution {
  return runIntegrator(prep, new ExplicitIntegrator(prep, tableau));
}
