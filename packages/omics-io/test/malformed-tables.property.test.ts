import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dataset, OmicsIOError, parseWideCsv, readWideTable, type WideTableOptions } from '../src/index';

/**
 * Random wide tables, built cell by cell so the test knows where every cell starts (line and
 * column) and what it says, independently of the reader. Each table is fed to the reader; it
 * must return a dataset that holds every number written, or throw OmicsIOError pointing at a
 * cell (or row end) that really is wrong in the way the error says.
 */

type Cell = string;
interface Table {
  header: Cell[];
  rows: Cell[][];
  delimiter: ',' | '\t' | ';';
  newline: '\n' | '\r\n' | '\r';
  bom: boolean;
  finalNewline: boolean;
  forceQuote: boolean[];
}

const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((v) => String(v)),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('1e-7', '.5', '5.', '+3', '-0', ' 42 ', '1E3'),
);
const missingText = fc.constantFrom('', 'NA', 'nan', 'n/a', '-', '#N/A', '  ');
const garbageText = fc.constantFrom(
  'abc',
  '1.2.3',
  '0x10',
  'Infinity',
  '1e400',
  '--1',
  '1,5',
  '"',
  'a\nb',
  'x"y',
  '\r',
  '½',
  '🧪',
);
const cellText = fc.oneof(
  { weight: 6, arbitrary: numberText },
  { weight: 2, arbitrary: missingText },
  { weight: 1, arbitrary: garbageText },
);
const timeText = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 6 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', 'NA', '2.5', '72C', ' 1 ') },
);
const groupText = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('A', 'B', 'L1') },
  { weight: 1, arbitrary: fc.constantFrom('', 'x,y', 'q"r', ' ') },
);

const cleanCell = fc.oneof({ weight: 6, arbitrary: numberText }, { weight: 1, arbitrary: missingText });

const tableArb: fc.Arbitrary<Table> = fc
  .record({
    features: fc.uniqueArray(fc.constantFrom('x', 'y (uM)', 'z g/L', 'a,b', 'q"t', 'Ω'), {
      minLength: 1,
      maxLength: 4,
    }),
    rowCount: fc.integer({ min: 0, max: 9 }),
    // Half the tables are well formed apart from chance, so both outcomes are exercised.
    messy: fc.boolean(),
    delimiter: fc.constantFrom(',' as const, '\t' as const, ';' as const),
    newline: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .chain((shape) => {
    const nf = shape.features.length;
    const width = nf + 2;
    const messyRow = fc
      .tuple(
        groupText,
        timeText,
        fc.array(cellText, { minLength: nf, maxLength: nf }),
        fc.integer({ min: -1, max: 12 }),
      )
      .map(([g, t, cells, lengthChange]) => {
        const r = [g, t, ...cells];
        // Now and then a row loses or gains a cell.
        if (lengthChange === -1) r.pop();
        if (lengthChange === 12) r.push('7');
        return r;
      });
    const rows = shape.messy
      ? fc.array(messyRow, { minLength: shape.rowCount, maxLength: shape.rowCount })
      : fc
          .uniqueArray(fc.tuple(fc.constantFrom('A', 'B'), fc.integer({ min: 0, max: 6 })), {
            minLength: shape.rowCount,
            maxLength: shape.rowCount,
            selector: ([g, t]) => `${g}@${t}`,
          })
          .chain((keys) =>
            fc.tuple(
              ...keys.map(([g, t]) =>
                fc
                  .array(cleanCell, { minLength: nf, maxLength: nf })
                  .map((cells) => [g, String(t), ...cells]),
              ),
            ),
          );
    return fc.record({
      header: fc.constant(['Strain', 'Hour', ...shape.features]),
      rows: rows as fc.Arbitrary<Cell[][]>,
      delimiter: fc.constant(shape.delimiter),
      newline: fc.constant(shape.newline),
      bom: fc.constant(shape.bom),
      finalNewline: fc.constant(shape.finalNewline),
      forceQuote: fc.array(fc.boolean(), { minLength: width + 1, maxLength: width + 1 }),
    });
  });

interface Written {
  text: string;
  /** [row][cell] → where the cell starts; row 0 is the header. */
  starts: { line: number; column: number }[][];
  /** [row] → position of the row's line end (where a missing cell is reported). */
  ends: { line: number; column: number }[];
}

function needsQuotes(cell: string, delimiter: string): boolean {
  return cell.includes(delimiter) || /["\r\n]/.test(cell) || cell.startsWith('"');
}

/** Serializes the table and records positions with a plain counter. */
function write(table: Table): Written {
  let text = table.bom ? '\uFEFF' : '';
  let line = 1;
  let column = 1;
  const emit = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\r' || (c === '\n' && s[i - 1] !== '\r' && !(i === 0 && text.endsWith('\r')))) {
        line++;
        column = 1;
      } else if (c !== '\n') column++;
      text += c;
    }
  };
  const starts: Written['starts'] = [];
  const ends: Written['ends'] = [];
  const all = [table.header, ...table.rows];
  all.forEach((row, r) => {
    const rowStarts: { line: number; column: number }[] = [];
    row.forEach((cell, k) => {
      if (k > 0) emit(table.delimiter);
      rowStarts.push({ line, column });
      const quote = needsQuotes(cell, table.delimiter) || (table.forceQuote[k] ?? false);
      emit(quote ? `"${cell.replace(/"/g, '""')}"` : cell);
    });
    starts.push(rowStarts);
    ends.push({ line, column });
    if (r < all.length - 1 || table.finalNewline) emit(table.newline);
  });
  return { text, starts, ends };
}

const options: WideTableOptions = { file: 't.csv', groupColumn: 'Strain', timeColumn: 'Hour' };
const MISSING = new Set(['', 'na', 'nan', 'n/a', '-', '#n/a', 'null', 'none']);
const isMissing = (s: string) => MISSING.has(s.trim().toLowerCase());
const isNumber = (s: string) =>
  /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim()) && Number.isFinite(Number(s.trim()));

/** Rows the reader sees as data: not made only of empty cells. */
const dataRows = (t: Table) =>
  t.rows.map((cells, r) => ({ cells, r: r + 1 })).filter(({ cells }) => cells.some((c) => c.trim() !== ''));

function checkError(err: OmicsIOError, t: Table, w: Written): void {
  expect(err.file).toBe('t.csv');
  expect(err.message.startsWith(`t.csv:${err.line}:${err.column}: `)).toBe(true);
  expect(err.message).not.toMatch(/[\r\n]/);
  const at = (r: number, k: number) => w.starts[r]![k]!;
  const same = (p: { line: number; column: number }) => p.line === err.line && p.column === err.column;
  const rows = dataRows(t);
  switch (err.code) {
    case 'row-length': {
      const bad = rows.find(({ cells }) => cells.length !== t.header.length)!;
      expect(bad).toBeDefined();
      expect(same(bad.cells.length > t.header.length ? at(bad.r, t.header.length) : w.ends[bad.r]!)).toBe(
        true,
      );
      return;
    }
    case 'non-numeric':
    case 'missing-time':
    case 'missing-group': {
      const hit = rows.find(({ r, cells }) => cells.some((_, k) => same(at(r, k))));
      expect(hit, 'error points at a cell').toBeDefined();
      const k = hit!.cells.findIndex((_, k2) => same(at(hit!.r, k2)));
      const cell = hit!.cells[k]!;
      if (err.code === 'missing-group') expect([k, cell.trim()]).toEqual([0, '']);
      if (err.code === 'missing-time') expect(k === 1 && isMissing(cell)).toBe(true);
      if (err.code === 'non-numeric') expect(k >= 1 && !isNumber(cell) && !isMissing(cell)).toBe(true);
      return;
    }
    case 'duplicate-time': {
      const hit = rows.find(({ r }) => same(at(r, 1)))!;
      expect(hit).toBeDefined();
      const earlier = rows.filter(({ r, cells }) => r < hit.r && cells[0]!.trim() === hit.cells[0]!.trim());
      expect(earlier.some(({ cells }) => Number(cells[1]!.trim()) === Number(hit.cells[1]!.trim()))).toBe(
        true,
      );
      return;
    }
    case 'too-few-times':
    case 'empty-group': {
      const hit = rows.find(({ r }) => same(at(r, 0)))!;
      expect(hit, 'error points at a group cell').toBeDefined();
      const name = hit.cells[0]!.trim();
      const own = rows.filter(({ cells }) => cells[0]!.trim() === name);
      expect(own[0]!.r).toBe(hit.r);
      if (err.code === 'too-few-times')
        expect(new Set(own.map(({ cells }) => Number(cells[1]!.trim()))).size).toBeLessThan(2);
      else expect(own.every(({ cells }) => cells.slice(2).every(isMissing))).toBe(true);
      return;
    }
    case 'no-data-rows':
      expect(rows.length).toBe(0);
      return;
    case 'unterminated-quote':
    case 'bad-quote':
      throw new Error(`the writer quotes correctly, so ${err.code} is wrong here: ${err.message}`);
    default:
      throw new Error(`unexpected error code ${err.code}: ${err.message}`);
  }
}

function checkDataset(d: Dataset, t: Table): void {
  for (const { cells } of dataRows(t)) {
    const g = d.groups.find((x) => x.name === cells[0]!.trim())!;
    const j = g.times.indexOf(Number(cells[1]!.trim()));
    expect(j).toBeGreaterThanOrEqual(0);
    cells.slice(2).forEach((cell, k) => {
      const v = g.values[k]![j]!;
      if (isMissing(cell)) expect(v).toBeNaN();
      else expect(v).toBe(Number(cell.trim()));
    });
  }
  for (const g of d.groups)
    for (let j = 1; j < g.times.length; j++) expect(g.times[j]!).toBeGreaterThan(g.times[j - 1]!);
}

function outcome(run: () => Dataset): Dataset | OmicsIOError {
  try {
    return run();
  } catch (err) {
    if (err instanceof OmicsIOError) return err;
    throw err;
  }
}

describe('malformed and random tables (fast-check)', () => {
  it('either parse, holding every number written, or raise OmicsIOError at the offending cell (3000 tables)', () => {
    let errors = 0;
    fc.assert(
      fc.property(tableArb, (t) => {
        const w = write(t);
        const result = outcome(() => parseWideCsv(w.text, options));
        if (result instanceof OmicsIOError) {
          errors++;
          checkError(result, t, w);
        } else checkDataset(result, t);
      }),
      { numRuns: 3000 },
    );
    // Both branches are exercised, not just one.
    expect(errors).toBeGreaterThan(300);
    expect(errors).toBeLessThan(2700);
  });

  it('stream the same result or error as the whole text, however the bytes are chunked (500 tables)', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, fc.integer({ min: 1, max: 17 }), async (t, size) => {
        const { text } = write(t);
        const whole = outcome(() => parseWideCsv(text, options));
        const bytes = new TextEncoder().encode(text);
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
        let streamed: Dataset | OmicsIOError;
        try {
          streamed = await readWideTable(Readable.from(chunks), options);
        } catch (err) {
          if (!(err instanceof OmicsIOError)) throw err;
          streamed = err;
        }
        if (whole instanceof OmicsIOError) expect(String(streamed)).toBe(String(whole));
        else expect(streamed).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('never throw anything but OmicsIOError on arbitrary text or bytes (2000 inputs)', async () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 200 });
    fc.assert(
      fc.property(anyText, (s) => {
        const r = outcome(() => parseWideCsv(`Strain,Hour,x\n${s}`, options));
        if (r instanceof OmicsIOError) expect(r.message).toMatch(/^t\.csv:\d+:\d+: /);
      }),
      { numRuns: 1000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        try {
          await readWideTable(bytes, options);
        } catch (err) {
          expect(err).toBeInstanceOf(OmicsIOError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
