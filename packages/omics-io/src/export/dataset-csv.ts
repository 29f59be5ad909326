import type { Dataset } from '../dataset/types';

export interface CsvWriteOptions {
  /** Field separator (default ','). */
  delimiter?: ',' | '\t' | ';';
  /** Line ending (default '\n'). */
  newline?: '\n' | '\r\n';
}

/**
 * A wide table: group, time, then one column per feature (header = feature name); missing values
 * are empty cells; numbers are written in the shortest form that reads back to the same double.
 */
export function datasetToWideCsv(dataset: Dataset, options: CsvWriteOptions = {}): string {
  const d = options.delimiter ?? ',';
  const nl = options.newline ?? '\n';
  const lines = [
    [dataset.groupColumn ?? 'group', dataset.timeColumn, ...dataset.features.map((f) => f.name)]
      .map((cell) => quoteCell(cell, d))
      .join(d),
  ];
  for (const g of dataset.groups) {
    const name = quoteCell(g.name, d);
    for (let j = 0; j < g.times.length; j++) {
      const cells = [name, formatNumber(g.times[j]!)];
      for (const row of g.values) cells.push(formatNumber(row[j]!));
      lines.push(cells.join(d));
    }
  }
  return lines.join(nl) + nl;
}

/** A long table: group, time, feature, value (and sd, n when the dataset kept replicate spread). */
export function datasetToLongCsv(dataset: Dataset, options: CsvWriteOptions = {}): string {
  const d = options.delimiter ?? ',';
  const nl = options.newline ?? '\n';
  const withSpread = dataset.groups.some((g) => g.spread);
  const header = [dataset.groupColumn ?? 'group', dataset.timeColumn, 'feature', 'value'];
  if (withSpread) header.push('sd', 'n');
  const lines = [header.map((c) => quoteCell(c, d)).join(d)];
  for (const g of dataset.groups) {
    const name = quoteCell(g.name, d);
    dataset.features.forEach((f, k) => {
      const feature = quoteCell(f.name, d);
      for (let j = 0; j < g.times.length; j++) {
        const cells = [name, formatNumber(g.times[j]!), feature, formatNumber(g.values[k]![j]!)];
        if (withSpread) {
          cells.push(
            g.spread ? formatNumber(g.spread.sd[k]![j]!) : '',
            g.spread ? String(g.spread.n[k]![j]!) : '',
          );
        }
        lines.push(cells.join(d));
      }
    });
  }
  return lines.join(nl) + nl;
}

/** Shortest text that reads back to the same double; keeps the sign of −0, which String() drops. */
function formatNumber(v: number): string {
  if (Number.isNaN(v)) return '';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Quotes a cell that holds the separator, a quote, a line break or edge spaces (RFC 4180). */
export function quoteCell(text: string, delimiter: string): string {
  if (text.includes(delimiter) || /["\r\n]/.test(text) || text !== text.trim())
    return `"${text.replace(/"/g, '""')}"`;
  return text;
}
