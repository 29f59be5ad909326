import { describe, expect, it } from 'vitest';
import { guessTable, splitRecord } from '../src/guess';

const KNOWN = [
  { name: 'toy', species: ['A', 'B'], proteins: ['E1'] },
  { name: 'toy-long', species: ['A', 'B', 'C'], proteins: ['E1', 'E2'] },
];

describe('splitRecord', () => {
  it('reads quoted cells holding delimiters and doubled quotes', () => {
    expect(splitRecord('a,"b,c","say ""hi""", d ', ',')).toEqual(['a', 'b,c', 'say "hi"', 'd']);
    expect(splitRecord('x\ty', '\t')).toEqual(['x', 'y']);
    expect(splitRecord('', ',')).toEqual(['']);
  });
});

describe('guessTable', () => {
  it('finds the time and group columns by name, the groups in order, and the value columns', () => {
    const g = guessTable('Strain,Hour,X,Y\nS2,0,1,2\nS2,1,1.5,NA\nS1,0,3,\n');
    expect(g.delimiter).toBe(',');
    expect(g.time).toBe('Hour');
    expect(g.group).toBe('Strain');
    expect(g.groups).toEqual(['S2', 'S1']);
    expect(g.states).toEqual(['X', 'Y']);
    expect(g.controls).toEqual([]);
  });

  it('reads TSV and a byte-order mark, and falls back to the first number and text columns', () => {
    const g = guessTable('\uFEFFsample\tt_min\tv\nA\t0\t1\nB\t5\t2\n');
    expect(g.delimiter).toBe('\t');
    expect(g.columns.map((c) => c.name)).toEqual(['sample', 't_min', 'v']);
    expect(g.group).toBe('sample');
    expect(g.time).toBe('t_min');
    const h = guessTable('lab;when;level\nq;0;1\nr;2;3\n');
    expect(h.delimiter).toBe(';');
    expect(h.group).toBe('lab');
    expect(h.time).toBe('when');
    expect(h.states).toEqual(['level']);
  });

  it('keeps a mostly numeric column with a stray word as a value column (the reader reports the word)', () => {
    const g = guessTable('Strain,Hour,X\nS1,0,1\nS1,1,high\nS1,2,3\n');
    expect(g.states).toEqual(['X']);
    expect(g.columns[2]).toEqual({ name: 'X', numeric: 2, text: 1 });
  });

  it('proposes the largest known network whose species and proteins are all columns with numbers', () => {
    const g = guessTable('Strain,Hour,A,B,C,E1,E2,Z\nS1,0,1,2,3,4,5,6\n', KNOWN);
    expect(g.network).toBe('toy-long');
    expect(g.states).toEqual(['A', 'B', 'C']);
    expect(g.controls).toEqual(['E1', 'E2']);
    // C empty: the larger network does not fit, the smaller does; Z is not proposed.
    const h = guessTable('Strain,Hour,A,B,C,E1,E2,Z\nS1,0,1,2,,4,5,6\n', KNOWN);
    expect(h.network).toBe('toy');
    expect(h.states).toEqual(['A', 'B']);
    expect(h.controls).toEqual(['E1']);
    // No network: every value column is a state.
    const k = guessTable('Strain,Hour,P,Q\nS1,0,1,2\n', KNOWN);
    expect(k.network).toBeUndefined();
    expect(k.states).toEqual(['P', 'Q']);
  });

  it('reads only the first rows it is asked to', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `G${i},${i},${i}`).join('\n');
    const g = guessTable(`Strain,Hour,X\n${rows}\n`, [], 10);
    expect(g.groups).toHaveLength(10);
  });
});
