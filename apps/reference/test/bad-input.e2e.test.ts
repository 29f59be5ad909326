import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listing, runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';

/**
 * Bad input, tried as a new user would: every case exits non-zero with exactly one line on stderr
 * that names the problem (file:line:column where that applies), prints no stack trace, and leaves
 * the output folder exactly as it was.
 */
describe('kinetica train refuses bad input cleanly', () => {
  let dir: string;
  let good: string;
  const base = (data: string, out: string, extra: Record<string, string> = {}) =>
    smallTrainArgs(data, out, { epochs: '2', ...extra });

  beforeAll(() => {
    dir = tempDir('bad-input');
    good = join(dir, 'good.csv');
    writeFileSync(good, smallTable());
  });

  const cases: Array<{ name: string; file?: () => string; extra?: Record<string, string>; expect: RegExp }> =
    [
      { name: 'a missing file', file: () => join(dir, 'nope.csv'), expect: /nope\.csv/ },
      { name: 'a typo in a column name', extra: { states: 'A,Bee' }, expect: /good\.csv.*Bee/ },
      {
        name: 'a non-numeric cell',
        file: () => {
          const p = join(dir, 'nonnum.csv');
          writeFileSync(p, smallTable().replace(/\nG2,4,[0-9.]+/, '\nG2,4,abc'));
          return p;
        },
        expect: /nonnum\.csv:\d+:\d+: .*abc/,
      },
      {
        name: 'a strain in both --train and --test',
        extra: { train: 'G1,G3' },
        expect: /G3.*both --train and --test/,
      },
      { name: 'an unknown strain', extra: { test: 'G9' }, expect: /G9/ },
      {
        name: 'a file with one time point',
        file: () => {
          const p = join(dir, 'onetime.csv');
          writeFileSync(p, 'Strain,Hour,A,B,P,Q\nG1,0,1,2,3,4\nG2,0,1,2,3,4\nG3,0,1,2,3,4\n');
          return p;
        },
        expect: /onetime\.csv:\d+:\d+: .*1 time point.*at least 2/,
      },
      {
        name: 'duplicate times',
        file: () => {
          const p = join(dir, 'dup.csv');
          writeFileSync(p, smallTable().replace(/\nG1,4,/, '\nG1,2,'));
          return p;
        },
        expect: /dup\.csv:\d+(:\d+)?: .*duplicate/i,
      },
      {
        name: 'an empty file',
        file: () => {
          const p = join(dir, 'empty.csv');
          writeFileSync(p, '');
          return p;
        },
        expect: /empty\.csv.*empty/i,
      },
      {
        name: 'a binary file',
        file: () => {
          const p = join(dir, 'binary.csv');
          writeFileSync(
            p,
            Buffer.from([
              0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
            ]),
          );
          return p;
        },
        expect: /binary\.csv:1:1: .*(binary|not UTF-8 text)/,
      },
    ];

  for (const c of cases) {
    it(`exits non-zero with one line for ${c.name}, leaving the output folder untouched`, () => {
      const out = join(dir, `out-${c.name.replace(/\W+/g, '-')}`);
      const sentinel = join(out, 'keep.txt');
      // The output folder already exists with a file in it: it must stay exactly as it was.
      mkdirSync(out, { recursive: true });
      writeFileSync(sentinel, 'precious');
      const before = listing(out);
      const r = runCli(base(c.file ? c.file() : good, out, c.extra));
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(c.expect);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(listing(out)).toEqual(before);
      expect(readFileSync(sentinel, 'utf8')).toBe('precious');
      expect(listing(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    });
  }
});
