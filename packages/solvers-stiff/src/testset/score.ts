/**
 * Accuracy measures of the Bari test set (Mazzia & Magherini 2008, section I.3): the number of
 * significant correct digits at the final time, in mixed and relative form.
 */

/**
 * Mixed-error significant correct digits:
 * mescd = −log10(maxᵢ |yᵢ − refᵢ| / (atol/rtol + |refᵢ|)).
 */
export function mescd(y: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number): number {
  checkLengths(y, ref, 'mescd');
  const floor = atol / rtol;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(y[i]! - ref[i]!) / (floor + Math.abs(ref[i]!)));
  }
  return Number.isNaN(worst) ? Number.NEGATIVE_INFINITY : -Math.log10(worst);
}

/**
 * Relative-error significant correct digits, scd = −log10(maxᵢ |yᵢ − refᵢ| / |refᵢ|); components
 * listed in `absolute` (references that are zero or below the representable scale of the problem)
 * count their absolute error instead.
 */
export function scd(y: ArrayLike<number>, ref: ArrayLike<number>, absolute: readonly number[] = []): number {
  checkLengths(y, ref, 'scd');
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(y[i]! - ref[i]!);
    const useAbsolute = absolute.includes(i) || ref[i] === 0;
    worst = Math.max(worst, useAbsolute ? err : err / Math.abs(ref[i]!));
  }
  return Number.isNaN(worst) ? Number.NEGATIVE_INFINITY : -Math.log10(worst);
}

/**
 * Output times for scoring a solve between its end points: `even` evenly spaced times over
 * (t0, t1], five log-spaced ones from t0 + (t1 − t0)·1e-6, and t1, sorted and distinct (with the
 * default five evenly spaced: ten times, the grid of bench/testset-intermediate.ts and
 * test/intermediate-digits.test.ts).
 */
export function intermediateTimes(t0: number, t1: number, even = 5): number[] {
  const ts = new Set<number>();
  for (let k = 1; k <= even; k++) ts.add(t0 + ((t1 - t0) * k) / even);
  for (let k = 0; k < 5; k++) ts.add(t0 + (t1 - t0) * 10 ** (-6 + (6 * k) / 5));
  ts.add(t1);
  return [...ts].sort((a, b) => a - b);
}

function checkLengths(y: ArrayLike<number>, ref: ArrayLike<number>, where: string): void {
  if (y.length !== ref.length) {
    throw new RangeError(`${where}: solution has length ${y.length} but the reference has ${ref.length}`);
  }
}
