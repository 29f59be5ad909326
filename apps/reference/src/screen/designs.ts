import { InputError } from '../io/errors';
import { readLimitedFile } from '../pipeline/read-limited';

/** Largest designs file `screen` reads. */
export const MAX_DESIGNS_FILE_BYTES = 256 * 1024 * 1024;

/** The designs of a `screen` run: names and a row-major factor matrix (one row per design, one column per model control). */
export interface Designs {
  names: string[];
  /** factors[d * nControls + c]: the factor on control c of design d (1 where the file has no column or an empty cell). */
  factors: Float64Array;
  nControls: number;
  /** The model controls the file names, in the file's order. */
  columns: string[];
}

/** Split CSV text into records of cells with the line and column where each cell starts (RFC 4180 quoting). */
function records(text: string, file: string): { cells: string[]; line: number; cols: number[] }[] {
  const out: { cells: string[]; line: number; cols: number[] }[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  let lineStart = i;
  while (i < n) {
    const recLine = line;
    const cells: string[] = [];
    const cols: number[] = [];
    for (;;) {
      cols.push(i - lineStart + 1);
      let cell = '';
      if (text[i] === '"') {
        const startLine = line;
        const startCol = i - lineStart + 1;
        i++;
        for (;;) {
          if (i >= n) throw new InputError('a quoted cell is never closed', file, startLine, startCol);
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') {
            line++;
            lineStart = i + 1;
          }
          cell += ch;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
          throw new InputError('text after a closing quote', file, line, i - lineStart + 1);
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        cell = text.slice(start, i);
      }
      cells.push(cell.trim());
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    lineStart = i;
    // Blank lines are skipped.
    if (!(cells.length === 1 && cells[0] === '')) out.push({ cells, line: recLine, cols });
  }
  return out;
}

/**
 * Read `design,<control>,…` rows: each factor multiplies the base strain's course of that control.
 * Every problem is an InputError naming file:line:column (exit 3): an unknown or repeated control
 * column, a design without a name or named twice, a cell that is not a finite number ≥ 0, a row
 * with more or fewer cells than the header, or no design at all.
 */
export function readDesigns(file: string, controls: readonly string[]): Designs {
  const text = readLimitedFile(file, MAX_DESIGNS_FILE_BYTES, 'designs');
  return parseDesigns(text, file, controls);
}

export function parseDesigns(text: string, file: string, controls: readonly string[]): Designs {
  const rows = records(text, file);
  const header = rows[0];
  if (!header)
    throw new InputError('no designs: the file is empty (expected a header design,<control>,…)', file);
  if (header.cells[0]!.toLowerCase() !== 'design')
    throw new InputError(
      `the first column must be 'design', got '${header.cells[0]}'`,
      file,
      header.line,
      header.cols[0],
    );
  const columns = header.cells.slice(1);
  const index = columns.map((name, k) => {
    const c = controls.indexOf(name);
    if (c < 0)
      throw new InputError(
        `unknown control '${name}' (the model's controls: ${controls.join(', ')})`,
        file,
        header.line,
        header.cols[k + 1],
      );
    if (columns.indexOf(name) !== k)
      throw new InputError(`control '${name}' has two columns`, file, header.line, header.cols[k + 1]);
    return c;
  });
  const nControls = controls.length;
  const body = rows.slice(1);
  if (body.length === 0) throw new InputError('no designs: the file has a header but no rows', file);
  const factors = new Float64Array(body.length * nControls).fill(1);
  const names: string[] = [];
  const seen = new Map<string, number>();
  body.forEach((r, d) => {
    if (r.cells.length !== header.cells.length)
      throw new InputError(
        `expected ${header.cells.length} cells (as the header), got ${r.cells.length}`,
        file,
        r.line,
        r.cols[Math.min(r.cells.length, header.cells.length) - 1],
      );
    const name = r.cells[0]!;
    if (name === '') throw new InputError('a design needs a name', file, r.line, r.cols[0]);
    const before = seen.get(name);
    if (before !== undefined)
      throw new InputError(
        `design '${name}' is named twice (first on line ${before})`,
        file,
        r.line,
        r.cols[0],
      );
    seen.set(name, r.line);
    names.push(name);
    for (let k = 0; k < columns.length; k++) {
      const cell = r.cells[k + 1]!;
      if (cell === '') continue;
      const v = Number(cell);
      if (!Number.isFinite(v))
        throw new InputError(
          `factor of '${columns[k]}' is not a number: '${cell}'`,
          file,
          r.line,
          r.cols[k + 1],
        );
      if (v < 0)
        throw new InputError(
          `factor of '${columns[k]}' is negative (${cell}); factors must be ≥ 0`,
          file,
          r.line,
          r.cols[k + 1],
        );
      factors[d * nControls + index[k]!] = v;
    }
  });
  return { names, factors, nControls, columns };
}
