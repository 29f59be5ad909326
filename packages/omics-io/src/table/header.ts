import { OmicsIOError } from '../errors/omics-io-error';
import { listNames } from '../dataset/select';
import type { CsvRow } from '../text/csv-tokenizer';
import { type ParsedHeader, parseHeader } from './units';

/** The header row, with lookup of columns by name and messages that list what exists. */
export class HeaderIndex {
  readonly parsed: ParsedHeader[];
  readonly line: number;
  readonly columns: number[];
  readonly lines: number[];

  constructor(
    row: CsvRow,
    readonly file: string | undefined,
  ) {
    this.parsed = row.fields.map(parseHeader);
    this.line = row.lines[0] ?? 1;
    this.columns = row.columns.slice();
    this.lines = row.lines.slice();
  }

  get width(): number {
    return this.parsed.length;
  }

  /**
   * Column index of `name`: the exact header, else the only header equal to it ignoring case,
   * else the only header whose label (name without unit) equals it. Throws OmicsIOError
   * ('unknown-column' or 'duplicate-column') naming the available columns.
   */
  resolve(name: string, role: string): number {
    const wanted = name.trim();
    const exact = this.matches((h) => h.name === wanted);
    const found =
      exact.length > 0
        ? exact
        : this.firstNonEmpty([
            this.matches((h) => h.name.toLowerCase() === wanted.toLowerCase()),
            this.matches((h) => h.label === wanted),
            this.matches((h) => h.label.toLowerCase() === wanted.toLowerCase()),
          ]);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      const second = found[1]!;
      throw new OmicsIOError(
        'duplicate-column',
        `${role} ${JSON.stringify(name)} matches ${found.length} columns (${found.map((i) => JSON.stringify(this.parsed[i]!.name)).join(', ')})`,
        { file: this.file, line: this.lines[second], column: this.columns[second] },
      );
    }
    throw new OmicsIOError(
      'unknown-column',
      `unknown ${role} ${JSON.stringify(name)}; available columns: ${listNames(this.parsed.map((h) => h.name))}`,
      { file: this.file, line: this.line, column: 1 },
    );
  }

  private matches(test: (h: ParsedHeader) => boolean): number[] {
    const out: number[] = [];
    this.parsed.forEach((h, i) => {
      if (h.name !== '' && test(h)) out.push(i);
    });
    return out;
  }

  private firstNonEmpty(lists: number[][]): number[] {
    return lists.find((l) => l.length > 0) ?? [];
  }
}
