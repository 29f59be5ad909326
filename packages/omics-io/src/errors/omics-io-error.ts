/** What went wrong, as a stable machine-readable code (the message is for people). */
export type OmicsIOErrorCode =
  | 'missing-file'
  | 'unreadable-file'
  | 'empty-file'
  | 'binary-file'
  | 'no-data-rows'
  | 'unterminated-quote'
  | 'bad-quote'
  | 'row-length'
  | 'too-long'
  | 'unknown-column'
  | 'duplicate-column'
  | 'missing-group'
  | 'missing-time'
  | 'missing-feature'
  | 'non-numeric'
  | 'duplicate-time'
  | 'too-few-times'
  | 'empty-group'
  | 'unknown-feature'
  | 'unknown-group';

/** Where in the input a problem sits: file name, 1-based line, 1-based column (UTF-16 units). */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * The one error type the readers throw for bad input. `message` (and `String(err)`) is one line,
 * `file:line:column: reason`, so a command-line tool can print it as is, the way compilers do.
 */
export class OmicsIOError extends Error {
  override readonly name = 'OmicsIOError';
  readonly code: OmicsIOErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The message without its location prefix. */
  readonly reason: string;

  constructor(code: OmicsIOErrorCode, reason: string, where: SourceLocation = {}) {
    super(formatLocated(reason, where));
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.reason = reason;
  }

  override toString(): string {
    return this.message;
  }
}

/** `file:line:column: reason`, leaving out the parts that are unknown; never more than one line. */
export function formatLocated(reason: string, where: SourceLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined || where.line !== undefined) parts.push(where.file ?? '<input>');
  if (where.line !== undefined) parts.push(String(where.line));
  if (where.line !== undefined && where.column !== undefined) parts.push(String(where.column));
  const oneLine = reason.replace(/[\r\n]+/g, ' ');
  return parts.length > 0 ? `${parts.join(':')}: ${oneLine}` : oneLine;
}

/** Quotes a cell or name for a message: short, one line, control characters made visible. */
export function quoteForMessage(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}
