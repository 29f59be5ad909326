import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset/types';
import { parseLongCsv } from '../readers/long-table';
import { parseWideCsv } from '../readers/wide-table';
import { datasetToLongCsv, datasetToWideCsv } from './dataset-csv';
import { datasetFromJSON, datasetToJSON } from './dataset-json';

const value = fc.oneof(fc.double({ noDefaultInfinity: true, noNaN: true }), fc.constant(Number.NaN));
const datasetArb: fc.Arbitrary<Dataset> = fc
  .record({
    features: fc.uniqueArray(fc.constantFrom('x', 'y (uM)', 'a,b', 'q"t', ' pad '), {
      minLength: 1,
      maxLength: 3,
    }),
    groups: fc.uniqueArray(fc.constantFrom('A', 'L,2', 'B"x'), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ features, groups }) =>
    fc.record({
      timeColumn: fc.constant('Hour'),
      groupColumn: fc.constant('Strain'),
      features: fc.constant(features.map((name) => ({ name: name.trim(), label: name.trim() }))),
      groups: fc.tuple(
        ...groups.map((name) =>
          fc.uniqueArray(fc.integer({ min: -5, max: 50 }), { minLength: 2, maxLength: 6 }).chain((ts) => {
            const times = Float64Array.from(ts).sort();
            return fc
              .array(fc.array(value, { minLength: times.length, maxLength: times.length }), {
                minLength: features.length,
                maxLength: features.length,
              })
              .filter((rows) => rows.some((r) => r.some((v) => !Number.isNaN(v))))
              .map((rows) => ({ name, times, values: rows.map((r) => Float64Array.from(r)) }));
          }),
        ),
      ),
    }),
  );

const strip = (d: Dataset) => ({
  features: d.features.map((f) => f.name),
  groups: d.groups.map((g) => ({
    name: g.name,
    times: Array.from(g.times),
    values: g.values.map((r) => Array.from(r)),
  })),
});

describe('export', () => {
  it('wide and long CSV read back to the same dataset, bit for bit', () => {
    fc.assert(
      fc.property(datasetArb, (d) => {
        const wide = parseWideCsv(datasetToWideCsv(d), { groupColumn: 'Strain', timeColumn: 'Hour' });
        expect(strip(wide)).toEqual(strip(d));
        const long = parseLongCsv(datasetToLongCsv(d, { delimiter: '\t' }), {
          groupColumn: 'Strain',
          timeColumn: 'Hour',
          featureColumn: 'feature',
          valueColumn: 'value',
          features: d.features.map((f) => f.name),
        });
        expect(strip(long)).toEqual(strip(d));
      }),
      { numRuns: 200 },
    );
  });

  it('JSON keeps NaN as null and round-trips', () => {
    fc.assert(
      fc.property(datasetArb, (d) => {
        const json = JSON.parse(JSON.stringify(datasetToJSON(d)));
        // JSON has no −0: it comes back as 0.
        const unsigned = (x: ReturnType<typeof strip>) => ({
          ...x,
          groups: x.groups.map((g) => ({
            ...g,
            values: g.values.map((r) => r.map((v) => (Object.is(v, -0) ? 0 : v))),
          })),
        });
        expect(strip(datasetFromJSON(json))).toEqual(unsigned(strip(d)));
      }),
      { numRuns: 200 },
    );
  });
});
