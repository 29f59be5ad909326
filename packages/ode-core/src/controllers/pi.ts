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
  private errPrev = 1;
  private rejectedLast = false;

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
    let fac: number;
    if (errNorm <= 1) {
      fac = errNorm === 0 ? this.facmax : this.safety * errNorm ** -this.beta1 * this.errPrev ** this.beta2;
      fac = Math.min(this.rejectedLast ? 1 : this.facmax, Math.max(this.facmin, fac));
      // The floor keeps a lucky near-zero error from freezing the proportional term.
      this.errPrev = Math.max(errNorm, 1e-4);
      this.rejectedLast = false;
    } else {
      // After a rejection only the current error is informative (a NaN error shrinks maximally).
      fac =
        errNorm === Infinity || Number.isNaN(errNorm) ? this.facmin : this.safety * errNorm ** -this.beta1;
      fac = Math.min(1, Math.max(this.facmin, fac));
      this.rejectedLast = true;
    }
    return h * fac;
  }

  /** Forget the error history (after landing on a tstop or switching method). */
  reset(): void {
    this.errPrev = 1;
    this.rejectedLast = false;
  }
}

function checkControllerOptions(c: PIController): void {
  const bad = (name: string, v: number) =>
    new RangeError(`PIController: ${name} must be a finite number in its valid range, got ${v}`);
  if (!(Number.isFinite(c.beta1) && c.beta1 > 0)) throw bad('beta1 (> 0)', c.beta1);
  if (!(Number.isFinite(c.beta2) && c.beta2 >= 0)) throw bad('beta2 (≥ 0)', c.beta2);
  if (!(Number.isFinite(c.safety) && c.safety > 0 && c.safety <= 1)) throw bad('safety (0, 1]', c.safety);
  if (!(Number.isFinite(c.facmax) && c.facmax > 1)) throw bad('facmax (> 1)', c.facmax);
  if (!(Number.isFinite(c.facmin) && c.facmin > 0 && c.facmin < 1)) throw bad('facmin (0, 1)', c.facmin);
}
