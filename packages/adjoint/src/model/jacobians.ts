import type { GradientStats } from '../types';
import type { GradientModel } from '../types';

/**
 * ∂f/∂y and ∂f/∂p of a `GradientModel` as dense row-major matrices. Row i of both comes from one
 * vector–Jacobian product with the unit vector eᵢ, so n vjp calls give the two of them; a model's
 * own `jac` replaces the ∂f/∂y part when only that is asked for.
 */
export class ModelJacobians {
  readonly e: Float64Array;
  readonly rowY: Float64Array;
  readonly rowP: Float64Array;

  constructor(
    readonly model: GradientModel,
    readonly n: number,
    readonly np: number,
    readonly stats: GradientStats,
  ) {
    this.e = new Float64Array(n);
    this.rowY = new Float64Array(n);
    this.rowP = new Float64Array(np);
  }

  /** J = ∂f/∂y (n×n) into `J`. */
  jy(t: number, y: Float64Array, p: Float64Array, J: Float64Array): void {
    this.stats.njev++;
    if (this.model.jac) {
      this.model.jac(t, y, p, J);
      return;
    }
    this.rows(t, y, p, J, undefined);
  }

  /** J = ∂f/∂y (n×n) and Fp = ∂f/∂p (n×np), both from n vjp calls. */
  jyp(t: number, y: Float64Array, p: Float64Array, J: Float64Array, Fp: Float64Array): void {
    this.stats.njev++;
    this.rows(t, y, p, J, Fp);
  }

  private rows(
    t: number,
    y: Float64Array,
    p: Float64Array,
    J: Float64Array,
    Fp: Float64Array | undefined,
  ): void {
    const { n, np, e, rowY, rowP } = this;
    for (let i = 0; i < n; i++) {
      e[i] = 1;
      this.model.vjp(t, y, p, e, rowY, rowP);
      e[i] = 0;
      J.set(rowY, i * n);
      if (Fp) Fp.set(rowP, i * np);
    }
    this.stats.nvjp += n;
  }
}
