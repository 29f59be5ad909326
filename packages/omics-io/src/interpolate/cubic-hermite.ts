import {
  checkExtrapolation,
  type Extrapolation,
  findInterval,
  type Interpolant,
  type InterpolationMethod,
  outOfRange,
} from './interpolant';

/**
 * Piecewise cubic through (x[i], y[i]) with slopes d[i] at the breakpoints, stored as scipy's
 * CubicHermiteSpline stores it (power basis in t − x[i]) and evaluated with the same operations,
 * so PCHIP and Akima results agree with scipy to round-off.
 */
export class CubicHermiteInterpolant implements Interpolant {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly d: Float64Array;
  /** Four coefficients per interval, highest power first. */
  private readonly c: Float64Array;

  constructor(
    readonly method: InterpolationMethod,
    x: Float64Array,
    y: Float64Array,
    d: Float64Array,
    readonly extrapolate: Extrapolation,
  ) {
    checkExtrapolation(extrapolate);
    this.x = x;
    this.y = y;
    this.d = d;
    const m = Math.max(x.length - 1, 0);
    const c = new Float64Array(4 * m);
    for (let i = 0; i < m; i++) {
      const dx = x[i + 1]! - x[i]!;
      const slope = (y[i + 1]! - y[i]!) / dx;
      const t = (d[i]! + d[i + 1]! - 2 * slope) / dx;
      c[4 * i] = t / dx;
      c[4 * i + 1] = (slope - d[i]!) / dx - t;
      c[4 * i + 2] = d[i]!;
      c[4 * i + 3] = y[i]!;
    }
    this.c = c;
  }

  at(t: number): number {
    const x = this.x;
    const n = x.length;
    if (Number.isNaN(t)) return Number.NaN;
    if (t < x[0]! || t > x[n - 1]!) {
      const left = t < x[0]!;
      const end = left ? 0 : n - 1;
      switch (this.extrapolate) {
        case 'constant':
          return this.y[end]!;
        case 'nan':
          return Number.NaN;
        case 'error':
          throw outOfRange(t, x);
        case 'linear':
          return this.y[end]! + this.d[end]! * (t - x[end]!);
        default:
          break;
      }
    }
    if (n === 1) return this.y[0]!;
    const i = findInterval(x, t);
    const s = t - x[i]!;
    const c = this.c;
    // Ascending powers with a running product, as scipy's evaluate_poly1 does.
    let z = 1;
    let res = c[4 * i + 3]!;
    z *= s;
    res += c[4 * i + 2]! * z;
    z *= s;
    res += c[4 * i + 1]! * z;
    z *= s;
    res += c[4 * i]! * z;
    return res;
  }

  evaluate(ts: ArrayLike<number>, out = new Float64Array(ts.length)): Float64Array {
    for (let k = 0; k < ts.length; k++) out[k] = this.at(ts[k]!);
    return out;
  }
}
