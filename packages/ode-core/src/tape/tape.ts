/**
 * The record a stepping loop keeps for the discrete adjoint: per accepted step its start time,
 * signed size and a variable-length block of floats (whatever the method needs to run the step
 * transposed: the start state and stages for Runge–Kutta and Rosenbrock, the collocation stages
 * for Radau, the difference-array operations for BDF). Storage doubles when full, so recording
 * allocates only on the rare growth.
 */
export class StepTape {
  /** Start time of each accepted step. */
  t: Float64Array;
  /** Signed size of each accepted step (tNew − t as the loop used it). */
  h: Float64Array;
  /** End time of each accepted step, exactly as the loop reached it (a tstop lands exactly). */
  tNew: Float64Array;
  /** `offset[k]` … `offset[k + 1]` is step k's block in `data`. */
  offset: Int32Array;
  data: Float64Array;
  /** Accepted steps recorded. */
  steps = 0;
  /** Floats used in `data`. */
  used = 0;
  private open = false;

  constructor(capacity = 64, floatsPerStep = 16) {
    this.t = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.tNew = new Float64Array(capacity);
    this.offset = new Int32Array(capacity + 1);
    this.data = new Float64Array(Math.max(16, capacity * floatsPerStep));
  }

  /** Open the record of an accepted step [t, t + h]. */
  begin(t: number, h: number): void {
    if (this.open) throw new Error('StepTape.begin: the previous step is still open');
    if (this.steps === this.t.length) {
      const cap = 2 * this.t.length;
      this.t = grow(this.t, cap);
      this.h = grow(this.h, cap);
      this.tNew = grow(this.tNew, cap);
      const off = new Int32Array(cap + 1);
      off.set(this.offset);
      this.offset = off;
    }
    this.t[this.steps] = t;
    this.h[this.steps] = h;
    this.offset[this.steps] = this.used;
    this.open = true;
  }

  /** Append the first `len` entries of `a` (default all) to the open record. */
  push(a: ArrayLike<number>, len = a.length): void {
    this.reserve(len);
    const d = this.data;
    let u = this.used;
    for (let i = 0; i < len; i++) d[u++] = a[i]!;
    this.used = u;
  }

  /** Append one number to the open record. */
  pushScalar(x: number): void {
    this.reserve(1);
    this.data[this.used++] = x;
  }

  /** Close the open record of the step that ended at `tNew`. */
  end(tNew: number): void {
    this.tNew[this.steps] = tNew;
    this.steps++;
    this.offset[this.steps] = this.used;
    this.open = false;
  }

  /** Offset of step k's block in `data`. */
  start(k: number): number {
    return this.offset[k]!;
  }

  private reserve(len: number): void {
    if (!this.open) throw new Error('StepTape.push: no open step (call begin first)');
    if (this.used + len <= this.data.length) return;
    let cap = 2 * this.data.length;
    while (cap < this.used + len) cap *= 2;
    this.data = grow(this.data, cap);
  }
}

function grow(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/**
 * What a transposed step needs from the problem, and where it writes. Passed to a method's
 * `reverse` by the discrete adjoint; the counters let it report its cost.
 */
export interface ReverseContext {
  readonly n: number;
  readonly np: number;
  /** The parameters the forward solve ran with. */
  readonly p: Float64Array;
  /** vᵀ∂f/∂y into vJy (overwritten); vᵀ∂f/∂p is added into `pbar`. */
  vjpAdd(t: number, y: Float64Array, v: Float64Array, vJy: Float64Array): void;
  /** Exact ∂f/∂y, dense row-major n×n (the model's jac, or n vjps). */
  jac(t: number, y: Float64Array, J: Float64Array): void;
  /** f(t, y) (backward-pass evaluations are counted apart from the forward ones). */
  f(t: number, y: Float64Array, out: Float64Array): void;
  /** ∂L/∂y at the current point of the reverse sweep: on return ∂L/∂y0. */
  readonly lambda: Float64Array;
  /** ∂L/∂p, accumulated. */
  readonly pbar: Float64Array;
  /**
   * Called with the end time of each accepted step (`tape.tNew[k]`) before that step is
   * transposed, the last step first: the caller adds the loss gradients observed there to `lambda`.
   */
  atStepEnd(t: number): void;
}

/** A method's transposed sweep over a tape: '' on success, else why it failed (naming t). */
export type ReverseSweep = (tape: StepTape, ctx: ReverseContext) => string;
