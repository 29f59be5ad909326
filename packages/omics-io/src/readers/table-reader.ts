import { OmicsIOError } from '../errors/omics-io-error';
import { HeaderIndex } from '../table/header';
import { type CsvRow, CsvTokenizer, type Delimiter } from '../text/csv-tokenizer';

/** What a table layout (wide, long) does with the header and each data row. */
export interface TableSink<T> {
  begin(header: HeaderIndex): void;
  row(row: CsvRow): void;
  finish(): T;
}

/**
 * Drives a sink from tokenized text: the first non-blank record is the header, rows made only of
 * empty cells are skipped (spreadsheets pad with them), and every other row must have as many
 * cells as the header.
 */
export class TableReader<T> {
  private readonly tokenizer: CsvTokenizer;
  private header: HeaderIndex | undefined;
  private dataRows = 0;
  private lastLine = 0;

  constructor(
    private readonly sink: TableSink<T>,
    private readonly file: string | undefined,
    delimiter: Delimiter | 'auto' = 'auto',
  ) {
    this.tokenizer = new CsvTokenizer((row) => this.onRow(row), file, delimiter);
  }

  push(text: string): void {
    this.tokenizer.push(text);
  }

  end(): T {
    this.tokenizer.end();
    if (this.header === undefined) {
      throw new OmicsIOError('empty-file', 'empty file: no header row', {
        file: this.file,
        line: 1,
        column: 1,
      });
    }
    if (this.dataRows === 0) {
      throw new OmicsIOError('no-data-rows', 'no data rows after the header', {
        file: this.file,
        line: this.lastLine + 1,
        column: 1,
      });
    }
    return this.sink.finish();
  }

  private onRow(row: CsvRow): void {
    this.lastLine = row.endLine;
    if (row.fields.every((f) => f.trim() === '')) return;
    if (this.header === undefined) {
      this.header = new HeaderIndex(row, this.file);
      this.sink.begin(this.header);
      return;
    }
    const width = this.header.width;
    const count = row.fields.length;
    if (count !== width) {
      const tooMany = count > width;
      throw new OmicsIOError(
        'row-length',
        `row has ${count} cells but the header has ${width}${tooMany ? ' (extra cell here)' : ''}`,
        {
          file: this.file,
          line: tooMany ? row.lines[width] : row.endLine,
          column: tooMany ? row.columns[width] : row.endColumn,
        },
      );
    }
    this.dataRows++;
    this.sink.row(row);
  }
}
