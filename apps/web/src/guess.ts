/**
 * A first look at a table, for the page's column form: the header, which columns hold numbers, the
 * groups, and a guess of the time, group, state and control columns that the user then corrects.
 * Only a guess: the table is parsed and checked by @kinetica/omics-io when training starts, and
 * every error names its line and column there. The record splitter below reads quoted cells
 * (RFC 4180) of the first rows only; it is not the reader.
 */

export interface ColumnInfo {
  name: string;
  /** Cells that hold a number, and cells that hold something else (blanks and NA excepted). */
  numeric: number;
  text: number;
}

export interface TableGuess {
  delimiter: ',' | '\t' | ';';
  columns: ColumnInfo[];
  time: string | undefined;
  group: string | undefined;
  states: string[];
  controls: string[];
  /** Distinct values of the guessed group column, in order of appearance. */
  groups: string[];
  /** The known pathway network whose names matched, if any. */
  network?: string;
}

/** Species and proteins of a built-in network, for recognising its columns. */
export interface KnownNetwork {
  name: string;
  species: string[];
  proteins: string[];
}

const MISSING = new Set(['', 'na', 'nan', 'n/a', 'null', 'none', '-']);
const TIME_NAMES = /^(time|hours?|hrs?|h|t|days?|minutes?|mins?|seconds?|s)(\b|[\s_([])/i;
const GROUP_NAMES = /^(strain|group|sample|condition|line|genotype|id|name|replicate)s?\b/i;

/** Splits one record; quotes may hold delimiters and doubled quotes. */
export function splitRecord(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function guessDelimiter(header: string): TableGuess['delimiter'] {
  const count = (d: string) => splitRecord(header, d).length;
  const best = ([',', '\t', ';'] as const).reduce((a, b) => (count(b) > count(a) ? b : a));
  return best;
}

const isNumber = (s: string) => s !== '' && Number.isFinite(Number(s));

/** Reads the header and up to `maxRows` records, and guesses the roles of the columns. */
export function guessTable(text: string, known: readonly KnownNetwork[] = [], maxRows = 5000): TableGuess {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/, maxRows + 1);
  const header = lines[0] ?? '';
  const delimiter = guessDelimiter(header);
  const names = splitRecord(header, delimiter);
  const columns: ColumnInfo[] = names.map((name) => ({ name, numeric: 0, text: 0 }));
  const rows: string[][] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const cells = splitRecord(line, delimiter);
    rows.push(cells);
    cells.forEach((c, j) => {
      const col = columns[j];
      if (!col || MISSING.has(c.toLowerCase())) return;
      if (isNumber(c)) col.numeric++;
      else col.text++;
    });
  }
  // Mostly numbers: a value column (a stray word in it is the reader's to report, with its line).
  const numeric = columns.filter((c) => c.numeric > 0 && c.numeric > c.text);
  const time = numeric.find((c) => TIME_NAMES.test(c.name))?.name ?? numeric[0]?.name;
  const textual = columns.filter((c) => c.text > 0 && c.text >= c.numeric);
  const group = columns.find((c) => GROUP_NAMES.test(c.name) && c.name !== time)?.name ?? textual[0]?.name;
  const groupIndex = group === undefined ? -1 : names.indexOf(group);
  const groups: string[] = [];
  if (groupIndex >= 0) {
    const seen = new Set<string>();
    for (const r of rows) {
      const g = r[groupIndex];
      if (g !== undefined && g !== '' && !seen.has(g)) {
        seen.add(g);
        groups.push(g);
      }
    }
  }
  const data = numeric.filter((c) => c.name !== time && c.name !== group).map((c) => c.name);
  // A built-in network whose species and proteins are all columns with numbers: its columns.
  const present = new Set(data);
  const match = [...known]
    .filter((n) => n.species.every((s) => present.has(s)) && n.proteins.every((p) => present.has(p)))
    .sort((a, b) => b.species.length + b.proteins.length - (a.species.length + a.proteins.length))[0];
  const guess: TableGuess = {
    delimiter,
    columns,
    time,
    group,
    states: match ? [...match.species] : data,
    controls: match ? [...match.proteins] : [],
    groups,
  };
  if (match) guess.network = match.name;
  return guess;
}
