import type { StepInterpolant, StepRecorder } from '../stepping';
import type { EventRecord, EventSpec, Solution, SolveStatus, SolverStats } from '../types';
import { locateRoot } from './locate-root';

/** What an `OutputRecorder` needs to know about the solve (built by `prepareSolve`). */
export interface RecorderConfig {
  n: number;
  t0: number;
  t1: number;
  direction: 1 | -1;
  y0: Float64Array;
  /** Output times, monotone in the integration direction, inside the span; absent: every step. */
  saveAt?: Float64Array;
  dense: boolean;
  /** Discontinuity times strictly inside the span, sorted in the integration direction. */
  tstops: Float64Array;
  events: readonly EventSpec[];
  stats: SolverStats;
}

type DenseSegment = (t: number, out: Float64Array) => void;

/**
 * The one `StepRecorder` of Kinetica: turns accepted steps into the user's `Solution` (saveAt
 * points through the step's interpolant, or every step; dense output; events; tstops).
 */
export class OutputRecorder implements StepRecorder {
  readonly direction: 1 | -1;
  readonly tEnd: number;
  readonly #cfg: RecorderConfig;
  /** Output times and states (row-major, n per row), written in place: no per-row allocation. */
  #tOut: Float64Array;
  #yOut: Float64Array;
  #count = 0;
  #saveIdx = 0;
  #stopIdx = 0;
  readonly #segEnds: number[] = [];
  readonly #segFns: DenseSegment[] = [];
  readonly #gPrev: Float64Array;
  readonly #eventLog: EventRecord[] = [];
  readonly #yTmp: Float64Array;
  #tLast: number;
  #stoppedAtEvent = false;
  /** The interpolant of the step being recorded, read by the event functions along it. */
  #stepInterp: StepInterpolant | null = null;
  /** g_k(t, y(t)) along the current step's interpolant, built once per solve. */
  readonly #gAlong: Array<(t: number) => number>;
  readonly #found: Array<{ k: number; t: number }> = [];

  constructor(cfg: RecorderConfig) {
    this.#cfg = cfg;
    this.direction = cfg.direction;
    this.tEnd = cfg.t1;
    this.#tLast = cfg.t0;
    this.#yTmp = new Float64Array(cfg.n);
    // With saveAt the number of rows is known, and the times are saveAt's (prepareSolve's own
    // copy): row k is saveAt[k], so no second array of times (on dense grids fresh memory costs
    // more than the rows: first touches of new pages). Otherwise the buffers double as steps come.
    const rows = cfg.saveAt === undefined ? 64 : Math.max(1, cfg.saveAt.length);
    this.#tOut = cfg.saveAt ?? new Float64Array(rows);
    this.#yOut = new Float64Array(rows * cfg.n);
    this.#gPrev = Float64Array.from(cfg.events, (ev) => ev.g(cfg.t0, cfg.y0));
    this.#gAlong = cfg.events.map((ev) => (t: number) => {
      this.#stepInterp!.evaluate(t, this.#yTmp);
      return ev.g(t, this.#yTmp);
    });
    if (cfg.saveAt === undefined) {
      this.#push(cfg.t0, cfg.y0);
    } else {
      const s = cfg.saveAt;
      while (this.#saveIdx < s.length && s[this.#saveIdx] === cfg.t0) {
        this.#push(cfg.t0, cfg.y0);
        this.#saveIdx++;
      }
    }
  }

  /** True once a terminal event has ended the integration. */
  get stopped(): boolean {
    return this.#stoppedAtEvent;
  }

  /** The last time reached (t0 before the first step; the event time after a terminal event). */
  get tReached(): number {
    return this.#tLast;
  }

  nextStop(t: number): number {
    const stops = this.#cfg.tstops;
    const d = this.direction;
    while (this.#stopIdx < stops.length && d * (stops[this.#stopIdx]! - t) <= 0) this.#stopIdx++;
    return stops[this.#stopIdx] ?? this.tEnd;
  }

  step(tOld: number, tNew: number, yNew: Float64Array, interpolant: StepInterpolant): boolean {
    if (this.#stoppedAtEvent) return false;
    let tStop = tNew;
    let yStop = yNew;
    if (this.#cfg.events.length > 0) {
      const hit = this.#handleEvents(tOld, tNew, yNew, interpolant);
      if (hit !== null) {
        tStop = hit.t;
        yStop = hit.y;
        this.#stoppedAtEvent = true;
      }
    }
    const saveAt = this.#cfg.saveAt;
    if (saveAt === undefined) {
      this.#push(tStop, yStop);
    } else {
      // The saveAt rows up to tStop. Those before it come from the step's interpolant, in one
      // `evaluateRows` call straight into the block where it has one (the block has a row for
      // every output time, so it never grows); those at tStop itself (last: saveAt is monotone)
      // are yStop.
      const d = this.direction;
      let k = this.#saveIdx;
      let end = k;
      while (end < saveAt.length && d * (saveAt[end]! - tStop) <= 0) end++;
      let mid = end;
      while (mid > k && saveAt[mid - 1] === tStop) mid--;
      if (interpolant.evaluateRows && mid > k) {
        // Rows k … mid − 1 (the count equals k: every saveAt time up to here has its row).
        interpolant.evaluateRows(saveAt, k, mid, this.#yOut, k * this.#cfg.n);
        this.#count = mid;
        k = mid;
      }
      for (; k < end; k++) {
        const ts = saveAt[k]!;
        if (ts === tStop) {
          this.#push(ts, yStop);
        } else {
          interpolant.evaluate(ts, this.#yTmp);
          this.#push(ts, this.#yTmp);
        }
      }
      this.#saveIdx = end;
    }
    if (this.#cfg.dense) {
      this.#segEnds.push(tStop);
      this.#segFns.push(interpolant.snapshot());
    }
    this.#tLast = tStop;
    return !this.#stoppedAtEvent;
  }

  /** Assemble the `Solution`; on failure it holds everything recorded up to the failure. */
  finish(status: SolveStatus, message: string, method: string): Solution {
    const { n } = this.#cfg;
    const count = this.#count;
    const Y = this.#yOut.length === count * n ? this.#yOut : this.#yOut.slice(0, count * n);
    let rows: Float64Array[] | undefined;
    const sol: Solution = {
      status,
      message,
      t: this.#tOut.length === count ? this.#tOut : this.#tOut.slice(0, count),
      Y,
      stats: this.#cfg.stats,
      events: this.#eventLog,
      method,
      // One Float64Array per row costs more than the solve on dense grids (a typed-array view is
      // ~0.3 µs on V8, against ~30 ns to write the row): the rows are views of Y, made on first use.
      get y() {
        rows ??= Array.from({ length: count }, (_, i) => Y.subarray(i * n, (i + 1) * n));
        return rows;
      },
      set y(value) {
        rows = value;
      },
    };
    if (this.#cfg.dense) sol.at = this.#denseOutput();
    return sol;
  }

  /** Append the row (t, y), growing the buffers by doubling when the row count was not known. */
  #push(t: number, y: Float64Array): void {
    const n = this.#cfg.n;
    if (this.#count === this.#tOut.length) {
      this.#tOut = doubled(this.#tOut);
      this.#yOut = doubled(this.#yOut);
    }
    this.#tOut[this.#count] = t;
    const yOut = this.#yOut;
    const off = this.#count * n;
    for (let i = 0; i < n; i++) yOut[off + i] = y[i]!;
    this.#count++;
  }

  /**
   * Detect sign changes of every g over the step (at the ends and at the midpoint, so that a
   * pair of crossings inside one step is not missed), locate them on the interpolant, log them
   * in time order, and return the first terminal one (or null).
   */
  #handleEvents(
    tOld: number,
    tNew: number,
    yNew: Float64Array,
    interp: StepInterpolant,
  ): { t: number; y: Float64Array } | null {
    const { events, n } = this.#cfg;
    const d = this.direction;
    const tMid = 0.5 * (tOld + tNew);
    const found = this.#found;
    found.length = 0;
    this.#stepInterp = interp;
    for (let k = 0; k < events.length; k++) {
      const ev = events[k]!;
      const gAt = this.#gAlong[k]!;
      const g0 = this.#gPrev[k]!;
      const gm = gAt(tMid);
      const g1 = ev.g(tNew, yNew);
      const dir = ev.direction ?? 0;
      if (crosses(g0, gm, dir)) found.push({ k, t: locateRoot(gAt, tOld, g0, tMid, gm, eventTol(tMid)) });
      if (crosses(gm, g1, dir)) found.push({ k, t: locateRoot(gAt, tMid, gm, tNew, g1, eventTol(tNew)) });
      this.#gPrev[k] = g1;
    }
    this.#stepInterp = null;
    if (found.length === 0) return null;
    found.sort((p, q) => d * (p.t - q.t));
    for (const { k, t } of found) {
      const ev = events[k]!;
      const yEv = new Float64Array(n);
      if (t === tNew) yEv.set(yNew);
      else interp.evaluate(t, yEv);
      const rec: EventRecord = { index: k, t, y: yEv };
      if (ev.name !== undefined) rec.name = ev.name;
      this.#eventLog.push(rec);
      if (ev.terminal) return { t, y: yEv };
    }
    return null;
  }

  #denseOutput(): (t: number, out?: Float64Array) => Float64Array {
    const { t0, n, y0 } = this.#cfg;
    const d = this.direction;
    const ends = this.#segEnds;
    const fns = this.#segFns;
    const tLast = this.#tLast;
    const y0Copy = y0.slice();
    return (t: number, out?: Float64Array) => {
      if (!(d * (t - t0) >= 0 && d * (tLast - t) >= 0)) {
        throw new RangeError(`sol.at: t=${t} is outside the integrated span [${t0}, ${tLast}]`);
      }
      const res = out ?? new Float64Array(n);
      // Also every t there is before the first step (tLast = t0 then).
      if (t === t0) {
        res.set(y0Copy);
        return res;
      }
      // First segment whose end is at or beyond t in the integration direction.
      let lo = 0;
      let hi = ends.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (d * (ends[mid]! - t) >= 0) hi = mid;
        else lo = mid + 1;
      }
      fns[lo]!(t, res);
      return res;
    };
  }
}

/** A copy of `a` in a buffer twice as long. */
function doubled(a: Float64Array): Float64Array {
  const b = new Float64Array(2 * a.length);
  b.set(a);
  return b;
}

/** Event times are located to |Δt| ≤ 1e-12·max(1, |t|). */
function eventTol(t: number): number {
  return 1e-12 * Math.max(1, Math.abs(t));
}

/** Sign change from a to b along the integration, filtered by the event's direction. */
function crosses(a: number, b: number, direction: -1 | 0 | 1): boolean {
  // Rising (when direction ≥ 0) or falling (when direction ≤ 0).
  return (direction >= 0 && a < 0 && b >= 0) || (direction <= 0 && a > 0 && b <= 0);
}
