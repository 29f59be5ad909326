import { describe, expect, it } from 'vitest';
import { OmicsIOError } from '../errors/omics-io-error';
import { type LongTableOptions, parseLongCsv } from './long-table';

const opts: LongTableOptions = {
  file: 'p.csv',
  groupColumn: 'Strain',
  timeColumn: 'Hour',
  featureColumn: 'Protein',
  valueColumn: 'Area (counts)',
  sampleColumn: 'Sample',
};

// Two peptides per protein; strain A has two replicate samples at hour 0.
const table = [
  'Sample,Strain,Hour,Protein,Peptide,Area (counts)',
  's1,A,0,AtoB,PEP1,10',
  's1,A,0,AtoB,PEP2,20',
  's2,A,0,AtoB,PEP1,30',
  's2,A,0,AtoB,PEP2,50',
  's1,A,0,MK,PEP3,7',
  's3,A,4,AtoB,PEP1,1',
  's3,A,4,AtoB,PEP2,NA',
  's3,A,4,MK,PEP3,',
  's4,B,4,MK,PEP3,2',
  's5,B,0,MK,PEP3,4',
  's5,B,0,MK,PEP4,8',
].join('\n');

describe('parseLongCsv', () => {
  it('averages peptides within a sample, then replicates, keeping sd and counts; missing values are left out', () => {
    const d = parseLongCsv(table, opts);
    expect(d.features).toEqual([
      { name: 'AtoB', label: 'AtoB', unit: 'counts' },
      { name: 'MK', label: 'MK', unit: 'counts' },
    ]);
    const [a, b] = d.groups;
    expect(Array.from(a!.times)).toEqual([0, 4]);
    // AtoB at 0: sample means 15 and 40, mean 27.5, sd = |40 − 15| / √2.
    expect(Array.from(a!.values[0]!)).toEqual([27.5, 1]);
    expect(a!.spread!.sd[0]![0]).toBeCloseTo(25 / Math.SQRT2, 14);
    expect(Array.from(a!.spread!.n[0]!)).toEqual([2, 1]);
    expect(Array.from(a!.values[1]!)).toEqual([7, Number.NaN]);
    expect(Array.from(a!.spread!.n[1]!)).toEqual([1, 0]);
    expect(b!.name).toBe('B');
    expect(Array.from(b!.times)).toEqual([0, 4]);
    expect(Array.from(b!.values[0]!)).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(b!.values[1]!)).toEqual([6, 2]);
  });

  it("sums rows with aggregate: 'sum' and keeps only the requested features, in their order", () => {
    const d = parseLongCsv(table, { ...opts, aggregate: 'sum', features: ['MK'] });
    expect(d.features.map((f) => f.name)).toEqual(['MK']);
    expect(Array.from(d.groups[1]!.values[0]!)).toEqual([12, 2]);
  });

  it('without sample or replicate columns pools all rows at a group and time, and keeps no spread', () => {
    const { sampleColumn: _, ...pooled } = opts;
    const d = parseLongCsv(table, pooled);
    expect(d.groups[0]!.values[0]![0]).toBe(27.5);
    expect(d.groups[0]!.spread).toBeUndefined();
  });

  it('takes units from a unit column', () => {
    const d = parseLongCsv('g,t,f,v,u\nA,0,x,1,mM\nA,1,x,2,mM\n', {
      groupColumn: 'g',
      timeColumn: 't',
      featureColumn: 'f',
      valueColumn: 'v',
      unitColumn: 'u',
    });
    expect(d.features).toEqual([{ name: 'x', label: 'x', unit: 'mM' }]);
  });

  it('reports bad input with file, line and column', () => {
    const cases: [string, string, Partial<LongTableOptions>?][] = [
      [`${table}\ns6,B,8,MK,PEP3,lots`, 'p.csv:13:16: non-numeric value "lots" in column "Area (counts)"'],
      [`${table}\ns6,B,72C,MK,PEP3,1`, 'p.csv:13:6: non-numeric time "72C" in column "Hour"'],
      [`${table}\ns6,B,8,,PEP3,1`, 'p.csv:13:8: missing feature name in column "Protein"'],
      [
        table,
        'p.csv:1:20: unknown feature "HMGR" in column "Protein"; available: "AtoB", "MK"',
        { features: ['HMGR'] },
      ],
      [
        table,
        'p.csv:1:1: unknown value column "Intensity"; available columns: "Sample", "Strain", "Hour", "Protein", "Peptide", "Area (counts)"',
        { valueColumn: 'Intensity' },
      ],
      [`${table}\ns6,C,8,MK,PEP3,1`, 'p.csv:13:4: group "C" has 1 time point; at least 2 are needed'],
    ];
    for (const [text, message, extra] of cases) {
      let caught: unknown;
      try {
        parseLongCsv(text, { ...opts, ...extra });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(OmicsIOError);
      expect(String(caught)).toBe(message);
    }
  });

  it('accepts the non-numeric time once such rows are excluded', () => {
    const d = parseLongCsv(`${table}\ns6,B,72C,MK,PEP3,1`, { ...opts, exclude: { Hour: ['72C'] } });
    expect(Array.from(d.groups[1]!.times)).toEqual([0, 4]);
  });
});
