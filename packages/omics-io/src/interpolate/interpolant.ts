/**
 * What an interpolant returns outside [x₀, xₙ₋₁]:
 * - 'constant': the first/last data value (the held-out-strain protocol's rule);
 * - 'extend': the end pieces continued (scipy's extrapolate=True, interp1d fill_value='extrapolate');
 * - 'linear': the tangent line at the end point;
 * - 'nan': NaN;
 * - 'error': a RangeError naming the point and the data range.
 */
export type Extrapolation = 'constant' | 'extend' | 'linear' | 'nan' | 'error';

/** Interpolation schemes: piecewise linear, monotone cubic (Fritsch–Carlson PCHIP), Akima and modified Akima. */
export type InterpolationMethod = 'linear' | 'pchip' | 'akima' | 'makima';

/** A function interpolating data points (x, y). */
export interface Interpolant {
  readonly method: InterpolationMethod;
  readonly extrapolate: Extrapolation;
  /** Value at t. */
  at(t: number): number;
  /** Values at every entry of ts, into out (allocated when omitted). */
  evaluate(ts: ArrayLike<number>, out?: Float64Array): Float64Array;
}

/** Checks data points: equal lengths, at least one point, x strictly increasing and finite, y finite. */
export function checkPoints(x: ArrayLike<number>, y: ArrayLike<number>, where: string): void {
  if (x.length !== y.length) {
    throw new RangeError(`omics-io: ${where}: x has ${x.length} points but y has ${y.length}`);
  }
  if (x.length === 0) throw new RangeError(`omics-io: ${where}: no data points`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new RangeError(`omics-io: ${where}: x[${i}] = ${x[i]} is not finite`);
    if (!Number.isFinite(y[i]!)) {
      throw new RangeError(
        `omics-io: ${where}: y[${i}] = ${y[i]} is not finite (drop missing points before interpolating)`,
      );
    }
    if (i > 0 && !(x[i]! > x[i - 1]!)) {
      throw new RangeError(
        `omics-io: ${where}: x must be strictly increasing (x[${i - 1}] = ${x[i - 1]}, x[${i}] = ${x[i]})`,
      );
    }
  }
}

export function checkExtrapolation(extrapolate: Extrapolation): void {
  if (!['constant', 'extend', 'linear', 'nan', 'error'].includes(extrapolate)) {
    throw new TypeError(
      `omics-io: extrapolate must be 'constant', 'extend', 'linear', 'nan' or 'error', got ${JSON.stringify(extrapolate)}`,
    );
  }
}

/** Index i of the interval [x[i], x[i+1]] holding t (t at a breakpoint goes right), clamped to [0, n-2]. */
export function findInterval(x: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = x.length - 1;
  if (t >= x[hi]!) return Math.max(hi - 1, 0);
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (t >= x[mid]!) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function outOfRange(t: number, x: ArrayLike<number>): RangeError {
  return new RangeError(
    `omics-io: t = ${t} is outside the data range [${x[0]}, ${x[x.length - 1]}] (extrapolate: 'error')`,
  );
}
