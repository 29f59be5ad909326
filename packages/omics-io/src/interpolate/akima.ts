import { CubicHermiteInterpolant } from './cubic-hermite';
import { checkPoints, type Extrapolation } from './interpolant';

/**
 * Akima's piecewise cubic (Akima 1970, J. ACM 17:589): each slope is a weighted mean of the
 * neighbouring secants, weighted by how much the secants change, so an outlier only bends the
 * curve locally. 'makima' adds the modified weights of Akima 1991 / MATLAB makima, which avoid
 * overshoot on flat stretches. Same arithmetic as scipy's Akima1DInterpolator.
 */
export function akimaInterpolant(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  extrapolate: Extrapolation = 'constant',
  variant: 'akima' | 'makima' = 'akima',
): CubicHermiteInterpolant {
  checkPoints(x, y, `${variant} interpolation`);
  const xs = Float64Array.from(x);
  const ys = Float64Array.from(y);
  return new CubicHermiteInterpolant(variant, xs, ys, akimaSlopes(xs, ys, variant), extrapolate);
}

// Slopes whose weight sum is below this fraction of the largest are treated as undefined (scipy's break_mult).
const BREAK_MULT = 1e-9;

export function akimaSlopes(x: Float64Array, y: Float64Array, variant: 'akima' | 'makima'): Float64Array {
  const n = x.length;
  const t = new Float64Array(n);
  if (n < 2) return t;
  if (n === 2) {
    t.fill((y[1]! - y[0]!) / (x[1]! - x[0]!));
    return t;
  }
  // Secants with two extra on each side, extrapolated linearly: m[2 .. n] are the data secants.
  const m = new Float64Array(n + 3);
  for (let k = 0; k < n - 1; k++) m[k + 2] = (y[k + 1]! - y[k]!) / (x[k + 1]! - x[k]!);
  m[1] = 2 * m[2]! - m[3]!;
  m[0] = 2 * m[1]! - m[2]!;
  m[n + 1] = 2 * m[n]! - m[n - 1]!;
  m[n + 2] = 2 * m[n + 1]! - m[n]!;
  const f1 = new Float64Array(n);
  const f2 = new Float64Array(n);
  let fmax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    t[i] = 0.5 * (m[i + 3]! + m[i]!);
    let a = Math.abs(m[i + 3]! - m[i + 2]!);
    let b = Math.abs(m[i + 1]! - m[i]!);
    if (variant === 'makima') {
      a += 0.5 * Math.abs(m[i + 3]! + m[i + 2]!);
      b += 0.5 * Math.abs(m[i + 1]! + m[i]!);
    }
    f1[i] = a;
    f2[i] = b;
    fmax = Math.max(fmax, a + b);
  }
  for (let i = 0; i < n; i++) {
    const f12 = f1[i]! + f2[i]!;
    if (f12 > BREAK_MULT * fmax) t[i] = m[i + 1]! + (f2[i]! / f12) * (m[i + 2]! - m[i + 1]!);
  }
  return t;
}
