import { feedChunks, fileError, type TextConsumer } from './sources';

// Browser-safe sources: a Blob or File, and a WHATWG ReadableStream. Both are globals in every
// browser and in Node ≥ 18, but the types below are structural so that the package's declarations
// need neither the DOM library nor @types/node.

/** What the readers use of a `ReadableStreamDefaultReader`. */
export interface TableStreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | string | undefined }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

/**
 * A WHATWG `ReadableStream` of bytes (`ReadableStream<Uint8Array>`: `blob.stream()`,
 * `response.body`, a `fetch` body, a decompression stream) or of text (after a
 * `TextDecoderStream`). Bytes are checked to be UTF-8 text as they arrive.
 */
export interface TableStream {
  getReader(): TableStreamReader;
}

/** A `Blob` or a `File` (from an `<input type="file">` or a drop); a `File`'s name is used in errors. */
export interface TableBlob {
  stream(): TableStream;
  readonly name?: string;
}

/** The name a `File` carries, for error messages; undefined for a plain `Blob`. */
export function blobName(blob: TableBlob): string | undefined {
  const name = (blob as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Reads a Blob or File in the chunks its stream gives, refusing binary content before it is parsed. */
export function feedBlob<T>(
  blob: TableBlob,
  consumer: TextConsumer<T>,
  file: string | undefined,
): Promise<T> {
  if (blob === null || typeof blob !== 'object' || typeof blob.stream !== 'function') {
    throw new TypeError('omics-io: expected a Blob or File');
  }
  let stream: TableStream;
  try {
    stream = blob.stream();
  } catch (err) {
    throw fileError(err, file);
  }
  return feedStream(stream, consumer, file);
}

/** Reads a WHATWG ReadableStream of bytes or text; the stream is cancelled if reading stops early. */
export function feedStream<T>(
  stream: TableStream,
  consumer: TextConsumer<T>,
  file: string | undefined,
): Promise<T> {
  if (stream === null || typeof stream !== 'object' || typeof stream.getReader !== 'function') {
    throw new TypeError('omics-io: expected a ReadableStream of Uint8Array chunks');
  }
  return feedChunks(streamChunks(stream), consumer, file);
}

/**
 * The stream's chunks as an async iterable, through `getReader()` (async iteration of a
 * ReadableStream itself is missing from some browsers). Stopping early (a parse error) cancels
 * the stream, so a large file is not read to its end for nothing.
 */
async function* streamChunks(stream: TableStream): AsyncGenerator<Uint8Array | string, void, undefined> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield asChunk(value);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    try {
      reader.releaseLock();
    } catch {
      // Already released or errored: nothing left to free.
    }
  }
}

function asChunk(value: unknown): Uint8Array | string {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  const kind = value === null ? 'null' : typeof value === 'object' ? value.constructor?.name : typeof value;
  throw new TypeError(`omics-io: stream chunks must be Uint8Array bytes or strings, got ${kind}`);
}
