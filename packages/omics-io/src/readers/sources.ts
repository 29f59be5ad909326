import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
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

const CHUNK_BYTES = 1 << 16;

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

/** Reads a file synchronously in 64 KiB chunks, refusing binary content before it is parsed. */
export function feedFileSync<T>(path: string, consumer: TextConsumer<T>, file: string = path): T {
  if (typeof path !== 'string' || path === '')
    throw new TypeError('omics-io: file path must be a non-empty string');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw fileError(err, file);
  }
  try {
    const guard = new Utf8Guard(file);
    const decoder = new TextDecoder('utf-8');
    const buffer = new Uint8Array(CHUNK_BYTES);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      } catch (err) {
        throw fileError(err, file);
      }
      if (n === 0) break;
      const bytes = buffer.subarray(0, n);
      guard.check(bytes);
      consumer.push(decoder.decode(bytes, { stream: true }));
    }
    guard.end();
    consumer.push(decoder.decode());
    return consumer.end();
  } finally {
    closeSync(fd);
  }
}

/** Reads from a path, bytes, or an async iterable of chunks (a Node Readable is one). */
export async function feedSource<T>(
  source: TableSource,
  consumer: TextConsumer<T>,
  file?: string,
): Promise<T> {
  if (typeof source === 'string') {
    const stream = createReadStream(source, { highWaterMark: CHUNK_BYTES });
    const opened = new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    try {
      await opened;
    } catch (err) {
      throw fileError(err, file ?? source);
    }
    return feedChunks(stream, consumer, file ?? source);
  }
  if (source instanceof Uint8Array) return feedChunks([source], consumer, file);
  if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    return feedChunks(source, consumer, file);
  }
  throw new TypeError('omics-io: source must be a file path, a Uint8Array or an async iterable of chunks');
}

async function feedChunks<T>(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>,
  consumer: TextConsumer<T>,
  file: string | undefined,
): Promise<T> {
  const guard = new Utf8Guard(file);
  const decoder = new TextDecoder('utf-8');
  let first = true;
  const position = new TextPosition();
  try {
    for await (const chunk of chunks) {
      let text: string;
      if (typeof chunk === 'string') {
        text = first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
        refuseNul(text, position, file);
        position.advance(text);
      } else {
        guard.check(chunk);
        text = decoder.decode(chunk, { stream: true });
      }
      first = false;
      consumer.push(text);
    }
  } catch (err) {
    if (err instanceof OmicsIOError || err instanceof TypeError || err instanceof RangeError) throw err;
    throw fileError(err, file);
  }
  guard.end();
  consumer.push(decoder.decode());
  return consumer.end();
}

function fileError(err: unknown, file: string | undefined): OmicsIOError {
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
