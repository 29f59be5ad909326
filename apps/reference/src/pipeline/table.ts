import { type Dataset, findGroup, type Group, parseWideCsv, selectFeatures } from '@kinetica/omics-io';
import { CliError, InputError } from '../io/errors';

/**
 * The table selection of `train`, `predict` and the web page, and the checks that need only the
 * table's text (no file system: this module is bundled for the browser).
 */

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

/** A table's name for messages and its lines, read only when a message needs a column. */
export interface TableText {
  file: string;
  lines: () => readonly string[];
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

/** The lines of a table's text (CRLF, LF or CR ends), without a byte-order mark. */
export function textLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

const delimiterOf = (header: string) => (header.includes('\t') && !header.includes(',') ? '\t' : ',');

/** Column (1-based) of the cell of column `name` on line `line`, for messages; undefined when unsure. */
function cellColumn(lines: readonly string[], line: number, name: string): number | undefined {
  const delimiter = delimiterOf(lines[0] ?? '');
  const index = splitLine(lines[0] ?? '', delimiter).findIndex((c) => c.text === name);
  return index < 0 ? undefined : splitLine(lines[line - 1] ?? '', delimiter)[index]?.column;
}

/** An input error at the cell of column `name` on the row of group `g` at time index `k`. */
function cellError(source: TableText, g: Group, k: number, name: string, message: string): InputError {
  const line = g.lines?.[k];
  return new InputError(
    message,
    source.file,
    line,
    line === undefined ? undefined : cellColumn(source.lines(), line, name),
  );
}

/**
 * Values the model cannot use, refused where they are: a magnitude beyond MAX_MAGNITUDE, and a
 * blank first value of a state that a test group measures later (the prediction starts from it;
 * filling it from later points would change the answer silently). A state a group never
 * measures (pooled tables of other pathways) stays allowed.
 */
export function checkValues(source: TableText, ds: Dataset, s: TableSelection): void {
  for (const g of ds.groups) {
    g.times.forEach((t, k) => {
      if (Math.abs(t) > MAX_MAGNITUDE)
        throw cellError(
          source,
          g,
          k,
          ds.timeColumn,
          `time ${t} is too large (the limit is ±${MAX_MAGNITUDE})`,
        );
    });
    ds.features.forEach((f, j) => {
      const v = g.values[j]!;
      v.forEach((x, k) => {
        if (Math.abs(x) > MAX_MAGNITUDE)
          throw cellError(
            source,
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
          source,
          g,
          0,
          f.name,
          `test strain '${g.name}' has no value of '${f.name}' at its first time ${g.times[0]}; the prediction starts from it (fill the cell)`,
        );
    });
  }
}

/** The wide-table options of a selection; with `optional`, a state column a table lacks is all missing. */
export function wideOptions(s: TableSelection, file: string, optional: boolean) {
  return {
    file,
    groupColumn: s.group,
    timeColumn: s.time,
    features: [...s.states, ...s.controls],
    // Pooled tables: a state another pathway's table measures and this one does not is missing here.
    ...(optional ? { optionalFeatures: s.states } : {}),
  };
}

/** One table given as text (`file` names it in messages), with the selection's columns checked. */
export function tableFromText(text: string, file: string, s: TableSelection, optional = false): Dataset {
  const ds = selectFeatures(parseWideCsv(text, wideOptions(s, file, optional)), [...s.states, ...s.controls]);
  let lines: string[] | undefined;
  checkValues({ file, lines: () => (lines ??= textLines(text)) }, ds, s);
  return ds;
}

/**
 * Pool tables (one or several, in the order of `files`) and check that every named group exists.
 * Pooled tables must not repeat a group name.
 */
export function poolTables(tables: Dataset[], files: readonly string[], s: TableSelection): Dataset {
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
