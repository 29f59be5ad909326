import { OmicsIOError } from '../errors/omics-io-error';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Streaming check that bytes are UTF-8 text, so a spreadsheet saved as .xlsx, a gzip archive or a
 * UTF-16 export is refused with a clear message instead of being parsed into garbage cells.
 * Follows the WHATWG decoder's well-formedness rules; keeps the line and column (in UTF-16 units,
 * as the tokenizer counts them) of every byte so the refusal points at the offending place.
 */
export class Utf8Guard {
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private started = false;
  private offset = 0;
  private line = 1;
  private column = 1;
  private afterCR = false;
  private seqLine = 1;
  private seqColumn = 1;
  private seqOffset = 0;
  private seqLead = 0;

  constructor(private readonly file: string | undefined) {}

  /** Checks the next chunk; throws OmicsIOError('binary-file') at the first byte that is not text. */
  check(bytes: Uint8Array): void {
    let i = 0;
    if (!this.started && bytes.length > 0) {
      this.started = true;
      this.refuseKnownBinary(bytes);
      // The byte-order mark is not part of the text (TextDecoder drops it too).
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
    }
    for (; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.need > 0) {
        if (b < this.lower || b > this.upper) this.refuse(b, i);
        this.lower = 0x80;
        this.upper = 0xbf;
        this.need--;
        continue;
      }
      if (b < 0x80) {
        if (b === 0) {
          throw this.error(
            `binary file: NUL byte at byte offset ${this.offset + i}; expected UTF-8 CSV or TSV text`,
          );
        }
        if (b === LF) {
          if (!this.afterCR) {
            this.line++;
            this.column = 1;
          }
          this.afterCR = false;
        } else if (b === CR) {
          this.line++;
          this.column = 1;
          this.afterCR = true;
        } else {
          this.column++;
          this.afterCR = false;
        }
        continue;
      }
      this.afterCR = false;
      this.seqLine = this.line;
      this.seqColumn = this.column;
      this.seqOffset = this.offset + i;
      this.seqLead = b;
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.need = 2;
        if (b === 0xe0) this.lower = 0xa0;
        if (b === 0xed) this.upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.need = 3;
        if (b === 0xf0) this.lower = 0x90;
        if (b === 0xf4) this.upper = 0x8f;
      } else this.refuse(b, i);
      // Astral characters take two UTF-16 units, like the JavaScript string the tokenizer sees.
      this.column += this.need === 3 ? 2 : 1;
    }
    this.offset += bytes.length;
  }

  /** Throws when the input stopped inside a multi-byte character. */
  end(): void {
    if (this.need > 0) {
      throw new OmicsIOError(
        'binary-file',
        `not UTF-8 text: truncated character at byte offset ${this.seqOffset}; expected UTF-8 CSV or TSV text`,
        { file: this.file, line: this.seqLine, column: this.seqColumn },
      );
    }
  }

  private refuseKnownBinary(bytes: Uint8Array): void {
    const b0 = bytes[0];
    const b1 = bytes[1];
    let kind: string | undefined;
    if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) kind = 'UTF-16 text; save it as UTF-8';
    else if (b0 === 0x1f && b1 === 0x8b) kind = 'a gzip archive; decompress it first';
    else if (b0 === 0x50 && b1 === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
      kind = 'a zip archive (an .xlsx workbook?); export the sheet as CSV';
    }
    if (kind !== undefined) throw this.error(`binary file: this looks like ${kind}`, 1, 1);
  }

  private refuse(b: number, i: number): never {
    // Inside a multi-byte character the culprit is the byte that started it (0xE9, é in
    // Latin-1, followed by a comma): the position and the byte named are that character's.
    const inSequence = this.need > 0;
    const at = inSequence ? this.seqOffset : this.offset + i;
    const hex = (inSequence ? this.seqLead : b).toString(16).toUpperCase().padStart(2, '0');
    const hint = inSequence ? ' (not followed by its continuation bytes: Latin-1 or Windows-1252 text?)' : '';
    throw this.error(
      `not UTF-8 text: invalid byte 0x${hex} at byte offset ${at}${hint}; expected UTF-8 CSV or TSV text`,
      inSequence ? this.seqLine : this.line,
      inSequence ? this.seqColumn : this.column,
    );
  }

  private error(reason: string, line = this.line, column = this.column): OmicsIOError {
    return new OmicsIOError('binary-file', reason, { file: this.file, line, column });
  }
}
