import type { StepInterpolant } from '../stepping';

/**
 * Cubic Hermite interpolant of one step from its end values and slopes (y0, f0) and (y1, f1):
 * third-order accurate, C¹ across steps. The continuous extension of methods that have none
 * of their own. Buffers are allocated once; `set` copies the step data in.
 */
export class HermiteInterpolant implements StepInterpolant {
  #tOld = 0;
  #h = 0;
  readonly #y0: Float64Array;
  readonly #f0: Float64Array;
  readonly #y1: Float64Array;
  readonly #f1: Float64Array;

  constructor(readonly n: number) {
    this.#y0 = new Float64Array(n);
    this.#f0 = new Float64Array(n);
    this.#y1 = new Float64Array(n);
    this.#f1 = new Float64Array(n);
  }

  /** Load the step [tOld, tNew] with y0 = y(tOld), f0 = y'(tOld), y1 = y(tNew), f1 = y'(tNew). */
  set(
    tOld: number,
    tNew: number,
    y0: Float64Array,
    f0: Float64Array,
    y1: Float64Array,
    f1: Float64Array,
  ): void {
    this.#tOld = tOld;
    this.#h = tNew - tOld;
    this.#y0.set(y0);
    this.#f0.set(f0);
    this.#y1.set(y1);
    this.#f1.set(f1);
  }

  evaluate(t: number, out: Float64Array): void {
    hermiteEvaluate((t - this.#tOld) / this.#h, this.#h, this.#y0, this.#f0, this.#y1, this.#f1, out);
  }

  snapshot(): (t: number, out: Float64Array) => void {
    return hermiteSnapshot(this.#tOld, this.#h, this.#y0, this.#f0, this.#y1, this.#f1);
  }
}

/**
 * The cubic Hermite step of signed length h from tOld, (y0, f0) to (y1, f1), as a function of t on
 * copies of the data: the snapshot of every interpolant that uses it.
 */
export function hermiteSnapshot(
  tOld: number,
  h: number,
  ...ends: [y0: Float64Array, f0: Float64Array, y1: Float64Array, f1: Float64Array]
): (t: number, out: Float64Array) => void {
  const [y0, f0, y1, f1] = ends.map((v) => v.slice()) as typeof ends;
  return (t, out) => hermiteEvaluate((t - tOld) / h, h, y0, f0, y1, f1, out);
}

/** A Hermite interpolant for states of length n (see `HermiteInterpolant`). */
export function hermiteInterpolant(n: number): HermiteInterpolant {
  return new HermiteInterpolant(n);
}

/** Cubic Hermite value at θ = (t − tOld)/h ∈ [0, 1] of the step of signed length h, into `out`. */
export function hermiteEvaluate(
  theta: number,
  h: number,
  y0: Float64Array,
  f0: Float64Array,
  y1: Float64Array,
  f1: Float64Array,
  out: Float64Array,
): void {
  const t2 = theta * theta;
  const t3 = t2 * theta;
  const h00 = 2 * t3 - 3 * t2 + 1;
  const h10 = (t3 - 2 * t2 + theta) * h;
  const h01 = 1 - h00;
  const h11 = (t3 - t2) * h;
  for (let i = 0; i < out.length; i++) {
    out[i] = h00 * y0[i]! + h10 * f0[i]! + h01 * y1[i]! + h11 * f1[i]!;
  }
}
