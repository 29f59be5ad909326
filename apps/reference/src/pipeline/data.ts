import { readFileSync } from 'node:fs';
import { type Dataset, findGroup, type Group, readWideCsvFile, selectFeatures } from '@kinetica/omics-io';
import { InputError } from '../io/errors';
import { CliError } from '../io/errors';

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

/** The column names of a delimited table's header line (comma, or tab for .tsv). */
function headerColumns(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return []; // the reader reports an unreadable file, naming it
  }
  const eol = text.indexOf('\n');
  text = eol >= 0 ? text.slice(0, eol) : text;
  const delimiter = text.includes('\t') && !text.includes(',') ? '\t' : ',';
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '').replace(/\r$/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** One table with the selection's columns; with `optional`, a state column it lacks is all missing. */
function readTable(file: string, s: TableSelection, optional: boolean): Dataset {
  const wanted = [...s.states, ...s.controls];
  const present = optional ? new Set(headerColumns(file)) : null;
  const features = present ? wanted.filter((c) => present.has(c) || !s.states.includes(c)) : wanted;
  const all = readWideCsvFile(file, { groupColumn: s.group, timeColumn: s.time, features });
  const ds = selectFeatures(all, features);
  if (features.length === wanted.length) return ds;
  // Pooled tables: a state another pathway's table measures and this one does not is missing here.
  const index = new Map(ds.features.map((f, i) => [f.name, i]));
  return {
    ...ds,
    features: wanted.map((name) => ds.features[index.get(name) ?? -1] ?? { name, label: name }),
    groups: ds.groups.map(
      (g): Group => ({
        ...g,
        values: wanted.map((name) => {
          const i = index.get(name);
          return i === undefined ? new Float64Array(g.times.length).fill(Number.NaN) : g.values[i]!;
        }),
      }),
    ),
  };
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
