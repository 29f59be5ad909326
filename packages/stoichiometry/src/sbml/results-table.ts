/** A time-course table in the SBML Test Suite's layout: header `time,<variable>,…`, one row per output time. */
export interface ResultTable {
  header: string[];
  rows: number[][];
}

/** Render a table as CSV with full double precision (INF, -INF and NaN spelled as the suite does). */
export function formatResultCsv(table: ResultTable): string {
  const cell = (x: number): string =>
    Number.isNaN(x) ? 'NaN' : x === Infinity ? 'INF' : x === -Infinity ? '-INF' : String(x);
  return `${[table.header.join(','), ...table.rows.map((r) => r.map(cell).join(','))].join('\n')}\n`;
}

/** Parse a results CSV (the suite's `NNNNN-results.csv` or our own output). */
export function parseResultCsv(text: string, where = 'results'): ResultTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TypeError(`${where}: empty file`);
  const header = lines[0]!.split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new TypeError(
        `${where}: line ${i + 2} has ${cells.length} cells, the header has ${header.length}`,
      );
    }
    return cells.map((c, k) => {
      const u = c.toUpperCase();
      if (u === 'INF' || u === '+INF' || u === 'INFINITY') return Infinity;
      if (u === '-INF' || u === '-INFINITY') return -Infinity;
      if (u === 'NAN') return Number.NaN;
      const v = Number(c);
      if (c === '' || Number.isNaN(v))
        throw new TypeError(`${where}: line ${i + 2}, column ${k + 1}: "${c}" is not a number`);
      return v;
    });
  });
  return { header, rows };
}
