import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDir, cliPath, runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';
import { numbers, readLines, writeSpec } from './sweep-helpers';

/** The built CLI with extra environment variables (the worker threads' test hook). */
function runWithEnv(args: string[], env: Record<string, string>, cwd = appDir) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    input: '',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('kinetica train --threads: ensemble members on worker threads', () => {
  const dir = tempDir('train-threads');
  const data = join(dir, 'small.csv');
  writeFileSync(data, smallTable());
  // Fits of about 1 s each: both pool threads have started before the first fit ends.
  const args = (out: string, threads: string) => [
    ...smallTrainArgs(data, out, { epochs: '120', ensemble: '3', seed: '2', threads }),
    '--json',
  ];

  it('writes the same model.json, predictions.csv and metrics.json on 1 and on 2 threads', () => {
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    const r1 = runCli(args(one, '1'));
    const r2 = runCli(args(two, '2'));
    expect(r1.stderr).toBe('');
    expect(r2.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(r2.code).toBe(0);
    // The summary says how many threads trained: this one alone, or two pool threads.
    expect(JSON.parse(r1.stdout).threads).toBe(1);
    expect(JSON.parse(r2.stdout).threads).toBe(2);
    expect(read(two, 'model.json')).toBe(read(one, 'model.json'));
    expect(read(two, 'predictions.csv')).toBe(read(one, 'predictions.csv'));
    // metrics.json: the same but for the wall-clock timings (`timing`, each baseline's inference ms).
    const metrics = (d: string) => JSON.parse(read(d, 'metrics.json'));
    expect(numbers(metrics(two))).toBe(numbers(metrics(one)));
    expect(JSON.parse(read(two, 'model.json')).neural.ensemble.members).toHaveLength(3);
  });

  it('a worker thread that dies fails train with one line and exit 1, at once, writing nothing', () => {
    // The thread training a member exits as it starts; the other thread is training a member
    // of 3000 epochs (about 25 s here): train ends at once all the same.
    const crash = (seed: string, train: string) => {
      const out = join(dir, `crash-${seed}`);
      const r = runWithEnv(
        [
          ...smallTrainArgs(data, out, { epochs: '3000', ensemble: '3', seed: '2', threads: '2', train }),
          '--quiet',
        ],
        { KINETICA_TEST_MEMBER_EXIT_SEED: seed },
      );
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        `error: the worker thread training the member of seed ${seed} stopped: worker exited with code: 99`,
      ]);
      expect(existsSync(out)).toBe(false);
      expect(r.ms).toBeLessThan(15_000);
    };
    // The second member of the ensemble (one training strain: no cross-validation first).
    crash('3', 'G1');
    // A fit of the cross-validation (its folds train from the run's seed).
    crash('2', 'G1,G2');
  });

  it('refuses a bad --threads before reading data', () => {
    for (const bad of ['0', '-1', '1.5', 'x']) {
      const r = runCli(smallTrainArgs(join(dir, 'missing.csv'), join(dir, 'bad'), { threads: bad }));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--threads/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a sweep trains each run on one thread and refuses threads in its spec', () => {
    // With the pool's test hook armed, any member trained on a pool thread would kill it: the
    // runs succeed because a sweep's runs train on their own thread (train --threads 1).
    const spec = writeSpec(dir, 'small.csv', { seed: [1, 2] }, { ensemble: 3, epochs: 5 });
    const out = join(dir, 'sweep');
    const r = runWithEnv(
      ['sweep', '--spec', spec, '--out', out, '--workers', '2', '--json'],
      { KINETICA_TEST_MEMBER_EXIT_SEED: '2' },
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readLines(out).map((l) => l.status)).toEqual(['success', 'success']);
    const withThreads = writeSpec(dir, 'small.csv', { seed: [1] }, { threads: 2 }, 'threads.json');
    const bad = runCli(['sweep', '--spec', withThreads, '--out', join(dir, 'bad-sweep')], dir);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/args\.threads: set by the sweep itself/);
  });
});
