import { createInterpolant } from '@kinetica/omics-io';

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
    const curve = createInterpolant(grid, predicted[j]!);
    let ss = 0;
    for (let i = 0; i < m.times.length; i++) {
      const e = curve.at(m.times[i]!) - m.values[i]!;
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
