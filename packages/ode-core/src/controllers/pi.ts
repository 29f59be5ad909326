import type { ControllerOptions } from '../types';

/**
 * PI step-size controller (Hairer–Wanner II, IV.2 "Lund stabilization"; Söderlind 2002):
 * h_new = h · safety · err^(−beta1) · errPrev^(beta2), clamped to [facmin, facmax].
 * With beta2 = 0 it is the classic I controller (beta1 = 1/(q+1), scipy's choice). The defaults are
 * Hairer's dopri5.f ones (beta1 = 0.17, beta2 = 0.04 for q = 4), scaled with the error order.
 *
 * Usage per attempted step: `ok = c.accept(err)`, then `h = c.propose(h, err)`; `propose` also
 * remembers `err` as the previous accepted error when the step was accepted, and forbids growth
 * right after a rejection (Hairer–Wanner's safeguard against oscillating rejections).
 */
export class PIController {
  readonly beta1: number;
  readonly beta2: number;
  readonly safety: number;
  readonly facmax: number;
  readonly facmin: number;
  #errPrev = 1;
  #rejectedLast = false;

  /** @param errorOrder order q of the error estimate (dopri5: 4); exponents scale as 1/(q+1). */
  constructor(errorOrder: number, opts: ControllerOptions = {}) {
    if (!(Number.isFinite(errorOrder) && errorOrder > 0)) {
      throw new RangeError(`PIController: errorOrder must be a positive number, got ${errorOrder}`);
    }
    const k = errorOrder + 1;
    // Hairer's dopri5.f defaults generalised to order q: beta2 = 0.04·5/(q+1), beta1 = 1/(q+1) − 0.75·beta2.
    this.beta2 = opts.beta2 ?? 0.2 / k;
    this.beta1 = opts.beta1 ?? 1 / k - 0.75 * this.beta2;
    this.safety = opts.safety ?? 0.9;
    this.facmax = opts.facmax ?? 10;
    this.facmin = opts.facmin ?? 0.2;
    checkControllerOptions(this);
  }

  /** True when the scaled error norm accepts the step (errNorm ≤ 1). */
  accept(errNorm: number): boolean {
    return errNorm <= 1;
  }

  /** Next step size (same sign as `h`) after a step with scaled error `errNorm`. */
  propose(h: number, errNorm: number): number {
    const accepted = errNorm <= 1;
    // No growth on a rejection, nor right after one.
    const cap = accepted && !this.#rejectedLast ? this.facmax : 1;
    let fac = this.facmax;
    if (Number.isNaN(errNorm)) {
      // A NaN error shrinks maximally.
      fac = this.facmin;
    } else if (errNorm !== 0) {
      // After a rejection only the current error is informative (an infinite one gives 0: facmin).
      fac = this.safety * errNorm ** -this.beta1;
      if (accepted) fac *= this.#errPrev ** this.beta2;
    }
    // The floor keeps a lucky near-zero error from freezing the proportional term.
    if (accepted) this.#errPrev = Math.max(errNorm, 1e-4);
    this.#rejectedLast = !accepted;
    return h * Math.min(cap, Math.max(this.facmin, fac));
  }

  /** Forget the error history (after landing on a tstop or switching method). */
  reset(): void {
    this.#errPrev = 1;
    this.#rejectedLast = false;
  }
}

/** Each coefficient's valid range, as the error message states it. */
const VALID: ReadonlyArray<[keyof ControllerOptions, string, (v: number) => boolean]> = [
  ['beta1', '> 0', (v) => v > 0],
  ['beta2', '≥ 0', (v) => v >= 0],
  ['safety', 'in (0, 1]', (v) => v > 0 && v <= 1],
  ['facmax', '> 1', (v) => v > 1],
  ['facmin', 'in (0, 1)', (v) => v > 0 && v < 1],
];

function checkControllerOptions(c: PIController): void {
  for (const [name, range, ok] of VALID) {
    const v = c[name];
    if (!(Number.isFinite(v) && ok(v))) {
      throw new RangeError(`PIController: ${name} must be a finite number ${range}, got ${v}`);
    }
  }
}
