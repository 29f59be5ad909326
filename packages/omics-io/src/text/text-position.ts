/**
 * Line and column (1-based, UTF-16 units) across chunks of text, with the tokenizer's rules:
 * CRLF, LF and a lone CR each end one line.
 */
export class TextPosition {
  line = 1;
  column = 1;
  private afterCR = false;

  /** Advances over `text` up to (not including) offset `end`. */
  advance(text: string, end = text.length): void {
    let line = this.line;
    let column = this.column;
    let afterCR = this.afterCR;
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        if (!afterCR) {
          line++;
          column = 1;
        }
        afterCR = false;
      } else if (c === 0x0d) {
        line++;
        column = 1;
        afterCR = true;
      } else {
        column++;
        afterCR = false;
      }
    }
    this.line = line;
    this.column = column;
    this.afterCR = afterCR;
  }
}
