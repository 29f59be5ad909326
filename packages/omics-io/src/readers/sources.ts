import { OmicsIOError } from '../errors/omics-io-error';
import { TextPosition } from '../text/text-position';
import { Utf8Guard } from '../text/utf8-guard';

/** Where a table comes from, for the asynchronous readers: a file path, bytes, or a stream of chunks. */
export type TableSource = string | Uint8Array | AsyncIterable<Uint8Array | string>;

/** Something that consumes text chunk by chunk. */
export interface TextConsumer<T> {
  push(text: string): void;
  end(): T;
}

/** Bytes read at a time from a file. */
export const CHUNK_BYTES = 1 << 16;

/** Feeds a string that is already text; NUL characters still mark it as binary. */
export function feedText<T>(text: string, consumer: TextConsumer<T>, file: string | undefined): T {
  if (typeof text !== 'string')
    throw new TypeError(`omics-io: expected CSV text as a string, got ${typeof text}`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  refuseNul(body, new TextPosition(), file);
  consumer.push(body);
  return consumer.end();
}

/** Throws OmicsIOError('binary-file') at the first NUL character; `at` is where `text` starts. */
function refuseNul(text: string, at: TextPosition, file: string | undefined): void {
  const nul = text.indexOf('\0');
  if (nul < 0) return;
  at.advance(text, nul);
  throw new OmicsIOError('binary-file', 'binary file: NUL character in the text; expected CSV or TSV text', {
    file,
    line: at.line,
    column: at.column,
  });
}

/**
 * Bytes a source's start is sniffed on (zip, gzip, UTF-16 signatures): leading byte chunks are
 * held back until this many are together, so a stream that hands out tiny chunks is refused as
 * clearly as a file.
 */
const SNIFF_BYTES = 4;

/** Feeds chunks of bytes (checked to be UTF-8 text) or of text, in order, to `consumer`. */
export async function feedChunks<T>(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>,
  consumer: TextConsumer<T>,
  file: string | undefined,
): Promise<T> {
  const guard = new Utf8Guard(file);
  const decoder = new TextDecoder('utf-8');
  let first = true;
  let head: Uint8Array | undefined = new Uint8Array(0);
  const position = new TextPosition();
  const pushBytes = (bytes: Uint8Array) => {
    guard.check(bytes);
    first = false;
    consumer.push(decoder.decode(bytes, { stream: true }));
  };
  try {
    for await (const chunk of chunks) {
      if (typeof chunk === 'string') {
        if (head !== undefined && head.length > 0) pushBytes(head);
        head = undefined;
        const text = first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
        refuseNul(text, position, file);
        position.advance(text);
        first = false;
        consumer.push(text);
      } else if (head !== undefined) {
        head = concatBytes(head, chunk);
        if (head.length >= SNIFF_BYTES) {
          pushBytes(head);
          head = undefined;
        }
      } else pushBytes(chunk);
    }
    if (head !== undefined && head.length > 0) pushBytes(head);
  } catch (err) {
    if (err instanceof OmicsIOError || err instanceof TypeError || err instanceof RangeError) throw err;
    throw fileError(err, file);
  }
  guard.end();
  consumer.push(decoder.decode());
  return consumer.end();
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The OmicsIOError for a source that could not be opened or read (missing file, permissions). */
export function fileError(err: unknown, file: string | undefined): OmicsIOError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `cannot read: ${String((err as Error)?.message ?? err).split('\n')[0]}`;
  return new OmicsIOError(code === 'ENOENT' ? 'missing-file' : 'unreadable-file', reason, { file });
}
