import { hermiteEvaluate, hermiteSnapshot } from '../interpolation/hermite';
import { scaledErrorNorm, scaledSquares } from '../step-size/error-norm';
import type { StepInterpolant } from '../stepping';
import type { RhsFunction } from '../types';
import type { DenseExtension, ExplicitTableau } from './tableau';

/**
 * The one explicit Runge–Kutta stepper: runs any `ExplicitTableau` on Float64Array workspaces
 * allocated once at construction. Stage k_0 = f(t, y) is supplied by the caller (`k[0]`), which
 * is how FSAL reuse and the restart after a tstop are expressed.
 */
export class RungeKuttaStepper {
  /** Stage derivatives k_i (s of the tableau, then any extra dense-output stages). */
  readonly k: Float64Array[];
  /** Local error estimate h·Σ btilde_i k_i of the last step. */
  readonly err: Float64Array;
  readonly #err3: Float64Array;
  readonly #yStage: Float64Array;
  readonly #f: RhsFunction;

  constructor(
    readonly tableau: ExplicitTableau,
    readonly n: number,
    f: RhsFunction,
  ) {
    this.#f = f;
    const extra = tableau.dense?.extraC?.length ?? 0;
    this.k = Array.from({ length: tableau.stages + extra }, () => new Float64Array(n));
    this.err = new Float64Array(n);
    this.#err3 = new Float64Array(n);
    this.#yStage = new Float64Array(n);
  }

  /**
   * One step of signed size h = tNew − t from y (with k[0] = f(t, y) already in place) into
   * `yNew`. For FSAL tableaux this also leaves f(tNew, yNew) in the last stage.
   */
  step(t: number, y: Float64Array, tNew: number, yNew: Float64Array): void {
    const { a, b, c, stages: s, fsal } = this.tableau;
    const { k, n } = this;
    const f = this.#f;
    const h = tNew - t;
    const last = fsal ? s - 1 : s;
    const ys = this.#yStage;
    for (let i = 1; i < last; i++) {
      combine(y, h, a[i]!, k, ys, n);
      f(t + c[i]! * h, ys, k[i]!);
    }
    combine(y, h, fsal ? a[s - 1]! : b, k, yNew, n);
    if (fsal) f(tNew, yNew, k[s - 1]!);
  }

  /** Scaled RMS norm of the last step's error estimate (DOP853's combined estimate where defined). */
  errorNorm(h: number, y: Float64Array, yNew: Float64Array, atol: Float64Array, rtol: number): number {
    const { btilde, btilde3 } = this.tableau;
    if (btilde === undefined) return 0;
    const { k, n } = this;
    const e = this.err;
    e.fill(0);
    addStages(h, btilde, k, e, n);
    if (btilde3 === undefined) return scaledErrorNorm(e, y, yNew, atol, rtol);
    const e3 = this.#err3;
    e3.fill(0);
    addStages(h, btilde3, k, e3, n);
    const s5 = scaledSquares(e, y, yNew, atol, rtol);
    const s3 = scaledSquares(e3, y, yNew, atol, rtol);
    if (s5 === 0) return 0;
    // err5 carries h; the err3 term only damps the estimate where the 5th-order one is unreliable.
    return s5 / Math.sqrt((s5 + 0.01 * s3) * n);
  }

  /** Evaluate the extra dense-output stages of the step [t, t + h] from y (idempotent per step is the caller's job). */
  extraStages(t: number, y: Float64Array, h: number): void {
    const dense = this.tableau.dense;
    if (dense?.extraC === undefined || dense.extraA === undefined) return;
    const s = this.tableau.stages;
    const ys = this.#yStage;
    for (let e = 0; e < dense.extraC.length; e++) {
      combine(y, h, dense.extraA[e]!, this.k, ys, this.n);
      this.#f(t + dense.extraC[e]! * h, ys, this.k[s + e]!);
    }
  }
}

/**
 * out = y + h Σ_j w_j k_j over the leading w.length stages, skipping zero weights: a stage state
 * (also rebuilt this way by the transposed step in reverse.ts), the new solution or a value of the
 * continuous extension (h = 1, the weights carrying h).
 */
export function combine(
  y: Float64Array,
  h: number,
  w: Float64Array,
  k: Float64Array[],
  out: Float64Array,
  n: number,
) {
  out.set(y);
  addStages(h, w, k, out, n);
}

/**
 * out += h Σ_j w_j k_j, skipping zero weights: the one loop of stage states, the new solution and
 * the error estimates (written once for the browser bundle's size, docs/bundles.md).
 */
function addStages(h: number, w: Float64Array, k: Float64Array[], out: Float64Array, n: number) {
  for (let j = 0; j < w.length; j++) {
    const hw = h * w[j]!;
    if (hw === 0) continue;
    const kj = k[j]!;
    for (let i = 0; i < n; i++) out[i]! += hw * kj[i]!;
  }
}

/**
 * Continuous extension of the stepper's last accepted step: the tableau's own polynomial when it
 * has one, cubic Hermite otherwise. It reads the stepper's live buffers, so it is valid only
 * until the next step; `snapshot` copies what it needs.
 */
export class RungeKuttaInterpolant implements StepInterpolant {
  #tOld = 0;
  #h = 0;
  #yOld!: Float64Array;
  #yNew!: Float64Array;
  #fNew!: Float64Array;
  #extraDone = false;
  readonly #weights: Float64Array;
  readonly #stepper: RungeKuttaStepper;

  constructor(stepper: RungeKuttaStepper) {
    this.#stepper = stepper;
    this.#weights = new Float64Array(stepper.k.length);
  }

  /** Point the interpolant at the step [tOld, tOld + h] from yOld to yNew, with fNew = f(tNew, yNew). */
  set(tOld: number, h: number, yOld: Float64Array, yNew: Float64Array, fNew: Float64Array): void {
    this.#tOld = tOld;
    this.#h = h;
    this.#yOld = yOld;
    this.#yNew = yNew;
    this.#fNew = fNew;
    this.#extraDone = false;
  }

  evaluate(t: number, out: Float64Array): void {
    const dense = this.#stepper.tableau.dense;
    const theta = (t - this.#tOld) / this.#h;
    if (dense === undefined) {
      hermiteEvaluate(theta, this.#h, this.#yOld, this.#stepper.k[0]!, this.#yNew, this.#fNew, out);
      return;
    }
    this.#ensureExtraStages();
    polynomialEvaluate(dense, theta, this.#h, this.#yOld, this.#stepper.k, this.#weights, out);
  }

  snapshot(): (t: number, out: Float64Array) => void {
    const tOld = this.#tOld;
    const h = this.#h;
    const dense = this.#stepper.tableau.dense;
    if (dense === undefined) {
      return hermiteSnapshot(tOld, h, this.#yOld, this.#stepper.k[0]!, this.#yNew, this.#fNew);
    }
    const yOld = this.#yOld.slice();
    this.#ensureExtraStages();
    // Stages with an all-zero weight polynomial (e.g. dopri5's k2) need not be kept.
    const k = this.#stepper.k.map((ki, i) =>
      dense.coeffs[i]?.some((x) => x !== 0) ? ki.slice() : ki.subarray(0, 0),
    );
    const weights = new Float64Array(k.length);
    return (t, out) => polynomialEvaluate(dense, (t - tOld) / h, h, yOld, k, weights, out);
  }

  #ensureExtraStages(): void {
    if (this.#extraDone) return;
    this.#stepper.extraStages(this.#tOld, this.#yOld, this.#h);
    this.#extraDone = true;
  }
}

function polynomialEvaluate(
  dense: DenseExtension,
  theta: number,
  h: number,
  y0: Float64Array,
  k: Float64Array[],
  weights: Float64Array,
  out: Float64Array,
): void {
  const coeffs = dense.coeffs;
  for (let i = 0; i < coeffs.length; i++) {
    const p = coeffs[i]!;
    let acc = 0;
    for (let j = p.length - 1; j >= 0; j--) acc = acc * theta + p[j]!;
    weights[i] = h * theta * acc;
  }
  // out = y0 + Σ_i weights_i k_i (the weights carry h already).
  combine(y0, 1, weights, k, out, out.length);
}
