import { readFileSync } from 'node:fs';
import { type Dataset, findGroup, type Group, readWideCsvFile, selectFeatures } from '@kinetica/omics-io';
import { CliError, InputError } from '../io/errors';

export interface TableSelection {
  /** The table, or several pooled (`--data` given more than once). */
  data: string | string[];
  time: string;
  group: string;
  states: string[];
  controls: string[];
  train: string[];
  test: string[];
}

/** Check the command line before touching any file: overlaps and repeats are usage errors. */
export function checkSelection(command: string, s: TableSelection): void {
  const dup = (list: string[], what: string) => {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(x)) throw new CliError(`kinetica ${command}: '${x}' is listed twice in --${what}`);
      seen.add(x);
    }
  };
  dup(s.states, 'states');
  dup(s.controls, 'controls');
  dup(s.train, 'train');
  dup(s.test, 'test');
  for (const x of s.states) {
    if (s.controls.includes(x))
      throw new CliError(`kinetica ${command}: '${x}' is in both --states and --controls`);
  }
  for (const g of s.test) {
    if (s.train.includes(g)) {
      throw new CliError(
        `kinetica ${command}: strain '${g}' is in both --train and --test; a held-out strain must not be trained on`,
      );
    }
  }
}

/** Largest magnitude of a value the model can work with (squares and sums stay finite). */
const MAX_MAGNITUDE = 1e100;

/** The cells of one line of a delimited table, with the column (1-based) where each starts. */
function splitLine(line: string, delimiter: string): { text: string; column: number }[] {
  const out: { text: string; column: number }[] = [];
  let cur = '';
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) {
      out.push({ text: cur.trim(), column: start + 1 });
      cur = '';
      start = i + 1;
    } else cur += ch;
  }
  out.push({ text: cur.trim(), column: start + 1 });
  return out;
}

/** The lines of a file (CRLF, LF or CR ends), or [] when it cannot be read: for messages only. */
function fileLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r\n|\r|\n/);
  } catch {
    return []; // the reader reports an unreadable file (or one too long to hold), naming it
  }
}

const delimiterOf = (header: string) => (header.includes('\t') && !header.includes(',') ? '\t' : ',');

/** Column (1-based) of the cell of column `name` on line `line`, for messages; undefined when unsure. */
function cellColumn(file: string, line: number, name: string): number | undefined {
  const lines = fileLines(file);
  const delimiter = delimiterOf(lines[0] ?? '');
  const index = splitLine(lines[0] ?? '', delimiter).findIndex((c) => c.text === name);
  return index < 0 ? undefined : splitLine(lines[line - 1] ?? '', delimiter)[index]?.column;
}

/** An input error at the cell of column `name` on the row of group `g` at time index `k`. */
function cellError(file: string, g: Group, k: number, name: string, message: string): InputError {
  const line = g.lines?.[k];
  return new InputError(message, file, line, line === undefined ? undefined : cellColumn(file, line, name));
}

/**
 * Values the model cannot use, refused where they are: a magnitude beyond MAX_MAGNITUDE, and a
 * blank first value of a state that a test group measures later (the prediction starts from it;
 * filling it from later points would change the answer silently). A state a group never
 * measures (pooled tables of other pathways) stays allowed.
 */
function checkValues(file: string, ds: Dataset, s: TableSelection): void {
  for (const g of ds.groups) {
    g.times.forEach((t, k) => {
      if (Math.abs(t) > MAX_MAGNITUDE)
        throw cellError(file, g, k, ds.timeColumn, `time ${t} is too large (the limit is ±${MAX_MAGNITUDE})`);
    });
    ds.features.forEach((f, j) => {
      const v = g.values[j]!;
      v.forEach((x, k) => {
        if (Math.abs(x) > MAX_MAGNITUDE)
          throw cellError(
            file,
            g,
            k,
            f.name,
            `value ${x} in column ${JSON.stringify(f.name)} is too large (the limit is ±${MAX_MAGNITUDE}); rescale the column, e.g. change its unit`,
          );
      });
      if (
        s.test.includes(g.name) &&
        s.states.includes(f.name) &&
        Number.isNaN(v[0]!) &&
        v.some((x) => !Number.isNaN(x))
      )
        throw cellError(
          file,
          g,
          0,
          f.name,
          `test strain '${g.name}' has no value of '${f.name}' at its first time ${g.times[0]}; the prediction starts from it (fill the cell)`,
        );
    });
  }
}

/** One table with the selection's columns; with `optional`, a state column it lacks is all missing. */
function readTable(file: string, s: TableSelection, optional: boolean): Dataset {
  const features = [...s.states, ...s.controls];
  const all = readWideCsvFile(file, {
    groupColumn: s.group,
    timeColumn: s.time,
    features,
    // Pooled tables: a state another pathway's table measures and this one does not is missing here.
    ...(optional ? { optionalFeatures: s.states } : {}),
  });
  const ds = selectFeatures(all, features);
  checkValues(file, ds, s);
  return ds;
}

/**
 * Read the table (or the pooled tables) with the columns the command names, and check that every
 * named group exists and has what the protocol needs. All errors name file, line and column where
 * they apply. Pooled tables must not repeat a group name; a state column one of them lacks is
 * treated as never measured there (masked in the loss).
 */
export function loadSelection(s: TableSelection): Dataset {
  const files = Array.isArray(s.data) ? s.data : [s.data];
  const tables = files.map((file) => readTable(file, s, files.length > 1));
  let ds = tables[0]!;
  if (tables.length > 1) {
    const owner = new Map<string, string>();
    tables.forEach((t, i) => {
      for (const g of t.groups) {
        const other = owner.get(g.name);
        if (other !== undefined)
          throw new InputError(
            `group '${g.name}' is also in ${other}; pooled tables need distinct group names`,
            files[i],
          );
        owner.set(g.name, files[i]!);
      }
    });
    ds = { ...tables[0]!, file: files.join(', '), groups: tables.flatMap((t) => t.groups) };
  }
  for (const name of [...s.train, ...s.test]) findGroup(ds, name);
  return ds;
}
