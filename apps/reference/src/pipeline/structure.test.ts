import { expect, it } from 'vitest';
import { defaultStructure } from './structure';
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
