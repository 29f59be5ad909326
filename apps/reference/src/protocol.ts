/**
 * Scoring of the held-out strain protocol (../shared/API.md, steps 4–5): RMSE per state at the
 * test group's measured times, nRMSE against the spread of the training curves, the mean over
 * states, and the improvement over the baseline.
 */

export interface StateScores {
  rmse: Record<string, number>;
  nrmse: Record<string, number>;
  overallNrmse: number;
}

/** n evenly spaced times on [t0, t1] (both ends included). */
export function evenGrid(t0: number, t1: number, n = 200): Float64Array {
  const g = new Float64Array(n);
  for (let k = 0; k < n; k++) g[k] = t0 + ((t1 - t0) * k) / (n - 1);
  g[n - 1] = t1;
  return g;
}

/** Linear interpolation of y given on an increasing grid, constant beyond its ends. */
export function interpolateAt(grid: ArrayLike<number>, y: ArrayLike<number>, t: number): number {
  const n = grid.length;
  if (t <= grid[0]!) return y[0]!;
  if (t >= grid[n - 1]!) return y[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (grid[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const th = (t - grid[lo]!) / (grid[lo + 1]! - grid[lo]!);
  return y[lo]! + th * (y[lo + 1]! - y[lo]!);
}

/** Population standard deviation of every value of the given curves (NaN ignored). */
export function pooledStd(curves: ArrayLike<number>[]): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const c of curves) {
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (!Number.isFinite(v)) continue;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  return n > 0 ? Math.sqrt(m2 / n) : Number.NaN;
}

export interface MeasuredState {
  name: string;
  /** Times at which the state was measured in the test group (missing cells dropped). */
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Score predicted grid curves at the measured times. `scale[j]` is the training spread of state j;
 * a zero spread falls back to 1 so that a constant state cannot divide by zero.
 */
export function scorePrediction(
  measured: MeasuredState[],
  grid: ArrayLike<number>,
  predicted: ArrayLike<number>[],
  scale: number[],
): StateScores {
  const rmse: Record<string, number> = {};
  const nrmse: Record<string, number> = {};
  let total = 0;
  measured.forEach((m, j) => {
    let ss = 0;
    for (let i = 0; i < m.times.length; i++) {
      const e = interpolateAt(grid, predicted[j]!, m.times[i]!) - m.values[i]!;
      ss += e * e;
    }
    const r = m.times.length > 0 ? Math.sqrt(ss / m.times.length) : Number.NaN;
    const s = scale[j]! > 0 ? scale[j]! : 1;
    rmse[m.name] = r;
    nrmse[m.name] = r / s;
    total += r / s;
  });
  return { rmse, nrmse, overallNrmse: total / measured.length };
}

export function improvementPct(model: number, baseline: number): number {
  return 100 * (1 - model / baseline);
}
