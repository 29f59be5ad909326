import type { RowFilterOptions } from '../table/row-filter';
import type { Delimiter } from '../text/csv-tokenizer';

/** Options every reader takes. */
export interface ReadOptions extends RowFilterOptions {
  /** Name used in error messages; the file readers default it to the path. */
  file?: string;
  /** Field separator; 'auto' (default) picks the most frequent of , TAB ; | on the header line. */
  delimiter?: Delimiter | 'auto';
  /** Cell texts meaning "not measured" (case-insensitive, trimmed); default '', NA, NaN, n/a, #N/A, -, null, none. */
  missing?: readonly string[];
  /** Decimal separator of numeric cells (default '.'). */
  decimal?: '.' | ',';
  /** Fewest distinct time points a group may have (default 2). */
  minTimePoints?: number;
}

export function checkReadOptions(options: ReadOptions, required: readonly string[], where: string): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`omics-io: ${where} needs an options object`);
  for (const key of required) {
    const value = (options as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TypeError(`omics-io: ${where} needs options.${key} (a column name)`);
    }
  }
  const d = options.delimiter;
  if (d !== undefined && d !== 'auto' && d !== ',' && d !== '\t' && d !== ';' && d !== '|') {
    throw new TypeError(
      `omics-io: delimiter must be 'auto', ',', '\\t', ';' or '|', got ${JSON.stringify(d)}`,
    );
  }
  const m = options.minTimePoints;
  if (m !== undefined && !(Number.isInteger(m) && m >= 1)) {
    throw new RangeError(`omics-io: minTimePoints must be a positive integer, got ${m}`);
  }
}
