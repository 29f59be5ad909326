import { listNames } from '../dataset/select';
import type { Dataset, Feature, Group } from '../dataset/types';
import { OmicsIOError, quoteForMessage } from '../errors/omics-io-error';
import { type CellRules, cellRules, isMissing, readNumber } from '../table/cells';
import type { HeaderIndex } from '../table/header';
import { meanAndSd } from '../table/replicate-stats';
import { compileRowFilter } from '../table/row-filter';
import type { CsvRow } from '../text/csv-tokenizer';
import { checkGroup } from './group-checks';
import { checkReadOptions, type ReadOptions } from './read-options';
import { feedText } from './sources';
import { TableReader, type TableSink } from './table-reader';
import { blobName, feedBlob, feedStream, type TableBlob, type TableStream } from './web-sources';

/**
 * A long table: one row per measurement (e.g. one peptide of one protein in one sample).
 * Rows of the same group, time, replicate and feature are combined by `aggregate` (the mean of
 * peptide areas gives the protein's value); replicates at the same group and time are then
 * averaged, and their spread kept.
 */
export interface LongTableOptions extends ReadOptions {
  groupColumn: string;
  timeColumn: string;
  /** Column naming the measured quantity (protein, metabolite). */
  featureColumn: string;
  /** Column holding the number. */
  valueColumn: string;
  /** Column identifying the sample; rows from different samples at one group and time are replicates. */
  sampleColumn?: string;
  /** Column identifying the replicate (takes precedence over sampleColumn for telling replicates apart). */
  replicateColumn?: string;
  /** Column holding each row's unit; otherwise the value column's header unit, if any, applies to all. */
  unitColumn?: string;
  /** Features to keep, in this order (exact names); default: all, in order of first appearance. */
  features?: readonly string[];
  /** How rows within one replicate combine: 'mean' (default) or 'sum'. Missing values are left out. */
  aggregate?: 'mean' | 'sum';
}

/** Parses long CSV/TSV text. Throws OmicsIOError for bad input, TypeError for bad options. */
export function parseLongCsv(text: string, options: LongTableOptions): Dataset {
  return feedText(text, longReader(options, options.file), options.file);
}

/**
 * Reads a long table from a `Blob` or `File` (browser-safe), in the chunks of its stream, with the
 * same checks and `file:line:column` errors as the file readers; a `File`'s name stands in for the path.
 */
export function readLongTableFromBlob(blob: TableBlob, options: LongTableOptions): Promise<Dataset> {
  return Promise.resolve().then(() => {
    const file = options?.file ?? blobName(blob);
    return feedBlob(blob, longReader(options, file), file);
  });
}

/**
 * Reads a long table from a WHATWG `ReadableStream` of bytes (`blob.stream()`, `response.body`) or
 * of text (browser-safe); bytes are checked to be UTF-8 text as they arrive.
 */
export function readLongTableFromStream(stream: TableStream, options: LongTableOptions): Promise<Dataset> {
  return Promise.resolve().then(() => feedStream(stream, longReader(options, options?.file), options?.file));
}

/** @internal The reader behind every long-table entry point (text, files, blobs, streams). */
export function longReader(options: LongTableOptions, file: string | undefined): TableReader<Dataset> {
  checkReadOptions(
    options,
    ['groupColumn', 'timeColumn', 'featureColumn', 'valueColumn'],
    'reading a long table',
  );
  if (options.aggregate !== undefined && options.aggregate !== 'mean' && options.aggregate !== 'sum') {
    throw new TypeError(
      `omics-io: aggregate must be 'mean' or 'sum', got ${JSON.stringify(options.aggregate)}`,
    );
  }
  return new TableReader(new LongSink(options, file), file, options.delimiter ?? 'auto');
}

interface Replicate {
  sum: number[];
  count: number[];
}

interface TimePoint {
  line: number;
  replicates: Map<string, Replicate>;
}

interface GroupAcc {
  name: string;
  line: number;
  column: number;
  times: Map<number, TimePoint>;
}

class LongSink implements TableSink<Dataset> {
  private readonly rules: CellRules;
  private header!: HeaderIndex;
  private col = { group: -1, time: -1, feature: -1, value: -1, sample: -1, replicate: -1, unit: -1 };
  private keep: (row: CsvRow) => boolean = () => true;
  private readonly featureIndex = new Map<string, number>();
  private readonly units: (string | undefined)[] = [];
  private readonly seen = new Set<string>();
  private readonly groups = new Map<string, GroupAcc>();
  private readonly fixedFeatures: boolean;

  constructor(
    private readonly options: LongTableOptions,
    private readonly file: string | undefined,
  ) {
    this.rules = cellRules(options);
    this.fixedFeatures = options.features !== undefined;
    for (const name of options.features ?? []) {
      if (this.featureIndex.has(name))
        throw new TypeError(`omics-io: features lists ${JSON.stringify(name)} twice`);
      this.featureIndex.set(name, this.featureIndex.size);
      this.units.push(undefined);
    }
  }

  begin(header: HeaderIndex): void {
    const o = this.options;
    this.header = header;
    const optional = (name: string | undefined, role: string) =>
      name === undefined ? -1 : header.resolve(name, role);
    this.col = {
      group: header.resolve(o.groupColumn, 'group column'),
      time: header.resolve(o.timeColumn, 'time column'),
      feature: header.resolve(o.featureColumn, 'feature column'),
      value: header.resolve(o.valueColumn, 'value column'),
      sample: optional(o.sampleColumn, 'sample column'),
      replicate: optional(o.replicateColumn, 'replicate column'),
      unit: optional(o.unitColumn, 'unit column'),
    };
    this.keep = compileRowFilter(o, header);
  }

  row(row: CsvRow): void {
    if (!this.keep(row)) return;
    const f = row.fields;
    const c = this.col;
    const name = f[c.group]!.trim();
    if (name === '') this.fail(row, c.group, 'missing-group', 'missing group name');
    const rawTime = f[c.time]!;
    const t = readNumber(rawTime, this.rules);
    if (t === undefined) {
      this.fail(
        row,
        c.time,
        'non-numeric',
        `non-numeric time ${quoteForMessage(rawTime.trim())} in column ${this.columnName(c.time)}`,
      );
    }
    if (Number.isNaN(t))
      this.fail(row, c.time, 'missing-time', `missing time in column ${this.columnName(c.time)}`);
    const featureName = f[c.feature]!.trim();
    if (featureName === '')
      this.fail(
        row,
        c.feature,
        'missing-feature',
        `missing feature name in column ${this.columnName(c.feature)}`,
      );
    const rawValue = f[c.value]!;
    const value = readNumber(rawValue, this.rules);
    if (value === undefined) {
      this.fail(
        row,
        c.value,
        'non-numeric',
        `non-numeric value ${quoteForMessage(rawValue.trim())} in column ${this.columnName(c.value)}`,
      );
    }
    this.seen.add(featureName);
    let k = this.featureIndex.get(featureName);
    if (k === undefined) {
      if (this.fixedFeatures) return;
      k = this.featureIndex.size;
      this.featureIndex.set(featureName, k);
      this.units.push(undefined);
    }
    if (c.unit >= 0 && this.units[k] === undefined && !isMissing(f[c.unit]!, this.rules))
      this.units[k] = f[c.unit]!.trim();

    let group = this.groups.get(name);
    if (!group) {
      group = { name, line: row.lines[c.group]!, column: row.columns[c.group]!, times: new Map() };
      this.groups.set(name, group);
    }
    let point = group.times.get(t);
    if (!point) {
      point = { line: row.lines[c.time]!, replicates: new Map() };
      group.times.set(t, point);
    }
    const repColumn = c.replicate >= 0 ? c.replicate : c.sample;
    const repKey = repColumn >= 0 ? f[repColumn]!.trim() : '';
    let rep = point.replicates.get(repKey);
    if (!rep) {
      rep = { sum: [], count: [] };
      point.replicates.set(repKey, rep);
    }
    while (rep.sum.length <= k) {
      // −0 is the identity of addition (0 + −0 would turn a written −0 into 0).
      rep.sum.push(-0);
      rep.count.push(0);
    }
    if (!Number.isNaN(value)) {
      rep.sum[k]! += value;
      rep.count[k]!++;
    }
  }

  finish(): Dataset {
    const o = this.options;
    for (const name of this.featureIndex.keys()) {
      if (!this.seen.has(name)) {
        throw new OmicsIOError(
          'unknown-feature',
          `unknown feature ${JSON.stringify(name)} in column ${this.columnName(this.col.feature)}; available: ${listNames([...this.seen])}`,
          { file: this.file, line: this.header.line, column: this.header.columns[this.col.feature] },
        );
      }
    }
    const headerUnit = this.header.parsed[this.col.value]!.unit;
    const features: Feature[] = [...this.featureIndex.keys()].map((name, k) => {
      const unit = this.units[k] ?? headerUnit;
      return unit === undefined ? { name, label: name } : { name, label: name, unit };
    });
    const nf = features.length;
    const withSpread = this.col.sample >= 0 || this.col.replicate >= 0;
    const groups: Group[] = [];
    for (const acc of this.groups.values()) {
      const times = Float64Array.from(acc.times.keys()).sort();
      const nt = times.length;
      const values = Array.from({ length: nf }, () => new Float64Array(nt));
      const sd = Array.from({ length: nf }, () => new Float64Array(nt));
      const n = Array.from({ length: nf }, () => new Uint32Array(nt));
      const lines = new Int32Array(nt);
      const perReplicate: number[] = [];
      for (let j = 0; j < nt; j++) {
        const point = acc.times.get(times[j]!)!;
        lines[j] = point.line;
        for (let k = 0; k < nf; k++) {
          perReplicate.length = 0;
          for (const rep of point.replicates.values()) {
            const count = rep.count[k] ?? 0;
            if (count > 0) perReplicate.push(o.aggregate === 'sum' ? rep.sum[k]! : rep.sum[k]! / count);
          }
          const stats = meanAndSd(perReplicate, perReplicate.length);
          values[k]![j] = stats.mean;
          sd[k]![j] = stats.sd;
          n[k]![j] = perReplicate.length;
        }
      }
      checkGroup(acc, nt, values, o.minTimePoints ?? 2, true, this.file);
      const group: Group = { name: acc.name, times, values, lines };
      if (withSpread) group.spread = { sd, n };
      groups.push(group);
    }
    const dataset: Dataset = {
      groupColumn: this.header.parsed[this.col.group]!.name,
      timeColumn: this.header.parsed[this.col.time]!.name,
      features,
      groups,
    };
    if (this.file !== undefined) dataset.file = this.file;
    return dataset;
  }

  private columnName(c: number): string {
    return JSON.stringify(this.header.parsed[c]!.name);
  }

  private fail(
    row: CsvRow,
    c: number,
    code: 'missing-group' | 'missing-time' | 'missing-feature' | 'non-numeric',
    reason: string,
  ): never {
    throw new OmicsIOError(code, reason, { file: this.file, line: row.lines[c], column: row.columns[c] });
  }
}
