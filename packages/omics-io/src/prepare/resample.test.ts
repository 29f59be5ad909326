import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset/types';
import { interpolateToGrid, linspace, resampleDataset } from './resample';

const N = Number.NaN;
const dataset: Dataset = {
  timeColumn: 'Hour',
  groupColumn: 'Strain',
  features: [
    { name: 'a', label: 'a' },
    { name: 'b', label: 'b' },
  ],
  groups: [
    {
      name: 'G1',
      times: Float64Array.of(0, 2, 4, 8),
      values: [Float64Array.of(0, N, 4, 8), Float64Array.of(N, 1, N, 3)],
    },
    { name: 'G2', times: Float64Array.of(1, 10), values: [Float64Array.of(5, 5), Float64Array.of(N, N)] },
  ],
};

describe('interpolateToGrid (held-out-strain protocol, step 1)', () => {
  it('spans [t_min, t_max] of the whole dataset with evenly spaced points', () => {
    const out = interpolateToGrid(dataset, { points: 11 });
    for (const g of out.groups) expect(Array.from(g.times)).toEqual(Array.from(linspace(0, 10, 11)));
    expect(Array.from(linspace(0, 72, 200)).slice(-1)).toEqual([72]);
  });

  it('drops missing cells, interpolates linearly between measured points, holds the end values beyond them', () => {
    const out = interpolateToGrid(dataset, { points: 11 });
    const [a, b] = out.groups[0]!.values;
    // a measured at 0, 4, 8 (2 h missing): 0..8 linear, then constant 8 on (8, 10].
    expect(Array.from(a!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8]);
    // b measured at 2 and 8 only: constant 1 before 2 h, linear to 3 at 8 h, constant after.
    expect(Array.from(b!).map((v) => +v.toFixed(12))).toEqual(
      [1, 1, 1, 1 + 1 / 3, 1 + 2 / 3, 2, 2 + 1 / 3, 2 + 2 / 3, 3, 3, 3].map((v) => +v.toFixed(12)),
    );
  });

  it('leaves a feature that a group never measured as NaN, and does not touch the input', () => {
    const out = interpolateToGrid(dataset, { points: 5 });
    expect(Array.from(out.groups[1]!.values[1]!).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.groups[1]!.values[0]!)).toEqual([5, 5, 5, 5, 5]);
    expect(Array.from(dataset.groups[0]!.values[0]!)).toEqual([0, N, 4, 8]);
  });

  it('offers the other interpolants and refuses a bad grid', () => {
    const out = resampleDataset(dataset, [0, 1, 3], { method: 'pchip' });
    expect(out.groups[0]!.values[0]![1]).toBeCloseTo(1, 12);
    expect(() => resampleDataset(dataset, [0, 0, 1])).toThrow(RangeError);
    expect(() => interpolateToGrid(dataset, { points: 1 })).toThrow(RangeError);
  });
});
