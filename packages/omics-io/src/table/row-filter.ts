import type { CsvRow } from '../text/csv-tokenizer';
import type { HeaderIndex } from './header';

/** Keep rows whose cell (trimmed) is one of the listed texts / drop rows whose cell is listed. */
export interface RowFilterOptions {
  include?: Readonly<Record<string, readonly string[]>>;
  exclude?: Readonly<Record<string, readonly string[]>>;
}

interface Condition {
  column: number;
  values: ReadonlySet<string>;
}

/** Compiles include/exclude rules against the header; unknown columns throw OmicsIOError. */
export function compileRowFilter(options: RowFilterOptions, header: HeaderIndex): (row: CsvRow) => boolean {
  const compile = (
    rules: Readonly<Record<string, readonly string[]>> | undefined,
    what: string,
  ): Condition[] =>
    Object.entries(rules ?? {}).map(([name, values]) => {
      if (!Array.isArray(values)) {
        throw new TypeError(`omics-io: ${what}[${JSON.stringify(name)}] must be an array of cell texts`);
      }
      return { column: header.resolve(name, `${what} column`), values: new Set(values.map((v) => v.trim())) };
    });
  const include = compile(options.include, 'include');
  const exclude = compile(options.exclude, 'exclude');
  if (include.length === 0 && exclude.length === 0) return () => true;
  return (row) => {
    for (const c of include) if (!c.values.has(row.fields[c.column]!.trim())) return false;
    for (const c of exclude) if (c.values.has(row.fields[c.column]!.trim())) return false;
    return true;
  };
}
