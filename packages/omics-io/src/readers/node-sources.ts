import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Utf8Guard } from '../text/utf8-guard';
import { CHUNK_BYTES, feedChunks, fileError, type TableSource, type TextConsumer } from './sources';

// Node-only sources: file paths, read with node:fs. Everything browser-safe is in ./sources and
// ./web-sources; this module is reached only from the package's Node entries (index, node).

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
