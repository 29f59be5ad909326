import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OmicsIOError, parseLongCsv } from '../src/index';

/**
 * Random long tables (sample, strain, hour, protein, area), some cells malformed. The reader
 * must return, for every strain, hour and protein, the mean over samples of the mean of that
 * sample's written areas, computed here independently, or throw OmicsIOError on the right line.
 */
const area = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1e8, noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', 'NA', '-') },
  { weight: 1, arbitrary: fc.constantFrom('n.d.', '1.2.3', '5%') },
);
const row = fc.tuple(
  fc.constantFrom('s1', 's2'),
  fc.constantFrom('L1', 'L2'),
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom('0', '4', '8') },
    { weight: 1, arbitrary: fc.constant('72C') },
  ),
  fc.constantFrom('AtoB', 'MK', 'PMD'),
  area,
);
const MISSING = new Set(['', 'na', '-']);
const isMissing = (v: string) => MISSING.has(v.toLowerCase());

describe('random long tables (fast-check)', () => {
  it('aggregate exactly as written or fail on the offending line (1500 tables)', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), (rows) => {
        const text = `Sample,Strain,Hour,Protein,Area\n${rows.map((r) => r.join(',')).join('\n')}\n`;
        let result: ReturnType<typeof parseLongCsv>;
        try {
          result = parseLongCsv(text, {
            file: 'l.csv',
            groupColumn: 'Strain',
            timeColumn: 'Hour',
            featureColumn: 'Protein',
            valueColumn: 'Area',
            sampleColumn: 'Sample',
          });
        } catch (err) {
          expect(err).toBeInstanceOf(OmicsIOError);
          const e = err as OmicsIOError;
          if (e.code === 'non-numeric') {
            const r = rows[e.line! - 2]!;
            expect(r[2] === '72C' || !(isMissing(r[4]) || Number.isFinite(Number(r[4])))).toBe(true);
            expect(
              rows
                .slice(0, e.line! - 2)
                .every((p) => p[2] !== '72C' && (isMissing(p[4]) || Number.isFinite(Number(p[4])))),
            ).toBe(true);
          } else expect(['too-few-times', 'empty-group']).toContain(e.code);
          return;
        }
        parsed++;
        // Independent aggregation: per strain, hour, protein → per sample → mean.
        const sums = new Map<string, Map<string, [number, number]>>();
        for (const [sample, strain, hour, protein, value] of rows) {
          if (isMissing(value)) continue;
          const key = `${strain}|${Number(hour)}|${protein}`;
          const perSample = sums.get(key) ?? new Map<string, [number, number]>();
          const [s, n] = perSample.get(sample) ?? [-0, 0];
          perSample.set(sample, [s + Number(value), n + 1]);
          sums.set(key, perSample);
        }
        for (const g of result.groups) {
          result.features.forEach((f, k) => {
            g.times.forEach((t, j) => {
              const perSample = sums.get(`${g.name}|${t}|${f.name}`);
              if (!perSample) {
                expect(g.values[k]![j]).toBeNaN();
                return;
              }
              const means = [...perSample.values()].map(([s, n]) => s / n);
              const expected = means.reduce((a, b) => a + b, -0) / means.length;
              expect(g.values[k]![j]).toBe(expected);
              expect(g.spread!.n[k]![j]).toBe(means.length);
            });
          });
        }
      }),
      { numRuns: 1500 },
    );
    expect(parsed).toBeGreaterThan(100);
  });
});
