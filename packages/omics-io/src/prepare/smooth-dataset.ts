import type { Dataset } from '../dataset/types';
import { type SavgolMode, savgolFilter } from '../smoothing/savgol-filter';

export interface SmoothOptions {
  /** Odd window length in samples. */
  window: number;
  /** Polynomial order, below the window. */
  order: number;
  /** 0 (default) smooths; 1 gives d/dt in the dataset's time unit, 2 the second derivative. */
  deriv?: number;
  mode?: SavgolMode;
  /** Relative tolerance for "evenly spaced" (default 1e-9, allowing linspace round-off). */
  spacingTolerance?: number;
}

/**
 * Savitzky–Golay smoothing or derivative of every group and feature. Refuses (RangeError) groups
 * whose times are not evenly spaced or that have missing values: resample onto a grid first
 * (interpolateToGrid), which is what the held-out-strain baseline does.
 */
export function smoothDataset(dataset: Dataset, options: SmoothOptions): Dataset {
  const tol = options.spacingTolerance ?? 1e-9;
  return {
    ...dataset,
    groups: dataset.groups.map((g) => {
      const t = g.times;
      const n = t.length;
      if (n < 2)
        throw new RangeError(
          `omics-io: group ${JSON.stringify(g.name)} has ${n} time point(s); smoothing needs 2 or more`,
        );
      const delta = (t[n - 1]! - t[0]!) / (n - 1);
      for (let i = 1; i < n; i++) {
        const step = t[i]! - t[i - 1]!;
        if (Math.abs(step - delta) > tol * Math.abs(delta)) {
          throw new RangeError(
            `omics-io: group ${JSON.stringify(g.name)} has unevenly spaced times (step ${step} at t = ${t[i - 1]}, mean step ${delta}); resample onto an even grid first (interpolateToGrid)`,
          );
        }
      }
      const values = g.values.map((row, k) => {
        for (let i = 0; i < n; i++) {
          if (Number.isNaN(row[i]!)) {
            throw new RangeError(
              `omics-io: group ${JSON.stringify(g.name)}, feature ${JSON.stringify(dataset.features[k]?.name)} is missing at t = ${t[i]}; interpolate before smoothing`,
            );
          }
        }
        return savgolFilter(row, options.window, options.order, {
          deriv: options.deriv ?? 0,
          delta,
          mode: options.mode ?? 'interp',
        });
      });
      return { name: g.name, times: t.slice(), values };
    }),
  };
}
