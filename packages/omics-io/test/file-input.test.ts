import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  OmicsIOError,
  parseWideCsv,
  readWideCsvFile,
  readWideTable,
  type WideTableOptions,
} from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'omics-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opts: WideTableOptions = { groupColumn: 'Strain', timeColumn: 'Hour' };

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(OmicsIOError);
    return String(err);
  }
  throw new Error('expected an OmicsIOError');
}

describe('reading files', () => {
  it('reads a file synchronously and asynchronously to the same dataset as the text', async () => {
    const text = 'Strain,Hour,x (mM)\nA,0,1\nA,1,2\n';
    const path = file('ok.csv', text);
    const fromText = parseWideCsv(text, { ...opts, file: path });
    expect(readWideCsvFile(path, opts)).toEqual(fromText);
    expect(await readWideTable(path, opts)).toEqual(fromText);
  });

  it('names a missing file, a directory and an empty file', async () => {
    const missing = join(dir, 'nope.csv');
    expect(messageOf(() => readWideCsvFile(missing, opts))).toBe(`${missing}: no such file`);
    await expect(readWideTable(missing, opts)).rejects.toThrow(`${missing}: no such file`);
    expect(messageOf(() => readWideCsvFile(dir, opts))).toBe(`${dir}: is a directory, not a file`);
    const empty = file('empty.csv', '');
    expect(messageOf(() => readWideCsvFile(empty, opts))).toBe(`${empty}:1:1: empty file: no header row`);
  });

  it('refuses binary files: NUL bytes, invalid or truncated UTF-8, UTF-16, gzip', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array([...enc('Strain,Hour,x\nÄÖ,'), 0, 1]), '2:4: binary file: NUL byte at byte offset 19'],
      [
        new Uint8Array([...enc('Strain,Hour\n🧪,'), 0xc3, 0x28]),
        '2:4: not UTF-8 text: invalid byte 0xC3 at byte offset 17 (not followed by its continuation bytes: Latin-1 or Windows-1252 text?)',
      ],
      [
        new Uint8Array([...enc('Strain,Hour\nA,'), 0xe2, 0x82]),
        '2:3: not UTF-8 text: truncated character at byte offset 14',
      ],
      [
        new Uint8Array([0xed, 0xa0, 0x80]),
        '1:1: not UTF-8 text: invalid byte 0xED at byte offset 0 (not followed by its continuation bytes: Latin-1 or Windows-1252 text?)',
      ],
      [
        new Uint8Array([0xff, 0xfe, 0x53, 0x00]),
        '1:1: binary file: this looks like UTF-16 text; save it as UTF-8',
      ],
      [
        new Uint8Array([0x1f, 0x8b, 8, 0]),
        '1:1: binary file: this looks like a gzip archive; decompress it first',
      ],
    ];
    cases.forEach(([bytes, where], i) => {
      const path = file(`bin${i}.csv`, bytes);
      expect(messageOf(() => readWideCsvFile(path, opts))).toBe(
        `${path}:${where}${where.includes('UTF-16') || where.includes('gzip') ? '' : '; expected UTF-8 CSV or TSV text'}`,
      );
    });
  });

  it('reads a UTF-8 BOM and CRLF file like the plain text', () => {
    const path = file(
      'bom.csv',
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Strain,Hour,x\r\nA,0,1\r\nA,1,zz\r\n')]),
    );
    expect(messageOf(() => readWideCsvFile(path, opts))).toBe(
      `${path}:3:5: non-numeric value "zz" in column "x"`,
    );
  });
});
