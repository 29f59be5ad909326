import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listing, runCli, SMALL_TABLE_OPTIONS, smallTable, tempDir } from './cli-helpers';
import { freePort } from './sweep-helpers';

/**
 * A sweep or worker that cannot start says why in one line on stderr, exits non-zero (2 for the
 * command line and an unreachable queue, 3 for the spec file) and writes nothing.
 */
describe('kinetica sweep and worker refuse bad input cleanly', () => {
  const dir = tempDir('sweep-bad');
  writeFileSync(join(dir, 'data.csv'), smallTable());
  const args = { data: 'data.csv', ...SMALL_TABLE_OPTIONS };
  const spec = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const good = spec('good.json', { command: 'train', args, grid: { seed: [0, 1] } });

  const refuses = (argv: string[], code: number, message: RegExp) => {
    const out = join(dir, 'out');
    const r = runCli(
      argv.map((a) => (a === 'OUT' ? out : a)),
      dir,
      20_000,
    );
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(listing(out)).toEqual([]);
  };

  const cases: Array<[string, unknown, RegExp]> = [
    [
      'an unknown option',
      { command: 'train', args: { ...args, learningRate: 0.1 }, grid: { seed: [0] } },
      /bad\.json: args\.learningRate: not an option of kinetica train/,
    ],
    [
      'an unknown option in the grid',
      { command: 'train', args, grid: { sed: [0, 1] } },
      /bad\.json: grid\.sed: not an option of kinetica train/,
    ],
    ['an empty grid', { command: 'train', args, grid: {} }, /bad\.json: grid: is empty/],
    [
      'an empty list of values',
      { command: 'train', args, grid: { seed: [] } },
      /bad\.json: grid\.seed: must be a non-empty list/,
    ],
    [
      'a value out of range',
      { command: 'train', args, grid: { epochs: [3, 0] } },
      /bad\.json: run \{"epochs":0\}: option --epochs must be a positive integer/,
    ],
    ['unreadable JSON', '{"command": "train",\n  "grid": {"seed": [0,]}}', /bad\.json:2:\d+: invalid JSON/],
    [
      'another command',
      { command: 'predict', args, grid: { seed: [0] } },
      /bad\.json: command: must be "train"/,
    ],
    [
      '--out in the spec',
      { command: 'train', args: { ...args, out: 'x' }, grid: { seed: [0] } },
      /args\.out/,
    ],
    [
      'a data file that is not there',
      { command: 'train', args: { ...args, data: 'missing.csv' }, grid: { seed: [0] } },
      /bad\.json: cannot read .*missing\.csv/,
    ],
  ];
  for (const [name, content, message] of cases)
    it(`refuses ${name}`, () =>
      refuses(['sweep', '--spec', spec('bad.json', content), '--out', 'OUT'], 3, message));

  it('refuses a spec file that is not there', () =>
    refuses(
      ['sweep', '--spec', join(dir, 'nope.json'), '--out', 'OUT'],
      3,
      /nope\.json: cannot read: no such file/,
    ));

  it('refuses a malformed queue URL and --workers with --queue', () => {
    refuses(['sweep', good, '--out', 'OUT', '--queue', 'http://localhost/q'], 2, /--queue .*redis/);
    refuses(['sweep', good, '--out', 'OUT', '--queue', 'redis://localhost:6379/'], 2, /queue name/);
    refuses(
      ['sweep', good, '--out', 'OUT', '--queue', 'redis://localhost/q', '--workers', '2'],
      2,
      /--workers/,
    );
    refuses(['worker', '--queue', 'redis://localhost/a:b'], 2, /queue name/);
  });

  it('refuses an unreachable Redis within 10 s, for the sweep and for a worker', async () => {
    const port = await freePort();
    for (const argv of [
      ['sweep', good, '--out', 'OUT', '--queue', `redis://127.0.0.1:${port}/q`],
      ['worker', '--queue', `redis://127.0.0.1:${port}/q`],
    ]) {
      const start = Date.now();
      refuses(argv, 2, new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/q: .*ECONNREFUSED`));
      expect(Date.now() - start).toBeLessThan(10_000);
    }
  });
});
