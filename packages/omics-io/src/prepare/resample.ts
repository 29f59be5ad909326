import type { Dataset, Group } from '../dataset/types';
import { createInterpolant, type InterpolantOptions } from '../interpolate/create-interpolant';

/**
 * Every group and feature interpolated onto `grid`: missing cells are dropped per feature, the
 * remaining points interpolated (`method`, default linear) and extrapolated (`extrapolate`,
 * default constant: the first/last measured value). A feature with one measured point in a group
 * becomes that constant; one with none stays NaN. Returns a new dataset; spreads are dropped.
 */
export function resampleDataset(
  dataset: Dataset,
  grid: ArrayLike<number>,
  options: InterpolantOptions = {},
): Dataset {
  const times = Float64Array.from(grid);
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i]!) || (i > 0 && !(times[i]! > times[i - 1]!))) {
      throw new RangeError(
        `omics-io: resampling grid must be finite and strictly increasing (grid[${i}] = ${times[i]})`,
      );
    }
  }
  let longest = 0;
  for (const g of dataset.groups) longest = Math.max(longest, g.times.length);
  const xs = new Float64Array(longest);
  const ys = new Float64Array(longest);
  const groups: Group[] = dataset.groups.map((g) => ({
    name: g.name,
    times: times.slice(),
    values: g.values.map((row) => {
      let m = 0;
      for (let j = 0; j < row.length; j++) {
        if (!Number.isNaN(row[j]!)) {
          xs[m] = g.times[j]!;
          ys[m] = row[j]!;
          m++;
        }
      }
      const out = new Float64Array(times.length);
      if (m === 0) return out.fill(Number.NaN);
      return createInterpolant(xs.subarray(0, m), ys.subarray(0, m), options).evaluate(times, out);
    }),
  }));
  return { ...dataset, groups };
}

export interface GridOptions extends InterpolantOptions {
  /** Number of grid points (default 200). */
  points?: number;
  /** Grid start; default the earliest time of any group. */
  tMin?: number;
  /** Grid end; default the latest time of any group. */
  tMax?: number;
}

/**
 * Step 1 of the held-out-strain protocol: every group and feature on `points` evenly spaced times
 * over [t_min, t_max] of the whole dataset, linear between measured points and constant beyond
 * the first/last one (see resampleDataset).
 */
export function interpolateToGrid(dataset: Dataset, options: GridOptions = {}): Dataset {
  const points = options.points ?? 200;
  if (!Number.isInteger(points) || points < 2) {
    throw new RangeError(`omics-io: interpolateToGrid needs points >= 2 (an integer), got ${points}`);
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const g of dataset.groups) {
    if (g.times.length === 0) continue;
    lo = Math.min(lo, g.times[0]!);
    hi = Math.max(hi, g.times[g.times.length - 1]!);
  }
  const tMin = options.tMin ?? lo;
  const tMax = options.tMax ?? hi;
  if (!(Number.isFinite(tMin) && Number.isFinite(tMax) && tMax > tMin)) {
    throw new RangeError(
      `omics-io: interpolateToGrid needs a time range with t_max > t_min, got [${tMin}, ${tMax}]`,
    );
  }
  return resampleDataset(dataset, linspace(tMin, tMax, points), options);
}

/** n evenly spaced values from start to stop inclusive, computed as numpy.linspace does. */
export function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + start;
  out[n - 1] = stop;
  return out;
}
