import { CubicHermiteInterpolant } from './cubic-hermite';
import { checkPoints, type Extrapolation } from './interpolant';

/**
 * Monotone piecewise cubic (PCHIP): slopes are weighted harmonic means of the neighbouring secants,
 * zero at local extrema, so the curve never overshoots the data (Fritsch & Carlson 1980, SIAM J.
 * Numer. Anal. 17:238; end slopes by Moler, Numerical Computing with MATLAB, §3.6), as scipy's
 * PchipInterpolator computes them.
 */
export function pchipInterpolant(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  extrapolate: Extrapolation = 'constant',
): CubicHermiteInterpolant {
  checkPoints(x, y, 'PCHIP interpolation');
  const xs = Float64Array.from(x);
  const ys = Float64Array.from(y);
  return new CubicHermiteInterpolant('pchip', xs, ys, pchipSlopes(xs, ys), extrapolate);
}

export function pchipSlopes(x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  const d = new Float64Array(n);
  if (n < 2) return d;
  const h = new Float64Array(n - 1);
  const m = new Float64Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    h[k] = x[k + 1]! - x[k]!;
    m[k] = (y[k + 1]! - y[k]!) / h[k]!;
  }
  if (n === 2) {
    d[0] = m[0]!;
    d[1] = m[0]!;
    return d;
  }
  for (let k = 1; k < n - 1; k++) {
    const m0 = m[k - 1]!;
    const m1 = m[k]!;
    if (Math.sign(m1) !== Math.sign(m0) || m1 === 0 || m0 === 0) continue;
    const w1 = 2 * h[k]! + h[k - 1]!;
    const w2 = h[k]! + 2 * h[k - 1]!;
    const whmean = (w1 / m0 + w2 / m1) / (w1 + w2);
    d[k] = 1 / whmean;
  }
  d[0] = edgeSlope(h[0]!, h[1]!, m[0]!, m[1]!);
  d[n - 1] = edgeSlope(h[n - 2]!, h[n - 3]!, m[n - 2]!, m[n - 3]!);
  return d;
}

/** One-sided three-point end slope, limited to keep the shape of the data. */
function edgeSlope(h0: number, h1: number, m0: number, m1: number): number {
  const d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
  if (Math.sign(d) !== Math.sign(m0)) return 0;
  if (Math.sign(m0) !== Math.sign(m1) && Math.abs(d) > 3 * Math.abs(m0)) return 3 * m0;
  return d;
}
