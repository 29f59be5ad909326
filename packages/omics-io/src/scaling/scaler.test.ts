import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset/types';
import { fitScaler, type ScalerKind, scaleDataset, unscaleDataset } from './scaler';

const N = Number.NaN;
const dataset: Dataset = {
  timeColumn: 't',
  features: [
    { name: 'a', label: 'a' },
    { name: 'b', label: 'b' },
  ],
  groups: [
    {
      name: 'train1',
      times: Float64Array.of(0, 1, 2),
      values: [Float64Array.of(1, 2, 3), Float64Array.of(10, N, 30)],
    },
    {
      name: 'train2',
      times: Float64Array.of(0, 1),
      values: [Float64Array.of(5, 9), Float64Array.of(50, 50)],
    },
    {
      name: 'test',
      times: Float64Array.of(0, 1),
      values: [Float64Array.of(1e6, -1e6), Float64Array.of(0, 7)],
    },
  ],
};

describe('scalers', () => {
  it('fit only on the chosen groups: the test group changes nothing', () => {
    const fitted = fitScaler(dataset, 'standard', { groups: ['train1', 'train2'] });
    const without = fitScaler({ ...dataset, groups: dataset.groups.slice(0, 2) }, 'standard');
    expect(fitted).toEqual(without);
    expect(fitted.center[0]).toBe(4);
    expect(fitted.scale[0]).toBeCloseTo(Math.sqrt(((1 - 4) ** 2 + 4 + 1 + 1 + 25) / 5), 14);
    expect(fitted.center[1]).toBe(35); // the missing value is ignored, not read as zero
  });

  it('standard, minmax and robust statistics', () => {
    const mm = fitScaler(dataset, 'minmax', { groups: ['train1', 'train2'] });
    expect([mm.center[0], mm.scale[0]]).toEqual([1, 8]);
    const robust = fitScaler(dataset, 'robust', { groups: ['train1', 'train2'] });
    // a = 1, 2, 3, 5, 9: median 3, quartiles 2 and 5.
    expect([robust.center[0], robust.scale[0]]).toEqual([3, 3]);
  });

  it('inverse transforms undo the transforms (NaN stays NaN), for every kind', () => {
    for (const kind of ['standard', 'minmax', 'robust', 'log1p'] as ScalerKind[]) {
      const s = fitScaler(dataset, kind, { groups: ['train1', 'train2'] });
      const positive = { ...dataset, groups: dataset.groups.slice(0, 2) };
      const back = unscaleDataset(scaleDataset(positive, s), s);
      back.groups.forEach((g, i) => {
        g.values.forEach((row, k) => {
          row.forEach((v, j) => {
            const orig = positive.groups[i]!.values[k]![j]!;
            if (Number.isNaN(orig)) expect(v).toBeNaN();
            else expect(v).toBeCloseTo(orig, 10);
          });
        });
      });
    }
  });

  it('refuses what cannot be fitted or scaled', () => {
    expect(() => fitScaler(dataset, 'log1p', { groups: ['test'] })).toThrow(/values > -1/);
    expect(() => fitScaler(dataset, 'standard', { groups: ['nope'] })).toThrow(/unknown group "nope"/);
    const s = fitScaler(dataset, 'standard');
    expect(() =>
      scaleDataset({ ...dataset, features: [{ name: 'c', label: 'c' }, dataset.features[1]!] }, s),
    ).toThrow(/not fitted on feature "c"/);
  });
});
