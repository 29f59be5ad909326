import {
  checkExtrapolation,
  checkPoints,
  type Extrapolation,
  type Interpolant,
  outOfRange,
} from './interpolant';

/**
 * Piecewise-linear interpolation with scipy.interpolate.interp1d's arithmetic: t between x[i-1]
 * and x[i] (searchsorted left) gives slope·(t − x[i-1]) + y[i-1].
 */
export class LinearInterpolant implements Interpolant {
  readonly method = 'linear' as const;
  private readonly x: Float64Array;
  private readonly y: Float64Array;

  constructor(
    x: ArrayLike<number>,
    y: ArrayLike<number>,
    readonly extrapolate: Extrapolation = 'constant',
  ) {
    checkPoints(x, y, 'linear interpolation');
    checkExtrapolation(extrapolate);
    this.x = Float64Array.from(x);
    this.y = Float64Array.from(y);
  }

  at(t: number): number {
    const x = this.x;
    const y = this.y;
    const n = x.length;
    if (Number.isNaN(t)) return Number.NaN;
    if (t < x[0]! || t > x[n - 1]!) {
      switch (this.extrapolate) {
        case 'constant':
          return t < x[0]! ? y[0]! : y[n - 1]!;
        case 'nan':
          return Number.NaN;
        case 'error':
          throw outOfRange(t, x);
        default:
          break;
      }
    }
    if (n === 1) return y[0]!;
    // First index with x[i] >= t, clipped to [1, n-1] (numpy.searchsorted, side='left').
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const i = Math.min(Math.max(lo, 1), n - 1);
    const slope = (y[i]! - y[i - 1]!) / (x[i]! - x[i - 1]!);
    return slope * (t - x[i - 1]!) + y[i - 1]!;
  }

  evaluate(ts: ArrayLike<number>, out = new Float64Array(ts.length)): Float64Array {
    for (let k = 0; k < ts.length; k++) out[k] = this.at(ts[k]!);
    return out;
  }
}
