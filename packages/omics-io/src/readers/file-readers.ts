import type { Dataset } from '../dataset/types';
import { type LongTableOptions, longReader } from './long-table';
import { feedFileSync, feedSource } from './node-sources';
import type { TableSource } from './sources';
import { type WideTableOptions, wideReader } from './wide-table';

// The readers that take file paths (node:fs). Exported from the package root in Node and from
// `@kinetica/omics-io/node`; the browser entry leaves them out.

/** Reads a wide CSV/TSV file synchronously, in chunks. */
export function readWideCsvFile(path: string, options: WideTableOptions): Dataset {
  const file = options.file ?? path;
  return feedFileSync(path, wideReader(options, file), file);
}

/** Reads a wide table from a file path, bytes or a stream (any async iterable of chunks). */
export function readWideTable(source: TableSource, options: WideTableOptions): Promise<Dataset> {
  const file = options.file ?? (typeof source === 'string' ? source : undefined);
  return Promise.resolve().then(() => feedSource(source, wideReader(options, file), file));
}

/** Reads a long CSV/TSV file synchronously, in chunks. */
export function readLongCsvFile(path: string, options: LongTableOptions): Dataset {
  const file = options.file ?? path;
  return feedFileSync(path, longReader(options, file), file);
}

/** Reads a long table from a file path, bytes or a stream (any async iterable of chunks). */
export function readLongTable(source: TableSource, options: LongTableOptions): Promise<Dataset> {
  const file = options.file ?? (typeof source === 'string' ? source : undefined);
  return Promise.resolve().then(() => feedSource(source, longReader(options, file), file));
}
