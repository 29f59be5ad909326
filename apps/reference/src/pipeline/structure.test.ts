import { describe, expect, it } from 'vitest';
import { defaultStructure } from './structure';
import { NRMSE_FLOOR, selectionCriterion } from './structure-selection';
it('matches a built-in network only when its species are exactly the states and its proteins are controls', () => {
  const up = ['Acetyl-CoA', 'HMG-CoA', 'Mevalonate', 'Mev-P', 'IPP/DMAPP'];
  const lc = ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'PMD', 'PMK'];
  expect(defaultStructure([...up, 'Limonene'], lc)?.name).toBe('mevalonate-limonene');
  expect(
    defaultStructure([...up, 'Isopentenol'], ['AtoB', 'HMGR', 'HMGS', 'Idi', 'MK', 'NudB', 'PMD', 'PMK'])
      ?.name,
  ).toBe('mevalonate-isopentenol');
  expect(defaultStructure([...up, 'Limonene', 'Isopentenol'], [...lc, 'NudB'])?.name).toBe(
    'mevalonate-pooled',
  );
  expect(defaultStructure([...up, 'Limonene', 'Extra'], lc)).toBeNull();
  expect(defaultStructure([...up, 'Limonene'], lc.slice(1))).toBeNull();
  expect(defaultStructure(['A', 'B'], ['P'])).toBeNull();
});

describe('selectionCriterion', () => {
  it('is the geometric mean of nRMSE floored at NRMSE_FLOOR, so one near-perfect state cannot outweigh the rest', () => {
    expect(selectionCriterion([0.2, 0.8])).toBeCloseTo(0.4, 14);
    // Without the floor [1e-4, 1, 1] would score 0.046 and beat a uniformly good [0.3, 0.3, 0.3].
    const nearPerfectOnOne = selectionCriterion([1e-4, 1, 1]);
    expect(nearPerfectOnOne).toBeCloseTo(NRMSE_FLOOR ** (1 / 3), 14);
    expect(nearPerfectOnOne).toBeGreaterThan(selectionCriterion([0.3, 0.3, 0.3]));
    expect(selectionCriterion([0, 0])).toBe(NRMSE_FLOOR);
  });

  it('is Infinity for a prediction that blew up or for no scores', () => {
    expect(selectionCriterion([0.5, Number.NaN])).toBe(Number.POSITIVE_INFINITY);
    expect(selectionCriterion([0.5, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(selectionCriterion([])).toBe(Number.POSITIVE_INFINITY);
  });
});
