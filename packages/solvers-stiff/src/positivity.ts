import {
  type InitialStepWork,
  initialStepSize,
  type OutputRecorder,
  type PreparedSolve,
  type Solution,
  type SolverStats,
  type SolveStatus,
  type StepInterpolant,
  type StepRecorder,
} from '@kinetica/ode-core';

/** What a stiff loop did instead of failing (see `StiffSolverStats.rescues`). */
export type RescueKind = 'jacobian' | 'nonnegative' | 'method';

/** One rescue, in the order they happened. */
export interface RescueRecord {
  /** The time the solve went on from. */
  t: number;
  /**
   * 'jacobian': a fresh Jacobian and a restart from the last accepted point (bdf; radau5 and the
   * Rosenbrock methods always have one at the point of a collapse). 'nonnegative': a restart from
   * the last point before the trouble, with the components that were non-negative at t0 clamped
   * to ≥ 0 from then on. 'method': another method took over ('auto'; `to` names it).
   */
  kind: RescueKind;
  /** The failure that was imminent, e.g. 'step size underflow at t=…'. */
  reason: string;
  /** Accepted steps taken back (their output was never recorded). */
  discarded: number;
  /** 'method': the method that took over. */
  to?: string;
}

/** `SolverStats` of the stiff loops: `rescues` is present once a loop has rescued a solve. */
export interface StiffSolverStats extends SolverStats {
  rescues?: RescueRecord[];
}

/** The rescues a solve made (empty when none); `sol.stats.rescues` with its type. */
export function rescuesOf(sol: Solution): readonly RescueRecord[] {
  return (sol.stats as StiffSolverStats).rescues ?? [];
}

/** Append a rescue to `stats.rescues` (created on the first one, so untroubled solves keep their stats). */
export function noteRescue(stats: SolverStats, record: RescueRecord): void {
  const s = stats as StiffSolverStats;
  (s.rescues ??= []).push(record);
}

/**
 * 'rescue' (the default of every stiff loop): watch, hold back output once in trouble, rescue a
 * collapse. 'enforce': clamp from the first step (as after a rescue). 'off': pass everything through.
 */
export type PositivityMode = 'rescue' | 'enforce' | 'off';

/** Settings the stiff loops share. */
export interface PositivitySettings {
  /**
   * false turns the automatic positivity rescue off (`solve` passes `options.nonnegative !== false`);
   * default true. Ignored with `nonnegative: true`, which clamps every component after every step.
   */
  positivityRescue?: boolean;
  /** A guard shared with other loops of the same solve ('auto' hands one to each of its methods). */
  guard?: PositivityGuard;
}

/** Where a rescued or rewound solve goes on from; the arrays belong to the guard. */
export interface RestartPoint {
  t: number;
  y: Float64Array;
  /**
   * A step size that worked from there (the first of the steps taken back), or 0 when the point
   * is the last accepted one: the steps had collapsed there, so the loop estimates a new one.
   */
  h: number;
  /** Components clamped at the restart: `guard.clampedAtRestart[0 … count)`. */
  clampedCount: number;
}

// Output held back in trouble is bounded: past either limit it is released and the checkpoint is
// lost (a later collapse is then rescued from the last accepted point instead).
const MAX_HELD_STEPS = 1000;
const MAX_HELD_FLOATS = 1 << 21;
/** How far below zero, in multiples of the largest value it has had, a component has run away. */
const RUNAWAY = 100;

/** A held step's continuous extension: a snapshot taken when the step was held. */
class HeldInterpolant implements StepInterpolant {
  constructor(private readonly at: (t: number, out: Float64Array) => void) {}

  evaluate(t: number, out: Float64Array): void {
    this.at(t, out);
  }

  snapshot(): (t: number, out: Float64Array) => void {
    return this.at;
  }
}

interface HeldStep {
  tOld: number;
  tNew: number;
  y: Float64Array;
  interpolant: HeldInterpolant;
  /** `tape.steps` once this step was recorded. */
  tapeSteps: number;
}

/**
 * Positivity-aware robustness of the stiff loops, with no option from the user. Components that
 * are non-negative at t0 are watched. A trace species far below `atol` may legitimately be computed
 * slightly negative, but some kinetics then run away (E5: y2' = −c·y2·y3 blows up once y2, y3 < 0)
 * and every method follows that blow-up accurately until its step underflows. The guard sits
 * between a loop and the output recorder:
 *
 * - while every watched component stays ≥ −atol_i (within the error tolerance of zero), it passes
 *   each step through and keeps a copy of the last state (allocation-free);
 * - from the first step that leaves a watched component below −atol_i, it holds that step's output
 *   back (with a snapshot of its interpolant) until the components are back above −atol_i, a tstop
 *   or the end is reached, or a bound on the held output is hit; then it releases it unchanged. A
 *   component that came back above −atol_i has shown that it may be negative (a velocity, a
 *   deviation): it no longer starts a hold, so a signed component costs one hold, not one per swing;
 * - when the loop is about to fail (step-size underflow, Newton failure at the smallest step,
 *   repeated singular matrices, NaN/Inf in f; not maxSteps) after a watched component has been
 *   negative at some accepted point, `rescue` takes the held steps back (they are never recorded,
 *   and a tape is cut to match) and returns the last state before the trouble with the watched
 *   components clamped to ≥ 0; the loop restarts there and clamps them after every accepted step
 *   from then on (`enforcing`). This is done once per solve. A solve whose watched components
 *   never went negative fails as before: the rescue only acts on evidence of a sign change.
 *
 * A solve that never leaves a watched component below −atol_i runs exactly as without the guard,
 * and one that does but never fails is only delayed in its output: its numbers are the same. Only
 * forward solves (t1 > t0) are rescued: backwards in time the non-negative orthant is not invariant.
 */
export class PositivityGuard implements StepRecorder {
  readonly direction: 1 | -1;
  readonly tEnd: number;
  /** Clamp the watched components to ≥ 0 after every accepted step (after a rescue, or 'enforce'). */
  enforcing: boolean;
  /** Indices clamped by the last `project`. */
  readonly clamped: Int32Array;
  /** Indices clamped at the last restart point (`RestartPoint.clampedCount` of them). */
  readonly clampedAtRestart: Int32Array;
  private readonly prep: PreparedSolve;
  private readonly recorder: OutputRecorder;
  /** Indices of the components that are non-negative at t0. */
  private readonly watched: Int32Array;
  private readonly rescuing: boolean;
  private tGood: number;
  private readonly yGood: Float64Array;
  private tapeGood = 0;
  private held: HeldStep[] = [];
  private heldFloats = 0;
  /** Size of the first held step (it left the checkpoint). */
  private hHeld = 0;
  /** A hold was released unresolved: no checkpoint until the components recover. */
  private suspicious = false;
  /** A watched component was negative at an accepted point. */
  private sawNegative = false;
  /** 1 for a watched component that came back from below −atol without trouble: no more holds. */
  private readonly signed: Uint8Array;
  /** 1 for a component below −atol during the current hold. */
  private readonly dipped: Uint8Array;
  private stopped = false;
  /** Set by `step` (which then returns false) when a hold ends unresolved and a rescue is due. */
  private due: string | undefined;
  private readonly zWork: Float64Array;
  private readonly fWork: Float64Array;
  /** The largest value each component has had at a passed-on point (for `runaway`). */
  private readonly peak: Float64Array;

  constructor(prep: PreparedSolve, mode: PositivityMode = 'rescue') {
    const { n, y0 } = prep;
    this.prep = prep;
    this.recorder = prep.recorder;
    this.direction = prep.direction;
    this.tEnd = prep.t1;
    const watched: number[] = [];
    if (!prep.nonnegative && mode !== 'off') for (let i = 0; i < n; i++) if (y0[i]! >= 0) watched.push(i);
    this.watched = Int32Array.from(watched);
    // Forward in time only: kinetics keep the non-negative orthant invariant (fᵢ ≥ 0 where yᵢ = 0),
    // which is what makes a clamp sound; backwards its boundary repels, and a backward solve (an
    // adjoint system, with signed components that happen to start ≥ 0) must not be clamped.
    this.rescuing = mode === 'rescue' && watched.length > 0 && prep.direction === 1;
    this.enforcing = mode === 'enforce' && watched.length > 0;
    this.signed = new Uint8Array(n);
    this.dipped = new Uint8Array(n);
    this.clamped = new Int32Array(n);
    this.clampedAtRestart = new Int32Array(n);
    this.tGood = prep.t0;
    this.yGood = y0.slice();
    this.zWork = new Float64Array(n);
    this.fWork = new Float64Array(n);
    this.peak = y0.map((v) => Math.max(v, 0));
  }

  nextStop(t: number): number {
    return this.recorder.nextStop(t);
  }

  /** The recorder's `step`, holding output back while a watched component is below −atol. */
  step(tOld: number, tNew: number, yNew: Float64Array, interpolant: StepInterpolant): boolean {
    if (this.held.length > 0) {
      this.hold(tOld, tNew, yNew, interpolant);
      if (!this.below(yNew)) {
        const watched = this.watched;
        const dipped = this.dipped;
        const signed = this.signed;
        for (let k = 0; k < watched.length; k++) if (dipped[watched[k]!] === 1) signed[watched[k]!] = 1;
        return this.release();
      }
      return this.unresolved(tOld, tNew, yNew);
    }
    const below = this.rescuing && !this.enforcing && this.below(yNew);
    if (below && !this.suspicious) {
      this.sawNegative = true;
      this.hHeld = Math.abs(tNew - tOld);
      this.hold(tOld, tNew, yNew, interpolant);
      return this.unresolved(tOld, tNew, yNew);
    }
    if (!below) this.suspicious = false;
    if (this.rescuing && !this.sawNegative && this.negativeAt(yNew)) this.sawNegative = true;
    return this.forward(tOld, tNew, yNew, interpolant, this.prep.tape?.steps ?? 0);
  }

  /**
   * A hold that has not recovered (yet): go on holding, or, once it fills up, lands on a tstop or
   * reaches the end of the span, either ask for a rescue or release it. The rescue is asked for
   * (`step` returns false and `takeRescue` gives the reason) on evidence of a numerical run-away in
   * a field that keeps the orthant invariant (`runaway`); ROBER to 1e12 at rtol 1e-5 used to end
   * as a success with y1 ≈ −4.5e8. Otherwise the sign may well be the solution's (y' = −1 from 0,
   * an oscillator). Never at a tstop: a rewind must not cross it (the loop has passed it for good).
   */
  private unresolved(tOld: number, tNew: number, yNew: Float64Array): boolean {
    const stop = this.landsOnStop(tOld, tNew);
    if (
      !(
        stop ||
        tNew === this.tEnd ||
        this.held.length >= MAX_HELD_STEPS ||
        this.heldFloats >= MAX_HELD_FLOATS
      )
    )
      return true;
    const i = stop ? -1 : this.runaway(yNew);
    if (i >= 0) {
      this.due = `y[${i}] ran away to ${yNew[i]} at t=${tNew}`;
      return false;
    }
    this.suspicious = true;
    return this.release();
  }

  /**
   * A watched component of y that has run away below zero: it has been above atol_i and is now
   * below −RUNAWAY times the largest value it had. Only if every watched component still below
   * −atol_i that dipped in this hold is driven up at the boundary: f_i ≥ 0 at the last good point
   * with y_i set to 0 (components within atol below 0 there set to 0 too: zero within the
   * tolerance; genuinely negative ones kept, so that a velocity's sign still counts). Else −1.
   * Both tests are needed: an oscillator's position passes the second at its equilibrium (f = 0)
   * but never runs away past its amplitude, and y' = −1 from 0 fails both. A component that starts
   * at 0 and has never been positive (a sensitivity, a deviation) has no scale to run away from and
   * is never taken for a run-away. One f evaluation per component tested (only when one has run
   * away); allocation-free.
   */
  private runaway(y: Float64Array): number {
    // (Only called during a hold, and a hold starts only while rescuing and not enforcing.)
    const watched = this.watched;
    const atol = this.prep.atol;
    // The cheap test first: the f evaluations below only when something has run away.
    let found = -1;
    for (let k = 0; k < watched.length && found < 0; k++) {
      const i = watched[k]!;
      const peak = this.peak[i]!;
      if (this.dipped[i] === 1 && peak > atol[i]! && y[i]! < -RUNAWAY * peak) found = i;
    }
    if (found < 0) return -1;
    const z = this.zWork;
    z.set(this.yGood);
    for (let k = 0; k < watched.length; k++) {
      const j = watched[k]!;
      if (z[j]! < 0 && z[j]! >= -atol[j]!) z[j] = 0;
    }
    for (let k = 0; k < watched.length; k++) {
      const i = watched[k]!;
      if (this.dipped[i] !== 1 || !(y[i]! < -atol[i]!)) continue;
      const zi = z[i]!;
      z[i] = 0;
      this.prep.f(this.tGood, z, this.fWork);
      z[i] = zi;
      if (!(this.fWork[i]! >= 0)) return -1;
    }
    return found;
  }

  /** The reason of a rescue `step` asked for by returning false (once), else undefined. */
  takeRescue(): string | undefined {
    const due = this.due;
    this.due = undefined;
    return due;
  }

  /** Release held output, then build the solution (a terminal event in it ends the solve there). */
  finish(status: SolveStatus, message: string, method: string): Solution {
    this.due = undefined;
    if (this.held.length > 0 && !this.release()) return this.recorder.finish('success', '', method);
    return this.recorder.finish(status, message, method);
  }

  /**
   * Before a loop fails: the point to restart from with the watched components clamped (and
   * clamped after every step from then on), or undefined when there is no reason to think that a
   * sign change caused the trouble, the rescue is off, or it was made already.
   */
  rescue(reason: string): RestartPoint | undefined {
    if (!this.rescuing || this.enforcing) return undefined;
    if (!(this.sawNegative || this.held.length > 0)) return undefined;
    const point = this.rewind(reason, 'nonnegative');
    this.enforcing = true;
    let count = 0;
    const watched = this.watched;
    const yGood = this.yGood;
    for (let k = 0; k < watched.length; k++) {
      const i = watched[k]!;
      if (yGood[i]! < 0) {
        yGood[i] = 0;
        this.clampedAtRestart[count++] = i;
      }
    }
    point.clampedCount = count;
    return point;
  }

  /**
   * Take the held steps back (and cut the tape to match) and return the last state passed on:
   * where another method takes over ('auto') or a rescue restarts. Recorded in `stats.rescues`.
   */
  rewind(reason: string, kind: RescueKind, to?: string): RestartPoint {
    const discarded = this.held.length;
    const h = discarded > 0 ? this.hHeld : 0;
    this.held = [];
    this.heldFloats = 0;
    this.suspicious = false;
    this.due = undefined;
    const tape = this.prep.tape;
    if (tape !== undefined && tape.steps > this.tapeGood) {
      // StepTape keeps its records back to back: cutting it is resetting its two counters.
      tape.steps = this.tapeGood;
      tape.used = tape.offset[this.tapeGood]!;
    }
    const record: RescueRecord = { t: this.tGood, kind, reason, discarded };
    if (to !== undefined) record.to = to;
    noteRescue(this.prep.stats, record);
    return { t: this.tGood, y: this.yGood, h, clampedCount: 0 };
  }

  /**
   * When enforcing: clamp the watched components of an accepted state to ≥ 0; returns how many
   * were clamped (their indices in `clamped`). Allocation-free.
   */
  project(y: Float64Array): number {
    if (!this.enforcing) return 0;
    const watched = this.watched;
    const clamped = this.clamped;
    let count = 0;
    for (let k = 0; k < watched.length; k++) {
      const i = watched[k]!;
      if (y[i]! < 0) {
        y[i] = 0;
        clamped[count++] = i;
      }
    }
    return count;
  }

  /** True when a watched component of y that may start a hold is below −atol_i. */
  private below(y: Float64Array): boolean {
    const watched = this.watched;
    const signed = this.signed;
    const atol = this.prep.atol;
    for (let k = 0; k < watched.length; k++) {
      const i = watched[k]!;
      if (y[i]! < -atol[i]! && signed[i] === 0) return true;
    }
    return false;
  }

  private negativeAt(y: Float64Array): boolean {
    const watched = this.watched;
    for (let k = 0; k < watched.length; k++) if (y[watched[k]!]! < 0) return true;
    return false;
  }

  private landsOnStop(tOld: number, tNew: number): boolean {
    return tNew !== this.tEnd && tNew === this.recorder.nextStop(tOld);
  }

  private hold(tOld: number, tNew: number, yNew: Float64Array, interpolant: StepInterpolant): void {
    if (this.held.length === 0) this.dipped.fill(0);
    const watched = this.watched;
    const dipped = this.dipped;
    const atol = this.prep.atol;
    for (let k = 0; k < watched.length; k++) {
      const i = watched[k]!;
      if (yNew[i]! < -atol[i]!) dipped[i] = 1;
    }
    this.held.push({
      tOld,
      tNew,
      y: yNew.slice(),
      interpolant: new HeldInterpolant(interpolant.snapshot()),
      tapeSteps: this.prep.tape?.steps ?? 0,
    });
    // The state and an interpolant of a few rows of n: a bound, not a count.
    this.heldFloats += 8 * yNew.length;
  }

  private release(): boolean {
    const held = this.held;
    this.held = [];
    this.heldFloats = 0;
    let goOn = !this.stopped;
    for (const s of held) {
      if (!goOn) break;
      goOn = this.forward(s.tOld, s.tNew, s.y, s.interpolant, s.tapeSteps);
    }
    return goOn;
  }

  private forward(
    tOld: number,
    tNew: number,
    yNew: Float64Array,
    interpolant: StepInterpolant,
    tapeSteps: number,
  ): boolean {
    const goOn = this.recorder.step(tOld, tNew, yNew, interpolant);
    if (!goOn) this.stopped = true;
    this.tGood = tNew;
    this.yGood.set(yNew);
    if (this.rescuing) {
      const watched = this.watched;
      const peak = this.peak;
      for (let k = 0; k < watched.length; k++) {
        const i = watched[k]!;
        if (yNew[i]! > peak[i]!) peak[i] = yNew[i]!;
      }
    }
    this.tapeGood = tapeSteps;
    return goOn;
  }
}

/**
 * The step a loop restarts with at (t, y), f(t, y) = fy, after its steps collapsed (one helper for
 * bdf, radau5, the Rosenbrock loop and 'auto', written once for the browser bundle's size): Hairer's starting-step heuristic
 * (`initialStepSize`, for an error estimate of the given order, at the loop's tolerances `tol`),
 * but at least a million ulps of t, since that heuristic falls back to an absolute 1e-6 when f is
 * small, below the smallest step far from t = 0 (E5 at t = 1e12); and at most the rest of the
 * span, bounded by the user's hmax.
 */
export function restartStep(
  prep: PreparedSolve,
  t: number,
  y: Float64Array,
  fy: Float64Array,
  order: number,
  work: InitialStepWork,
  tol: { rtol: number; atol: Float64Array } = prep,
): number {
  const hmax = Math.min(prep.hmax, Math.abs(prep.t1 - t));
  const estimate = initialStepSize(prep.f, t, y, fy, order, tol.rtol, tol.atol, prep.direction, hmax, work);
  return Math.min(Math.max(estimate, 1e6 * Number.EPSILON * Math.abs(t)), hmax);
}

/** The guard a loop runs with: the shared one when given, else its own. */
export function guardFor(prep: PreparedSolve, settings: PositivitySettings): PositivityGuard {
  return settings.guard ?? new PositivityGuard(prep, settings.positivityRescue === false ? 'off' : 'rescue');
}
