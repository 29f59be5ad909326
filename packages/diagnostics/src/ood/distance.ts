/**
 * The distances of the out-of-distribution report (`oodReport`), shared with callers that score
 * many queries against the same training points (the app's `screen`): each coordinate scaled by
 * its standard deviation over the training points.
 */

/** Per-coordinate sample standard deviation of `states` (n coordinates); 1 where it is 0. */
export function standardDeviations(states: Float64Array[], n: number): Float64Array {
  const mean = new Float64Array(n);
  const sd = new Float64Array(n);
  for (const y of states) for (let j = 0; j < n; j++) mean[j]! += y[j]! / states.length;
  for (const y of states)
    for (let j = 0; j < n; j++) sd[j]! += (y[j]! - mean[j]!) ** 2 / Math.max(1, states.length - 1);
  // A state constant over training gets unit scale, so any change in it still counts.
  return sd.map((v) => (v > 0 ? Math.sqrt(v) : 1));
}

/** Euclidean distance of a and b, coordinate j divided by scale[j]. */
export function scaledDistance(a: ArrayLike<number>, b: ArrayLike<number>, scale: Float64Array): number {
  let s = 0;
  for (let j = 0; j < scale.length; j++) s += ((a[j]! - b[j]!) / scale[j]!) ** 2;
  return Math.sqrt(s);
}

/** Distance to the nearest training state outside group `skip` (−1: none skipped). */
export function nearest(
  y: ArrayLike<number>,
  states: Float64Array[],
  scale: Float64Array,
  skip: number,
  group: number[],
): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < states.length; i++) {
    if (group[i] === skip) continue;
    best = Math.min(best, scaledDistance(y, states[i]!, scale));
  }
  return best;
}
