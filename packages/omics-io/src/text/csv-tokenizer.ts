import { OmicsIOError, quoteForMessage } from '../errors/omics-io-error';

/** Field separators the tokenizer accepts; 'auto' picks one from the header line. */
export type Delimiter = ',' | '\t' | ';' | '|';

/**
 * One record of the table. The arrays are reused for the next record: read them inside the
 * callback, copy what you keep.
 */
export interface CsvRow {
  /** Cell text with quotes removed and `""` unescaped; not trimmed. */
  readonly fields: string[];
  /** Line of each cell's first character (the opening quote for a quoted cell). */
  readonly lines: number[];
  /** Column (1-based, UTF-16 units) of each cell's first character. */
  readonly columns: number[];
  /** Line and column just past the record's last character, where a missing cell would be. */
  endLine: number;
  endColumn: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

const START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3;
const CLOSED = 4;

const CANDIDATES: readonly Delimiter[] = [',', '\t', ';', '|'];

/** Longest cell, in characters (UTF-16 units): 1 MiB. A longer one is refused ('too-long'). */
export const MAX_CELL_CHARS = 1 << 20;
/** Longest record (row), in characters: 16 MiB. Keeps a file of one endless line from exhausting memory. */
export const MAX_RECORD_CHARS = 1 << 24;

/**
 * Incremental RFC 4180 tokenizer: quoted cells (with `""` escapes and embedded newlines), CRLF,
 * LF or lone-CR line ends, blank lines skipped. Text arrives in chunks of any size (a chunk may
 * end inside a cell or between CR and LF), so files are read without holding them whole.
 * A quote inside an unquoted cell is kept literally, as spreadsheets write `5" disk`.
 */
export class CsvTokenizer {
  private delimiterCode = -1;
  private pendingHead = '';
  private state = START;
  private buf = '';
  private line = 1;
  /** Characters scanned so far, and the offset where the current line starts (for columns). */
  private consumed = 0;
  private lineStart = 0;
  private afterCR = false;
  private fieldLine = 1;
  private fieldColumn = 1;
  private recordChars = 0;
  private readonly row: CsvRow = { fields: [], lines: [], columns: [], endLine: 1, endColumn: 1 };

  constructor(
    private readonly onRow: (row: CsvRow) => void,
    private readonly file: string | undefined,
    delimiter: Delimiter | 'auto' = 'auto',
  ) {
    if (delimiter !== 'auto') this.delimiterCode = delimiter.charCodeAt(0);
  }

  push(chunk: string): void {
    if (this.delimiterCode < 0) {
      this.pendingHead += chunk;
      if (this.pendingHead.length > MAX_RECORD_CHARS) this.tooLong('header line', MAX_RECORD_CHARS, 1, 1);
      const detected = detectDelimiter(this.pendingHead, false);
      if (detected === undefined) return;
      this.delimiterCode = detected.charCodeAt(0);
      chunk = this.pendingHead;
      this.pendingHead = '';
    }
    this.scan(chunk);
  }

  /** Flushes the last record; throws OmicsIOError when the text ends inside a quoted cell. */
  end(): void {
    const column = () => this.consumed - this.lineStart + 1;
    if (this.delimiterCode < 0) {
      this.delimiterCode = detectDelimiter(this.pendingHead, true)!.charCodeAt(0);
      const head = this.pendingHead;
      this.pendingHead = '';
      this.scan(head);
    }
    const row = this.row;
    switch (this.state) {
      case QUOTED:
        throw new OmicsIOError('unterminated-quote', 'quoted cell is never closed (missing closing ")', {
          file: this.file,
          line: this.fieldLine,
          column: this.fieldColumn,
        });
      case UNQUOTED:
      case QUOTE_SEEN:
      case CLOSED:
        this.pushField(this.buf);
        this.emit(this.line, column());
        break;
      default:
        if (row.fields.length > 0) {
          this.fieldLine = this.line;
          this.fieldColumn = column();
          this.pushField('');
          this.emit(this.line, column());
        }
    }
    this.state = START;
  }

  /**
   * One pass over a chunk. Inside a cell the loop only looks for the characters that end it;
   * columns are computed from the offset of the line start when a position is needed.
   */
  private scan(s: string): void {
    const delim = this.delimiterCode;
    const n = s.length;
    const base = this.consumed;
    let line = this.line;
    let lineStart = this.lineStart;
    let afterCR = this.afterCR;
    let state = this.state;
    let segStart = 0;
    let i = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      const column = base + i - lineStart + 1;
      if (state === UNQUOTED) {
        let j = i;
        let d = c;
        while (d !== delim && d !== CR && d !== LF) {
          if (++j === n) break;
          d = s.charCodeAt(j);
        }
        if (j === n) {
          i = n;
          continue;
        }
        this.pushField(this.buf + s.slice(segStart, j));
        state = START;
        i = j;
        if (d === delim) {
          i++;
          continue;
        }
        // d ends the line: handled below like any line end at START.
        this.emit(line, base + j - lineStart + 1);
      } else if (state === QUOTED) {
        let j = i;
        for (; j < n; j++) {
          const d = s.charCodeAt(j);
          if (d === QUOTE) break;
          if (d === CR) {
            line++;
            lineStart = base + j + 1;
            afterCR = true;
          } else if (d === LF) {
            if (!afterCR) line++;
            lineStart = base + j + 1;
            afterCR = false;
          } else afterCR = false;
        }
        if (j < n) {
          this.buf += s.slice(segStart, j);
          state = QUOTE_SEEN;
          afterCR = false;
          i = j + 1;
        } else i = n;
        continue;
      } else if (state === QUOTE_SEEN && c === QUOTE) {
        this.buf += '"';
        segStart = i + 1;
        state = QUOTED;
        i++;
        continue;
      } else if (state === QUOTE_SEEN || state === CLOSED) {
        if (c === delim) {
          this.pushField(this.buf);
          state = START;
          afterCR = false;
          i++;
          continue;
        }
        if (c === SPACE || c === TAB) {
          state = CLOSED;
          i++;
          continue;
        }
        if (c !== CR && c !== LF) {
          throw new OmicsIOError(
            'bad-quote',
            `unexpected ${quoteForMessage(String.fromCharCode(c))} after the closing quote of a quoted cell`,
            { file: this.file, line, column },
          );
        }
        this.pushField(this.buf);
        this.emit(line, column);
        state = START;
      } else if (c === QUOTE) {
        this.fieldLine = line;
        this.fieldColumn = column;
        this.buf = '';
        segStart = i + 1;
        state = QUOTED;
        afterCR = false;
        i++;
        continue;
      } else if (c === delim) {
        this.fieldLine = line;
        this.fieldColumn = column;
        this.pushField('');
        afterCR = false;
        i++;
        continue;
      } else if (c !== CR && c !== LF) {
        this.fieldLine = line;
        this.fieldColumn = column;
        this.buf = '';
        segStart = i;
        state = UNQUOTED;
        afterCR = false;
        i++;
        continue;
      } else if (!(c === LF && afterCR) && this.row.fields.length > 0) {
        // A line end right after a separator: the row ends with an empty cell.
        this.fieldLine = line;
        this.fieldColumn = column;
        this.pushField('');
        this.emit(line, column);
      }
      // Every path that reaches here stands on a line end at index i (state START).
      const d = s.charCodeAt(i);
      if (d === CR) {
        line++;
        afterCR = true;
      } else {
        if (!afterCR) line++;
        afterCR = false;
      }
      lineStart = base + i + 1;
      i++;
    }
    if (state === UNQUOTED || state === QUOTED) {
      this.buf += s.slice(segStart, n);
      if (this.buf.length > MAX_CELL_CHARS) this.tooLong('cell', MAX_CELL_CHARS);
    }
    this.line = line;
    this.lineStart = lineStart;
    this.consumed = base + n;
    this.afterCR = afterCR;
    this.state = state;
  }

  private pushField(text: string): void {
    const row = this.row;
    if (text.length > MAX_CELL_CHARS) this.tooLong('cell', MAX_CELL_CHARS);
    this.recordChars += text.length + 1;
    if (this.recordChars > MAX_RECORD_CHARS) this.tooLong('row', MAX_RECORD_CHARS);
    row.fields.push(text);
    row.lines.push(this.fieldLine);
    row.columns.push(this.fieldColumn);
    this.buf = '';
  }

  /** A cell or row beyond its limit, refused at the cell where it starts. */
  private tooLong(what: string, limit: number, line = this.fieldLine, column = this.fieldColumn): never {
    throw new OmicsIOError(
      'too-long',
      `${what} longer than ${limit.toLocaleString('en-US')} characters; is this a CSV table?`,
      { file: this.file, line, column },
    );
  }

  private emit(endLine: number, endColumn: number): void {
    const row = this.row;
    row.endLine = endLine;
    row.endColumn = endColumn;
    this.onRow(row);
    this.recordChars = 0;
    row.fields.length = 0;
    row.lines.length = 0;
    row.columns.length = 0;
  }
}

/**
 * Picks the separator that occurs most often (outside quotes) on the first non-blank line.
 * Returns undefined while that line is incomplete and more text may follow.
 */
export function detectDelimiter(text: string, atEnd: boolean): Delimiter | undefined {
  const counts = [0, 0, 0, 0];
  let inQuotes = false;
  let seenContent = false;
  let complete = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && (c === LF || c === CR)) {
      if (seenContent) {
        complete = true;
        break;
      }
      continue;
    } else if (!inQuotes) {
      const k = CANDIDATES.indexOf(String.fromCharCode(c) as Delimiter);
      if (k >= 0) counts[k]!++;
    }
    seenContent = true;
  }
  if (!complete && !atEnd) return undefined;
  let best = 0;
  for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
  return CANDIDATES[best]!;
}
