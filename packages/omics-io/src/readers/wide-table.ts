import type { Dataset, Feature, Group } from '../dataset/types';
import { OmicsIOError, quoteForMessage } from '../errors/omics-io-error';
import { type CellRules, cellRules, readNumber } from '../table/cells';
import type { HeaderIndex } from '../table/header';
import { meanAndSd } from '../table/replicate-stats';
import { compileRowFilter } from '../table/row-filter';
import type { CsvRow } from '../text/csv-tokenizer';
import { checkGroup } from './group-checks';
import { checkReadOptions, type ReadOptions } from './read-options';
import { feedText } from './sources';
import { TableReader, type TableSink } from './table-reader';
import { blobName, feedBlob, feedStream, type TableBlob, type TableStream } from './web-sources';

/** A wide table: one row per (group, time), one column per feature. */
export interface WideTableOptions extends ReadOptions {
  timeColumn: string;
  /** Column naming the strain/condition; without it every row belongs to one group. */
  groupColumn?: string;
  /** Group name used when there is no group column (default 'all'). */
  groupName?: string;
  /** Feature columns, in this order; default: every named column except group, time and `ignoreColumns`. */
  features?: readonly string[];
  /**
   * Names in `features` that the table may lack: such a feature is read as never measured (NaN)
   * instead of an unknown-column error. For pooling tables of which only some measure a feature.
   */
  optionalFeatures?: readonly string[];
  /** Columns left out of the default feature list (sample ids, notes). */
  ignoreColumns?: readonly string[];
  /**
   * Two rows with the same group and time: 'error' (default) refuses the second one; 'mean'
   * treats them as replicates, averaging each feature and keeping the spread.
   */
  duplicates?: 'error' | 'mean';
}

/** Parses wide CSV/TSV text. Throws OmicsIOError for bad input, TypeError for bad options. */
export function parseWideCsv(text: string, options: WideTableOptions): Dataset {
  return feedText(text, wideReader(options, options.file), options.file);
}

/**
 * Reads a wide table from a `Blob` or `File` (browser-safe), in the chunks of its stream, with the
 * same checks and `file:line:column` errors as the file readers; a `File`'s name stands in for the path.
 */
export function readWideTableFromBlob(blob: TableBlob, options: WideTableOptions): Promise<Dataset> {
  return Promise.resolve().then(() => {
    const file = options?.file ?? blobName(blob);
    return feedBlob(blob, wideReader(options, file), file);
  });
}

/**
 * Reads a wide table from a WHATWG `ReadableStream` of bytes (`blob.stream()`, `response.body`) or
 * of text (browser-safe); bytes are checked to be UTF-8 text as they arrive.
 */
export function readWideTableFromStream(stream: TableStream, options: WideTableOptions): Promise<Dataset> {
  return Promise.resolve().then(() => feedStream(stream, wideReader(options, options?.file), options?.file));
}

/** @internal The reader behind every wide-table entry point (text, files, blobs, streams). */
export function wideReader(options: WideTableOptions, file: string | undefined): TableReader<Dataset> {
  checkReadOptions(options, ['timeColumn'], 'reading a wide table');
  if (options.groupColumn !== undefined && typeof options.groupColumn !== 'string') {
    throw new TypeError('omics-io: groupColumn must be a column name');
  }
  if (options.duplicates !== undefined && options.duplicates !== 'error' && options.duplicates !== 'mean') {
    throw new TypeError(
      `omics-io: duplicates must be 'error' or 'mean', got ${JSON.stringify(options.duplicates)}`,
    );
  }
  return new TableReader(new WideSink(options, file), file, options.delimiter ?? 'auto');
}

interface RowRecord {
  time: number;
  line: number;
  timeColumn: number;
  values: Float64Array;
}

interface GroupRows {
  name: string;
  line: number;
  column: number;
  rows: RowRecord[];
}

class WideSink implements TableSink<Dataset> {
  private readonly rules: CellRules;
  private header!: HeaderIndex;
  private timeIdx = -1;
  private groupIdx = -1;
  private featureIdx: number[] = [];
  private keep: (row: CsvRow) => boolean = () => true;
  private readonly groups = new Map<string, GroupRows>();

  constructor(
    private readonly options: WideTableOptions,
    private readonly file: string | undefined,
  ) {
    this.rules = cellRules(options);
  }

  begin(header: HeaderIndex): void {
    const o = this.options;
    this.header = header;
    this.timeIdx = header.resolve(o.timeColumn, 'time column');
    if (o.groupColumn !== undefined) this.groupIdx = header.resolve(o.groupColumn, 'group column');
    if (o.features !== undefined) {
      const optional = new Set(o.optionalFeatures ?? []);
      this.featureIdx = o.features.map((name) => {
        try {
          return header.resolve(name, 'feature column');
        } catch (err) {
          // An optional feature the header lacks: column −1, read as all missing.
          if (optional.has(name) && err instanceof OmicsIOError && err.code === 'unknown-column') return -1;
          throw err;
        }
      });
      const dup = this.featureIdx.findIndex((c, k) => c >= 0 && this.featureIdx.indexOf(c) !== k);
      if (dup >= 0)
        throw new TypeError(`omics-io: features lists column ${JSON.stringify(o.features[dup])} twice`);
    } else {
      const ignored = new Set((o.ignoreColumns ?? []).map((name) => header.resolve(name, 'ignored column')));
      for (let c = 0; c < header.width; c++) {
        if (c !== this.timeIdx && c !== this.groupIdx && !ignored.has(c) && header.parsed[c]!.name !== '') {
          this.featureIdx.push(c);
        }
      }
    }
    if (this.timeIdx === this.groupIdx)
      throw new TypeError('omics-io: the time and group columns must differ');
    if (
      this.featureIdx.includes(this.timeIdx) ||
      (this.groupIdx >= 0 && this.featureIdx.includes(this.groupIdx))
    ) {
      throw new TypeError('omics-io: the time and group columns cannot also be features');
    }
    this.keep = compileRowFilter(o, header);
  }

  row(row: CsvRow): void {
    if (!this.keep(row)) return;
    const f = row.fields;
    let name = this.options.groupName ?? 'all';
    if (this.groupIdx >= 0) {
      name = f[this.groupIdx]!.trim();
      if (name === '') this.fail(row, this.groupIdx, 'missing-group', 'missing group name');
    }
    const t = this.readTime(row);
    const values = new Float64Array(this.featureIdx.length);
    for (let k = 0; k < this.featureIdx.length; k++) {
      const c = this.featureIdx[k]!;
      if (c < 0) {
        values[k] = Number.NaN;
        continue;
      }
      const v = readNumber(f[c]!, this.rules);
      if (v === undefined) {
        this.fail(
          row,
          c,
          'non-numeric',
          `non-numeric value ${quoteForMessage(f[c]!.trim())} in column ${JSON.stringify(this.header.parsed[c]!.name)}`,
        );
      }
      values[k] = v;
    }
    let group = this.groups.get(name);
    if (!group) {
      const c = this.groupIdx >= 0 ? this.groupIdx : this.timeIdx;
      group = { name, line: row.lines[c]!, column: row.columns[c]!, rows: [] };
      this.groups.set(name, group);
    }
    group.rows.push({
      time: t,
      line: row.lines[this.timeIdx]!,
      timeColumn: row.columns[this.timeIdx]!,
      values,
    });
  }

  finish(): Dataset {
    const o = this.options;
    const features: Feature[] = this.featureIdx.map((c, k) => {
      if (c < 0) {
        const name = o.features![k]!;
        return { name, label: name };
      }
      const h = this.header.parsed[c]!;
      return h.unit === undefined
        ? { name: h.name, label: h.label }
        : { name: h.name, label: h.label, unit: h.unit };
    });
    const groups: Group[] = [];
    for (const g of this.groups.values()) {
      const group = o.duplicates === 'mean' ? this.averageDuplicates(g) : this.refuseDuplicates(g);
      checkGroup(g, group.times.length, group.values, o.minTimePoints ?? 2, this.groupIdx >= 0, this.file);
      groups.push(group);
    }
    const dataset: Dataset = { timeColumn: this.header.parsed[this.timeIdx]!.name, features, groups };
    if (this.file !== undefined) dataset.file = this.file;
    if (this.groupIdx >= 0) dataset.groupColumn = this.header.parsed[this.groupIdx]!.name;
    return dataset;
  }

  private readTime(row: CsvRow): number {
    const c = this.timeIdx;
    const raw = row.fields[c]!;
    const t = readNumber(raw, this.rules);
    if (t === undefined) {
      this.fail(
        row,
        c,
        'non-numeric',
        `non-numeric time ${quoteForMessage(raw.trim())} in column ${JSON.stringify(this.header.parsed[c]!.name)}`,
      );
    }
    if (Number.isNaN(t))
      this.fail(
        row,
        c,
        'missing-time',
        `missing time in column ${JSON.stringify(this.header.parsed[c]!.name)}`,
      );
    return t;
  }

  private refuseDuplicates(g: GroupRows): Group {
    const rows = sortedByTime(g.rows);
    for (let k = 1; k < rows.length; k++) {
      const a = rows[k - 1]!;
      const b = rows[k]!;
      if (a.time === b.time) {
        const [first, second] = a.line < b.line ? [a, b] : [b, a];
        const subject = this.groupIdx >= 0 ? ` in group ${JSON.stringify(g.name)}` : '';
        throw new OmicsIOError(
          'duplicate-time',
          `duplicate time ${b.time}${subject} (first on line ${first.line})`,
          {
            file: this.file,
            line: second.line,
            column: second.timeColumn,
          },
        );
      }
    }
    const nf = this.featureIdx.length;
    const values = Array.from({ length: nf }, (_, k) => Float64Array.from(rows, (r) => r.values[k]!));
    return {
      name: g.name,
      times: Float64Array.from(rows, (r) => r.time),
      values,
      lines: Int32Array.from(rows, (r) => r.line),
    };
  }

  private averageDuplicates(g: GroupRows): Group {
    const rows = sortedByTime(g.rows);
    const times: number[] = [];
    const lines: number[] = [];
    const runs: RowRecord[][] = [];
    for (const r of rows) {
      if (times.length > 0 && times[times.length - 1] === r.time) runs[runs.length - 1]!.push(r);
      else {
        times.push(r.time);
        lines.push(r.line);
        runs.push([r]);
      }
    }
    const nf = this.featureIdx.length;
    const values = Array.from({ length: nf }, () => new Float64Array(times.length));
    const sd = Array.from({ length: nf }, () => new Float64Array(times.length));
    const n = Array.from({ length: nf }, () => new Uint32Array(times.length));
    const scratch = new Float64Array(rows.length);
    for (let k = 0; k < nf; k++) {
      for (let j = 0; j < runs.length; j++) {
        let m = 0;
        for (const r of runs[j]!) if (!Number.isNaN(r.values[k]!)) scratch[m++] = r.values[k]!;
        const stats = meanAndSd(scratch, m);
        values[k]![j] = stats.mean;
        sd[k]![j] = stats.sd;
        n[k]![j] = m;
      }
    }
    return {
      name: g.name,
      times: Float64Array.from(times),
      values,
      spread: { sd, n },
      lines: Int32Array.from(lines),
    };
  }

  private fail(
    row: CsvRow,
    c: number,
    code: 'missing-group' | 'missing-time' | 'non-numeric',
    reason: string,
  ): never {
    throw new OmicsIOError(code, reason, { file: this.file, line: row.lines[c], column: row.columns[c] });
  }
}

/** Stable sort by time: rows out of order are accepted and put in order. */
function sortedByTime(rows: RowRecord[]): RowRecord[] {
  return rows.slice().sort((a, b) => a.time - b.time);
}
