import type { Evaluator } from './compile-math';
import { SbmlUnsupportedError } from './errors';

/** How one delayed expression is read from the past (built by `compileSbml` for each delay csymbol). */
export interface DelayedRead {
  /** The delayed expression, evaluated on the value vector of the past time. */
  readonly arg: Evaluator;
  /**
   * Compute in `w` the derived values (assignment rules, rates, reaction rates, concentrations)
   * that `arg` reads, from the states, parameters and time already in `w`.
   */
  derive(w: Float64Array): void;
  /**
   * The same from the model's initial-value definitions (initial assignments, assignment rules,
   * declared values) at the time in `w`. `before`: a time before the simulation starts, where the
   * model is taken as at rest, so every rateOf is 0.
   */
  deriveInitial(w: Float64Array, before: boolean): void;
}

/** Dense output of a solve: the state at t (`out` reused when given). */
export type DenseOutput = (t: number, out?: Float64Array) => Float64Array;

/** A stretch of the simulated past between two restarts of the solver. */
interface Piece {
  start: number;
  /** Last time covered (start while the piece is being integrated). */
  end: number;
  /** The model's value vector when the piece started (parameters, compartments, local parameters). */
  values: Float64Array;
  /** The state at start. */
  y: Float64Array;
  /** The solver's dense output on [start, end]; undefined while the piece is being integrated. */
  at: DenseOutput | undefined;
}

/** Relative distance under which two piece ends are taken as one (see `DelayBreaks.next`). */
const BREAK_TOLERANCE = 1e-10;

/** Delayed reads nested deeper than this (a value defined through its own past) are refused. */
const MAX_NESTING = 200;

/**
 * The simulated past that the SBML `delay` csymbol reads: x(t − d) for any expression x of the model.
 *
 * - Before the simulation starts, the past is the model's initial-value definitions evaluated at the
 *   past time with everything else at rest (the SBML Test Suite's reading: case 00937 evaluates the
 *   assignment rule x = sin(10·t) at t − d < 0, case 00941 an initial assignment, case 00939 holds a
 *   species at its initial amount; rates of that past are 0, case 01401).
 * - From the start, the past is a list of pieces, one per solve between restarts (events, method-of-
 *   steps breaks): the state from the solver's dense output (`dense: true`, each method's own
 *   continuous extension), parameters as they were when the piece started; every other value
 *   (assignment rules, rates, concentrations) is recomputed from those at the past time, so x may be
 *   any expression of the model's symbols, a rateOf or another delay included.
 * - At a restart time with a jump (an event), a read while integrating the piece that ends there takes
 *   the value before the jump (the left limit), every other read the value after it (the values at an
 *   event time are the ones after the event, as SBML output shows them).
 *
 * A read that reaches beyond the recorded past throws: the simulation loop never integrates a piece
 * longer than the smallest delay that the right-hand side or a trigger reads (`delays`).
 */
export class DelayHistory {
  /**
   * The delay times, all fixed for the run and > 0, that the ODE's right-hand side and the event
   * triggers read while the solver integrates (ascending, distinct): a piece longer than the smallest
   * would need its own unknown part, and derivatives of the solution jump at start + Σ kᵢ·dᵢ.
   */
  delays: number[] = [];
  private pieces: Piece[] = [];
  private initializing = true;
  private depth = 0;
  private left = false;
  private readonly buffers: Float64Array[] = [];
  private readonly stateBuffers: Float64Array[] = [];
  private blank: Float64Array;

  constructor(
    private readonly timeSlot: number,
    private readonly stateSlots: readonly number[],
    /** The model's value vector (read when a piece starts). */
    private readonly values: Float64Array,
  ) {
    this.blank = new Float64Array(values.length);
  }

  /** Begin the initial-value computation; `blank` is the value vector it starts from. */
  beginInitial(blank: Float64Array): void {
    this.blank = blank.slice();
    this.initializing = true;
    this.pieces = [];
  }

  /** End the initial-value computation: reads now come from the recorded pieces. */
  endInitial(): void {
    this.initializing = false;
  }

  /**
   * Start a piece at time t from state y and the model's current values: at the start of the run,
   * after every event execution and before every solve. Replaces pieces that start at or after t;
   * a t before the end of the recorded past starts a new run.
   */
  mark(t: number, y: Float64Array): void {
    const pieces = this.pieces;
    while (pieces.length > 0 && pieces[pieces.length - 1]!.start >= t) pieces.pop();
    const last = pieces[pieces.length - 1];
    // An unfinished piece before t, or a past beyond t: a new run.
    if (last && (last.at === undefined || last.end > t + 1e-10 * Math.max(1, Math.abs(t)))) this.pieces = [];
    this.pieces.push({
      start: t,
      end: t,
      values: this.values.slice(),
      y: y.slice(0, this.stateSlots.length),
      at: undefined,
    });
  }

  /** Close the piece being integrated: the solver's dense output on [its start, end]. */
  extend(end: number, at: DenseOutput): void {
    const last = this.pieces[this.pieces.length - 1];
    if (!last || last.at !== undefined) throw new Error('DelayHistory.extend: no piece is being integrated');
    last.end = end;
    last.at = at;
  }

  /**
   * delay(x, d) read at the time and values in `vec`: x at t − d. `where` names the math for messages.
   */
  read(d: number, vec: Float64Array, x: DelayedRead, where: string): number {
    const t = vec[this.timeSlot]!;
    if (!(d >= 0)) throw new RangeError(`SBML: ${where}: the delay time is ${d} at t=${t} (it must be ≥ 0)`);
    if (this.depth >= MAX_NESTING) {
      throw new SbmlUnsupportedError(
        'csymbol',
        `delay in ${where}: more than ${MAX_NESTING} delayed reads nested in one another at t=${t} ` +
          '(a value defined through its own past) are not evaluated',
      );
    }
    const tau = t - d;
    const w = (this.buffers[this.depth] ??= new Float64Array(vec.length));
    if (this.depth === 0) {
      const open = this.pieces[this.pieces.length - 1];
      this.left = !this.initializing && open !== undefined && open.at === undefined && t > open.start;
    }
    this.depth++;
    try {
      if (this.initializing) {
        this.beforeStart(w, tau, x, d > 0);
      } else if (
        this.pieces.length === 0 ||
        (this.left ? tau <= this.pieces[0]!.start : tau < this.pieces[0]!.start)
      ) {
        this.beforeStart(w, tau, x, true);
      } else if (d === 0) {
        // x now: from the current values (its derived values recomputed, as they may not be yet).
        w.set(vec);
        x.derive(w);
      } else {
        this.load(tau, w);
        x.derive(w);
      }
      return x.arg(w);
    } finally {
      this.depth--;
    }
  }

  private beforeStart(w: Float64Array, tau: number, x: DelayedRead, before: boolean): void {
    w.set(this.blank);
    w[this.timeSlot] = tau;
    x.deriveInitial(w, before);
  }

  /** Parameters, time and state at tau into w. */
  private load(tau: number, w: Float64Array): void {
    const pieces = this.pieces;
    // The last piece starting before tau (at or before it for a right-limit read).
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const s = pieces[mid]!.start;
      if (this.left ? s < tau : s <= tau) lo = mid;
      else hi = mid - 1;
    }
    const p = pieces[lo]!;
    // Solver stages never lie beyond the step's end, so a read passes the recorded end only by
    // rounding (t − d for t at a piece end one smallest delay after its start) or by a piece end
    // merged with a break within BREAK_TOLERANCE: both well within this.
    const tol = 10 * BREAK_TOLERANCE * Math.max(1, Math.abs(tau));
    if (tau > p.end + tol) {
      throw new Error(
        `SBML delay: the state at t=${tau} is not known yet (the recorded past ends at ${p.end}); ` +
          'pieces must not be longer than the smallest delay',
      );
    }
    w.set(p.values);
    w[this.timeSlot] = tau;
    const n = this.stateSlots.length;
    if (n === 0) return;
    const y =
      p.at && tau > p.start
        ? p.at(Math.min(tau, p.end), (this.stateBuffers[this.depth] ??= new Float64Array(p.y.length)))
        : p.y;
    for (let k = 0; k < n; k++) w[this.stateSlots[k]!] = y[k]!;
  }
}

/**
 * The ends of the pieces the simulation integrates, for the method of steps. With delays d₁ < … < dₘ
 * read while integrating, the solution's derivatives jump at s + Σ kᵢ·dᵢ after a jump at s (the start,
 * where the past joins the solution, and every event execution): each order one higher, so the first
 * few orders (Σ kᵢ ≤ 6, past which every method here is smooth enough) become piece ends, where the
 * solver restarts instead of stepping over them. And no piece is longer than d₁ (a grid s₀ + k·d₁):
 * inside one piece, t − dᵢ then lies in the recorded past, never in the piece itself.
 */
export class DelayBreaks {
  private readonly grid: number;
  private readonly offsets: number[];
  private pending: number[] = [];

  constructor(
    delays: readonly number[],
    private readonly t0: number,
    private readonly tEnd: number,
  ) {
    this.grid = delays.length > 0 ? delays[0]! : Number.POSITIVE_INFINITY;
    this.offsets = propagation(delays);
  }

  /** How many pieces the grid alone makes on [t0, tEnd]. */
  get gridPieces(): number {
    return (this.tEnd - this.t0) / this.grid;
  }

  /** A jump at s (the start, an event execution): its propagated discontinuities become piece ends. */
  jump(s: number): void {
    let added = false;
    for (const o of this.offsets) {
      const b = s + o;
      if (b > this.tEnd) break;
      this.pending.push(b);
      added = true;
    }
    if (added) this.pending.sort((a, b) => a - b);
  }

  /** The end of the piece that starts at t (Infinity without delays). */
  next(t: number): number {
    // Breaks closer than this to t or to the end (rounding: 3·0.1 against 0.3) end no piece of their
    // own: a piece that short would be below the solvers' smallest step there.
    const tol = Math.min(BREAK_TOLERANCE * Math.max(1, Math.abs(t)), 1e-6 * this.grid);
    const pending = this.pending;
    let drop = 0;
    while (drop < pending.length && pending[drop]! <= t + tol) drop++;
    if (drop > 0) pending.splice(0, drop);
    let end = pending.length > 0 ? pending[0]! : Number.POSITIVE_INFINITY;
    if (Number.isFinite(this.grid)) {
      let k = Math.floor((t - this.t0) / this.grid) + 1;
      let g = this.t0 + k * this.grid;
      while (g <= t + tol) g = this.t0 + ++k * this.grid;
      end = Math.min(end, g);
    }
    return end >= this.tEnd - tol ? this.tEnd : end;
  }
}

/** Σ kᵢ·dᵢ for 1 ≤ Σ kᵢ ≤ K, ascending and distinct; K = 6, lowered while there are more than 256. */
function propagation(delays: readonly number[]): number[] {
  for (let order = 6; order >= 1; order--) {
    let level = [0];
    const all: number[] = [];
    for (let k = 1; k <= order; k++) {
      const next = new Set<number>();
      for (const s of level) for (const d of delays) next.add(s + d);
      level = [...next];
      all.push(...level);
      if (all.length > 4096) break;
    }
    all.sort((a, b) => a - b);
    const distinct = all.filter((v, i) => i === 0 || v - all[i - 1]! > 1e-12 * Math.max(1, v));
    if (distinct.length <= 256 || order === 1) return distinct;
  }
  return [];
}
