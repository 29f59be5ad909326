import { describe, expect, it } from 'vitest';
import { OmicsIOError } from '../errors/omics-io-error';
import { readLongTable, readWideTable } from './file-readers';
import {
  type LongTableOptions,
  parseLongCsv,
  readLongTableFromBlob,
  readLongTableFromStream,
} from './long-table';
import {
  parseWideCsv,
  readWideTableFromBlob,
  readWideTableFromStream,
  type WideTableOptions,
} from './wide-table';

// The browser-safe readers (Blob/File and WHATWG ReadableStream; globals in Node 20 as in browsers)
// must give what the text and file readers give: the same dataset, the same errors.

const opts: WideTableOptions = { file: 'w.csv', groupColumn: 'Strain', timeColumn: 'Hour' };
const encode = (text: string) => new TextEncoder().encode(text);

/** A byte stream handing out `bytes` in chunks of `size`, recording whether it was cancelled. */
function byteStream(bytes: Uint8Array, size = 1 << 16) {
  let offset = 0;
  const state = { cancelled: false, pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled++;
      if (offset >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      }
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject');
}

const plain = (d: { groups: Array<{ name: string; times: Float64Array; values: Float64Array[] }> }) =>
  d.groups.map((g) => ({
    name: g.name,
    times: Array.from(g.times),
    values: g.values.map((r) => Array.from(r)),
  }));

describe('readWideTableFromBlob / readWideTableFromStream', () => {
  const text = 'Strain,Hour,Ä (uM),🧪 x\r\nL1,0,1,2\r\nL1,2,"3",4\r\nL2,0,5,\r\nL2,2,,6\r\n';

  it('read a Blob, a File and a byte stream to the dataset parseWideCsv gives', async () => {
    const expected = parseWideCsv(text, opts);
    expect(await readWideTableFromBlob(new Blob([text]), opts)).toEqual(expected);
    expect(
      await readWideTableFromBlob(new File([encode(text)], 'w.csv'), { ...opts, file: undefined }),
    ).toEqual(expected);
    expect(await readWideTableFromStream(byteStream(encode(text)).stream, opts)).toEqual(expected);
  });

  it('give the same dataset whatever the chunk boundaries, even inside characters and CRLF pairs', async () => {
    const expected = plain(parseWideCsv(text, opts));
    const bytes = encode(text);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect(plain(await readWideTableFromStream(byteStream(bytes, size).stream, opts))).toEqual(expected);
    }
  });

  it('read a stream of text (after a TextDecoderStream) and skip a byte-order mark', async () => {
    const expected = plain(parseWideCsv(text, opts));
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(text)]);
    const decoded = new Blob([withBom]).stream().pipeThrough(new TextDecoderStream());
    expect(plain(await readWideTableFromStream(decoded, opts))).toEqual(expected);
    expect(plain(await readWideTableFromBlob(new Blob([withBom]), opts))).toEqual(expected);
  });

  it("name a File's errors after the file, unless options.file says otherwise", async () => {
    const bad = 'Strain,Hour,x\nA,0,1\nA,1,zz\n';
    const fileErr = await rejection(
      readWideTableFromBlob(new File([bad], 'upload.csv'), { ...opts, file: undefined }),
    );
    expect(fileErr).toBeInstanceOf(OmicsIOError);
    expect(String(fileErr)).toBe('upload.csv:3:5: non-numeric value "zz" in column "x"');
    expect(String(await rejection(readWideTableFromBlob(new File([bad], 'upload.csv'), opts)))).toBe(
      'w.csv:3:5: non-numeric value "zz" in column "x"',
    );
    const blobErr = (await rejection(
      readWideTableFromBlob(new Blob([bad]), { ...opts, file: undefined }),
    )) as OmicsIOError;
    expect([blobErr.file, blobErr.line, blobErr.column]).toEqual([undefined, 3, 5]);
  });

  it('refuse binary content and invalid UTF-8 with the errors of the file readers (line:column)', async () => {
    const cases: Array<[Uint8Array, string]> = [
      [
        new Uint8Array([...encode('Strain,Hour,x\nÄÖ,'), 0, 1]),
        'w.csv:2:4: binary file: NUL byte at byte offset 19',
      ],
      [
        new Uint8Array([...encode('Strain,Hour,x\nA,0,'), 0xff, 0x0a]),
        'w.csv:2:5: not UTF-8 text: invalid byte 0xFF',
      ],
      [
        new Uint8Array([...encode('Strain,Hour,A'), 0xe9, ...encode(',B\nA,0,1\n')]),
        'w.csv:1:14: not UTF-8 text',
      ],
      [
        new Uint8Array([...encode('Strain,Hour\nA,'), 0xe2, 0x82]),
        'w.csv:2:3: not UTF-8 text: truncated character',
      ],
      [
        new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]),
        'w.csv:1:1: binary file: this looks like a zip archive',
      ],
      [new Uint8Array([0xff, 0xfe, 0x53, 0x00]), 'w.csv:1:1: binary file: this looks like UTF-16 text'],
      [new Uint8Array([0x1f, 0x8b, 8, 0]), 'w.csv:1:1: binary file: this looks like a gzip archive'],
      [encode(''), 'w.csv:1:1: empty file: no header row'],
      [encode('Strain,Hour,x\n'), 'w.csv:2:1: no data rows after the header'],
    ];
    for (const [bytes, message] of cases) {
      const viaFile = String(await rejection(readWideTable(bytes, opts)));
      expect(viaFile.startsWith(message), viaFile).toBe(true);
      for (const size of [1, 3, 1 << 16]) {
        const err = await rejection(readWideTableFromStream(byteStream(bytes, size).stream, opts));
        expect(err).toBeInstanceOf(OmicsIOError);
        expect(String(err)).toBe(viaFile);
      }
      expect(String(await rejection(readWideTableFromBlob(new Blob([bytes]), opts)))).toBe(viaFile);
    }
  });

  it('refuse a NUL character in a stream of text at its line and column', async () => {
    const decoded = new Blob(['Strain,Hour,x\nA,0,\u0000\n']).stream().pipeThrough(new TextDecoderStream());
    const err = (await rejection(readWideTableFromStream(decoded, opts))) as OmicsIOError;
    expect([err.code, err.line, err.column]).toEqual(['binary-file', 2, 5]);
  });

  it('stop reading and cancel the stream at the first error', async () => {
    const bytes = encode(`Strain,Hour,x\nA,0,zz\n${'A,1,1\n'.repeat(50_000)}`);
    const { stream, state } = byteStream(bytes, 64);
    const err = (await rejection(readWideTableFromStream(stream, opts))) as OmicsIOError;
    expect([err.code, err.line, err.column]).toEqual(['non-numeric', 2, 5]);
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThan(10);
  });

  it('report a stream that fails as an unreadable file', async () => {
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(encode('Strain,Hour,x\nA,0,1\n'));
        } else controller.error(new Error('connection reset'));
      },
    });
    const err = (await rejection(readWideTableFromStream(failing, opts))) as OmicsIOError;
    expect(err).toBeInstanceOf(OmicsIOError);
    expect(err.code).toBe('unreadable-file');
    expect(String(err)).toBe('w.csv: cannot read: connection reset');
  });

  it('reject what is not a Blob, a stream or a byte chunk, and bad options, with a TypeError', async () => {
    await expect(readWideTableFromBlob('w.csv' as unknown as Blob, opts)).rejects.toThrow(
      new TypeError('omics-io: expected a Blob or File'),
    );
    await expect(
      readWideTableFromStream(new Uint8Array() as unknown as ReadableStream, opts),
    ).rejects.toThrow(TypeError);
    const numbers = new ReadableStream({
      start(controller) {
        controller.enqueue(42);
        controller.close();
      },
    });
    await expect(readWideTableFromStream(numbers as ReadableStream<Uint8Array>, opts)).rejects.toThrow(
      'omics-io: stream chunks must be Uint8Array bytes or strings, got number',
    );
    await expect(readWideTableFromBlob(new Blob([text]), {} as WideTableOptions)).rejects.toThrow(TypeError);
    const locked = byteStream(encode(text)).stream;
    locked.getReader();
    await expect(readWideTableFromStream(locked, opts)).rejects.toThrow(TypeError);
  });
});

describe('readLongTableFromBlob / readLongTableFromStream', () => {
  const longOpts: LongTableOptions = {
    file: 'p.csv',
    groupColumn: 'Strain',
    timeColumn: 'Hour',
    featureColumn: 'Protein',
    valueColumn: 'Area (counts)',
    sampleColumn: 'Sample',
  };
  const table = [
    'Sample,Strain,Hour,Protein,Peptide,Area (counts)',
    's1,A,0,AtoB,PEP1,10',
    's1,A,0,AtoB,PEP2,20',
    's2,A,0,AtoB,PEP1,30',
    's3,A,4,AtoB,PEP1,1',
    's4,B,4,MK,PEP3,2',
    's5,B,0,MK,PEP3,4',
  ].join('\n');

  it('read a Blob, a File and a byte stream to the dataset parseLongCsv gives', async () => {
    const expected = parseLongCsv(table, longOpts);
    expect(await readLongTableFromBlob(new Blob([table]), longOpts)).toEqual(expected);
    expect(await readLongTableFromBlob(new File([table], 'p.csv'), { ...longOpts, file: undefined })).toEqual(
      expected,
    );
    for (const size of [1, 4, 1 << 16]) {
      expect(plain(await readLongTableFromStream(byteStream(encode(table), size).stream, longOpts))).toEqual(
        plain(expected),
      );
    }
  });

  it('give the errors of the file readers', async () => {
    for (const bytes of [
      encode(table.replace('s3,A,4,AtoB,PEP1,1', 's3,A,4,AtoB,PEP1,x')),
      new Uint8Array([...encode(table.slice(0, 60)), 0xc3, 0x28]),
      encode(table.replace('Protein', 'Prot')),
    ]) {
      const viaFile = String(await rejection(readLongTable(bytes, longOpts)));
      expect(viaFile).toMatch(/^p\.csv:\d+:\d+: /);
      expect(String(await rejection(readLongTableFromBlob(new Blob([bytes]), longOpts)))).toBe(viaFile);
      expect(String(await rejection(readLongTableFromStream(byteStream(bytes, 3).stream, longOpts)))).toBe(
        viaFile,
      );
    }
  });
});
