import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset/types';
import { holdoutSplit, kFoldSplits } from './group-split';

const dataset: Dataset = {
  timeColumn: 't',
  features: [{ name: 'a', label: 'a' }],
  groups: ['B1', 'B2', 'L1', 'L2', 'L3', 'DH1', 'X'].map((name) => ({
    name,
    times: Float64Array.of(0, 1),
    values: [Float64Array.of(1, 2)],
  })),
};

describe('splits by group', () => {
  it('hold out the named groups', () => {
    const s = holdoutSplit(dataset, { test: ['L2'] });
    expect(s.testGroups).toEqual(['L2']);
    expect(s.train.groups.map((g) => g.name)).toEqual(['B1', 'B2', 'L1', 'L3', 'DH1', 'X']);
    expect(() => holdoutSplit(dataset, { test: ['L9'] })).toThrow(/unknown group "L9"/);
  });

  it('draw a reproducible random hold-out from a seed', () => {
    const a = holdoutSplit(dataset, { testFraction: 0.3, seed: 4 });
    expect(a.testGroups.length).toBe(2);
    expect(holdoutSplit(dataset, { testFraction: 0.3, seed: 4 }).testGroups).toEqual(a.testGroups);
  });

  it('k-fold puts every group in exactly one test fold and never in train and test at once', () => {
    for (const shuffle of [false, true]) {
      const folds = kFoldSplits(dataset, 3, { shuffle, seed: 11 });
      expect(folds.flatMap((f) => f.testGroups).sort()).toEqual(dataset.groups.map((g) => g.name).sort());
      for (const f of folds) {
        expect(f.trainGroups.filter((g) => f.testGroups.includes(g))).toEqual([]);
        expect(f.trainGroups.length + f.testGroups.length).toBe(7);
        expect([2, 3]).toContain(f.testGroups.length);
      }
    }
    expect(() => kFoldSplits(dataset, 8)).toThrow(RangeError);
  });
});
