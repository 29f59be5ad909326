import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findGroup, readLongCsvFile, readWideCsvFile, selectFeatures } from '../src/index';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));

describe('peptide rows aggregate into the wide protein table (project fixtures, layout of ../shared/data)', () => {
  it('mean ProteinArea per strain, hour and protein equals the wide table written by scripts/make-mini-tables.py', () => {
    const proteins = ['AtoB', 'MK', 'PMD'];
    const wide = selectFeatures(
      readWideCsvFile(join(fixtures, 'mini-limonene.csv'), { groupColumn: 'Strain', timeColumn: 'Hour' }),
      proteins,
    );
    const long = readLongCsvFile(join(fixtures, 'mini-proteomics.csv'), {
      groupColumn: 'Strain',
      timeColumn: 'Hour',
      featureColumn: 'Protein',
      valueColumn: 'ProteinArea',
      sampleColumn: 'Sample Name',
      exclude: { Hour: ['72C'] },
    });
    expect(long.features.map((f) => f.name)).toEqual(proteins);
    let compared = 0;
    for (const name of ['L1', 'L2', 'L3']) {
      const w = findGroup(wide, name);
      const l = findGroup(long, name);
      proteins.forEach((_, k) => {
        w.times.forEach((t, j) => {
          const expected = w.values[k]![j]!;
          const at = l.times.indexOf(t);
          const got = at < 0 ? Number.NaN : l.values[k]![at]!;
          expect(Object.is(got, expected), `${name} ${t} h ${proteins[k]}`).toBe(true);
          if (!Number.isNaN(expected)) compared++;
        });
      });
    }
    expect(compared).toBe(3 * 4 * 3 - 1);
  });
});
