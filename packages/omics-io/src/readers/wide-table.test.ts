import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../dataset/types';
import { OmicsIOError } from '../errors/omics-io-error';
import { MAX_CELL_CHARS, MAX_RECORD_CHARS } from '../text/csv-tokenizer';
import { readWideTable } from './file-readers';
import { parseWideCsv, type WideTableOptions } from './wide-table';

const opts: WideTableOptions = { file: 'w.csv', groupColumn: 'Strain', timeColumn: 'Hour' };

function errorOf(text: string, options: WideTableOptions = opts): OmicsIOError {
  try {
    parseWideCsv(text, options);
  } catch (err) {
    expect(err).toBeInstanceOf(OmicsIOError);
    return err as OmicsIOError;
  }
  throw new Error('expected an OmicsIOError');
}

const plain = (d: Dataset) =>
  d.groups.map((g) => ({
    name: g.name,
    times: Array.from(g.times),
    values: g.values.map((r) => Array.from(r)),
  }));

describe('parseWideCsv', () => {
  it('reads groups, sorts rows out of time order, keeps units and turns missing markers into NaN', () => {
    const text = [
      'Strain,Hour,Glucose g/L,"Acetyl-CoA (uM)",OD600',
      'L1,4,9.5,NA,2.0',
      'L1,0,10,0.3,',
      'L2,0,11,n/a,1',
      'L2,2,10.5,-,1.5',
      'L1,2,9.9,NaN,0',
    ].join('\n');
    const d = parseWideCsv(text, opts);
    expect(d.groupColumn).toBe('Strain');
    expect(d.features).toEqual([
      { name: 'Glucose g/L', label: 'Glucose', unit: 'g/L' },
      { name: 'Acetyl-CoA (uM)', label: 'Acetyl-CoA', unit: 'uM' },
      { name: 'OD600', label: 'OD600' },
    ]);
    expect(plain(d)).toEqual([
      {
        name: 'L1',
        times: [0, 2, 4],
        values: [
          [10, 9.9, 9.5],
          [0.3, Number.NaN, Number.NaN],
          [Number.NaN, 0, 2],
        ],
      },
      {
        name: 'L2',
        times: [0, 2],
        values: [
          [11, 10.5],
          [Number.NaN, Number.NaN],
          [1, 1.5],
        ],
      },
    ]);
    expect(Array.from(d.groups[0]!.lines!)).toEqual([3, 6, 2]);
  });

  it('handles a BOM, CRLF, quoted cells with separators, quotes and newlines, and tab or semicolon separators', () => {
    const csv = '\uFEFFStrain,Hour,"a, b","say ""hi"""\r\n"L,1",0,1,2\r\n"L,1",1,"3","4"\r\n';
    const d = parseWideCsv(csv, opts);
    expect(d.features.map((f) => f.name)).toEqual(['a, b', 'say "hi"']);
    expect(d.groups[0]!.name).toBe('L,1');
    expect(plain(d)[0]!.values).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const tsv = parseWideCsv('Strain\tHour\tx\nA\t0\t1.5\nA\t1\t2.5\n', opts);
    expect(plain(tsv)[0]!.values).toEqual([[1.5, 2.5]]);
    const semi = parseWideCsv('Strain;Hour;x\nA;0;1,5\nA;1;2,5\n', { ...opts, decimal: ',' });
    expect(plain(semi)[0]!.values).toEqual([[1.5, 2.5]]);
    const multiline = parseWideCsv('Strain,Hour,"note\nline",x\nA,0,1,2\nA,1,3,4\n', {
      ...opts,
      features: ['x'],
    });
    expect(plain(multiline)[0]!.values).toEqual([[2, 4]]);
  });

  it('selects features by header, case or unit-free label, and without a group column makes one group', () => {
    const text = 'Hour,Glucose g/L,Citrate mM\n0,1,2\n1,3,4\n';
    const d = parseWideCsv(text, { timeColumn: 'hour', features: ['citrate', 'Glucose'] });
    expect(d.features.map((f) => f.name)).toEqual(['Citrate mM', 'Glucose g/L']);
    expect(plain(d)).toEqual([
      {
        name: 'all',
        times: [0, 1],
        values: [
          [2, 4],
          [1, 3],
        ],
      },
    ]);
  });

  it('skips blank lines and rows of empty cells, and honours include/exclude filters', () => {
    const text = 'Strain,Hour,x\n\nA,0,1\n,,\nA,1,2\nA,72C,5\nB,0,1\nB,1,1\n';
    const d = parseWideCsv(text, { ...opts, include: { Strain: ['A'] }, exclude: { Hour: ['72C'] } });
    expect(plain(d)).toEqual([{ name: 'A', times: [0, 1], values: [[1, 2]] }]);
  });

  it("averages replicate rows with duplicates: 'mean', keeping their spread", () => {
    const d = parseWideCsv('Strain,Hour,x\nA,0,1\nA,0,3\nA,1,5\nA,1,\n', { ...opts, duplicates: 'mean' });
    const g = d.groups[0]!;
    expect(Array.from(g.values[0]!)).toEqual([2, 5]);
    expect(Array.from(g.spread!.sd[0]!)).toEqual([Math.SQRT2, Number.NaN]);
    expect(Array.from(g.spread!.n[0]!)).toEqual([2, 1]);
  });

  it('reports each kind of bad input as one line naming file, line and column', () => {
    const cases: [string, string, WideTableOptions?][] = [
      ['', 'w.csv:1:1: empty file: no header row'],
      ['\n\n  \n', 'w.csv:1:1: empty file: no header row'],
      ['Strain,Hour,x\n', 'w.csv:2:1: no data rows after the header'],
      ['Strain,Hour,x\nA,0,1\nA,1,abc\n', 'w.csv:3:5: non-numeric value "abc" in column "x"'],
      ['Strain,Hour,x\nA,0,1\nA,one,2\n', 'w.csv:3:3: non-numeric time "one" in column "Hour"'],
      ['Strain,Hour,x\nA,0,1\nA,,2\n', 'w.csv:3:3: missing time in column "Hour"'],
      ['Strain,Hour,x\nA,0,1\n,1,2\n', 'w.csv:3:1: missing group name'],
      ['Strain,Hour,x\nA,0,1\nA,1\n', 'w.csv:3:4: row has 2 cells but the header has 3'],
      ['Strain,Hour,x\nA,0,1,9\n', 'w.csv:2:7: row has 4 cells but the header has 3 (extra cell here)'],
      ['Strain,Hour,x\nA,0,1\nA,2,2\nA,0,3\n', 'w.csv:4:3: duplicate time 0 in group "A" (first on line 2)'],
      [
        'Strain,Hour,x\nA,0,1\nA,1,2\nB,5,1\n',
        'w.csv:4:1: group "B" has 1 time point; at least 2 are needed',
      ],
      [
        'Strain,Hour,x\nA,0,1\nA,1,2\nB,5,\nB,6,NA\n',
        'w.csv:4:1: group "B" has no measured values in the selected columns',
      ],
      ['Strain,Hour,x\nA,0,"1\n', 'w.csv:2:5: quoted cell is never closed (missing closing ")'],
      ['Strain,Hour,x\nA,0,"1"x\n', 'w.csv:2:8: unexpected "x" after the closing quote of a quoted cell'],
      [
        'Strain,Hour,x\nA,0,1\n',
        'w.csv:1:1: unknown feature column "y"; available columns: "Strain", "Hour", "x"',
        { ...opts, features: ['y'] },
      ],
      [
        'Strain,Time,x\nA,0,1\n',
        'w.csv:1:1: unknown time column "Hour"; available columns: "Strain", "Time", "x"',
      ],
      [
        'Strain,Hour,x\nA,0,1\u0000\n',
        'w.csv:2:6: binary file: NUL character in the text; expected CSV or TSV text',
      ],
    ];
    for (const [text, message, options] of cases) {
      const err = errorOf(text, options ?? opts);
      expect(String(err)).toBe(message);
      expect(err.message).toBe(message);
      expect(message.includes('\n')).toBe(false);
    }
  });

  it('counts columns in UTF-16 units after multi-byte text and lines across quoted newlines', () => {
    const err = errorOf('Strain,Hour,x\n"Ä\nß",0,1\n"Ä\nß",1,zz\n');
    expect([err.line, err.column]).toEqual([5, 6]);
  });

  it('refuses bad options with a TypeError', () => {
    expect(() => parseWideCsv('a\n1\n', {} as WideTableOptions)).toThrow(TypeError);
    expect(() => parseWideCsv('a\n1\n', { timeColumn: 'a', delimiter: ':' as ',' })).toThrow(TypeError);
  });
});

describe('readWideTable (streams)', () => {
  const text = 'Strain,Hour,Ä (uM)\r\nL1,0,1\r\nL1,2,"3"\r\nL2,0,5\r\nL2,2,\r\n';

  it('gives the same dataset whatever the chunk boundaries, even inside characters and CRLF pairs', async () => {
    const expected = plain(parseWideCsv(text, opts));
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(plain(await readWideTable(Readable.from(chunks), opts))).toEqual(expected);
      const strings: string[] = [];
      for (let i = 0; i < text.length; i += size) strings.push(text.slice(i, i + size));
      expect(plain(await readWideTable(Readable.from(strings), opts))).toEqual(expected);
    }
  });

  it('refuses binary content and invalid UTF-8 with the position of the bad byte', async () => {
    const bad = new Uint8Array([...new TextEncoder().encode('Strain,Hour,x\nA,0,'), 0xff, 0x0a]);
    await expect(readWideTable(bad, opts)).rejects.toThrow(
      'w.csv:2:5: not UTF-8 text: invalid byte 0xFF at byte offset 18; expected UTF-8 CSV or TSV text',
    );
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]);
    await expect(readWideTable(zip, opts)).rejects.toThrow(
      'w.csv:1:1: binary file: this looks like a zip archive (an .xlsx workbook?); export the sheet as CSV',
    );
  });
});

describe('parseWideCsv: limits and byte-level errors name the right place', () => {
  it('refuses a cell longer than MAX_CELL_CHARS at the cell, instead of running out of string length', () => {
    const text = `Strain,Hour,x\nA,0,${'9'.repeat(MAX_CELL_CHARS + 1)}\n`;
    expect(() => parseWideCsv(text, { file: 'w.csv', timeColumn: 'Hour', groupColumn: 'Strain' })).toThrow(
      /^w\.csv:2:5: cell longer than 1,048,576 characters/,
    );
  });

  it('refuses a row longer than MAX_RECORD_CHARS while reading a file in chunks', async () => {
    const cells = Array.from({ length: (MAX_RECORD_CHARS >> 20) + 2 }, () => 'y'.repeat(1 << 20)).join(',');
    const chunks = (async function* () {
      yield 'Strain,Hour,x\nA,0,';
      for (let k = 0; k < cells.length; k += 1 << 16) yield cells.slice(k, k + (1 << 16));
    })();
    await expect(
      readWideTable(chunks, { file: 'w.csv', timeColumn: 'Hour', groupColumn: 'Strain' }),
    ).rejects.toThrow(/^w\.csv:2:\d+: row longer than 16,777,216 characters/);
  });

  it('names the lead byte of a broken multi-byte character (0xE9 before a comma), not the comma', async () => {
    const utf8 = (t: string) => [...new TextEncoder().encode(t)];
    const bad = new Uint8Array([...utf8('Strain,Hour,A'), 0xe9, ...utf8(',B\nA,0,1\n')]);
    await expect(readWideTable(bad, opts)).rejects.toThrow(
      /^w\.csv:1:14: not UTF-8 text: invalid byte 0xE9 at byte offset 13 \(not followed by its continuation bytes/,
    );
  });
});

describe('parseWideCsv: optional features', () => {
  const text = 'Strain,Hour,Glucose g/L,A\nS1,0,1,2\nS1,1,3,4\n';
  const base = { groupColumn: 'Strain', timeColumn: 'Hour' };

  it('reads an optional feature the table lacks as never measured, and matches present ones as usual', () => {
    const ds = parseWideCsv(text, {
      ...base,
      features: ['Glucose', 'B', 'A'],
      optionalFeatures: ['Glucose', 'B'],
    });
    expect(ds.features.map((f) => f.name)).toEqual(['Glucose g/L', 'B', 'A']);
    const [glucose, b, a] = ds.groups[0]!.values;
    expect(Array.from(glucose!)).toEqual([1, 3]);
    expect(Array.from(b!).every(Number.isNaN)).toBe(true);
    expect(Array.from(a!)).toEqual([2, 4]);
  });

  it('still refuses a missing feature that is not optional, and works without a group column', () => {
    expect(() => parseWideCsv(text, { ...base, features: ['B'], optionalFeatures: ['C'] })).toThrow(
      /unknown feature column "B"/,
    );
    const ds = parseWideCsv('Hour,A\n0,1\n1,2\n', {
      timeColumn: 'Hour',
      features: ['A', 'B'],
      optionalFeatures: ['B'],
    });
    expect(ds.features.map((f) => f.name)).toEqual(['A', 'B']);
  });
});
