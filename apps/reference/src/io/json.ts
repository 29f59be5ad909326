import { InputError } from './errors';

/**
 * Where a JSON text stops being JSON: the offset of the first character a JSON parser cannot take
 * (the text's length for a text cut short), or -1 when it is valid. V8's JSON.parse names the
 * position in some messages only; this names it for a `file:line:column` error every time.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < ' ') fail();
      i += c === '\\' ? 2 : 1;
    }
    fail();
  };
  const sequence = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail();
    }
  };
  const member = () => {
    space();
    if (text[i] !== '"') fail();
    string();
    space();
    if (text[i] !== ':') fail();
    i++;
    value();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') sequence('}', member);
    else if (c === '[') sequence(']', value);
    else if (c === '"') string();
    else {
      literal.lastIndex = i;
      const m = literal.exec(text);
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return -1;
  } catch (err) {
    if (err instanceof JsonStop) return err.offset;
    return -1;
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
}

/**
 * JSON.parse `text` read from `file`; invalid JSON is an InputError `file:line:column: invalid
 * JSON: …` naming the first character a parser cannot take (exit 3).
 */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = jsonErrorOffset(text);
    if (at < 0) throw new InputError(`invalid JSON: ${(err as Error).message}`, file);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const what = at >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[at])}`;
    throw new InputError(`invalid JSON: ${what}`, file, line, column);
  }
}
