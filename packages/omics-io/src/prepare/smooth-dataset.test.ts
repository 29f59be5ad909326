import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset/types';
import { gradient } from '../differentiate/gradient';
import { linspace } from './resample';
import { smoothDataset } from './smooth-dataset';

describe('smoothDataset and gradient', () => {
  const t = linspace(0, 72, 200);
  const cubic = (s: number) => 0.001 * s ** 3 - 0.05 * s ** 2 + s + 2;
  const dataset: Dataset = {
    timeColumn: 'Hour',
    features: [{ name: 'x', label: 'x' }],
    groups: [{ name: 'G', times: t, values: [t.map(cubic)] }],
  };

  it('reproduces a cubic and its derivative exactly (order 3 fits it), in the time unit of the data', () => {
    const smooth = smoothDataset(dataset, { window: 7, order: 3 }).groups[0]!.values[0]!;
    const slope = smoothDataset(dataset, { window: 7, order: 3, deriv: 1 }).groups[0]!.values[0]!;
    t.forEach((s, i) => {
      expect(smooth[i]).toBeCloseTo(cubic(s), 9);
      expect(slope[i]).toBeCloseTo(0.003 * s ** 2 - 0.1 * s + 1, 9);
    });
  });

  it('refuses uneven times and gaps, pointing to resampling', () => {
    const uneven: Dataset = {
      ...dataset,
      groups: [
        { name: 'G', times: Float64Array.of(0, 1, 3, 4, 5), values: [Float64Array.of(1, 2, 3, 4, 5)] },
      ],
    };
    expect(() => smoothDataset(uneven, { window: 3, order: 1 })).toThrow(
      /unevenly spaced times .*interpolateToGrid/,
    );
    const gap: Dataset = {
      ...dataset,
      groups: [{ name: 'G', times: Float64Array.of(0, 1, 2), values: [Float64Array.of(1, Number.NaN, 3)] }],
    };
    expect(() => smoothDataset(gap, { window: 3, order: 1 })).toThrow(/missing at t = 1/);
  });

  it('gradient is exact for quadratics inside an uneven grid and first-order at the ends', () => {
    const s = [0, 0.5, 2, 2.25, 4, 7];
    const g = gradient(
      s.map((v) => v * v),
      s,
    );
    for (let i = 1; i < s.length - 1; i++) expect(g[i]).toBeCloseTo(2 * s[i]!, 12);
    expect(g[0]).toBeCloseTo(0.5, 12);
    expect(g[5]).toBeCloseTo(11, 12);
  });
});
