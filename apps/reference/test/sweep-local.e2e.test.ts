import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listing, runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';
import { numbers, readLines, writeSpec } from './sweep-helpers';

describe('kinetica sweep on local worker threads', () => {
  const dir = tempDir('sweep');
  const data = join(dir, 'data.csv');
  writeFileSync(data, smallTable());
  const spec = writeSpec(dir, 'data.csv', { epochs: [2, 3], seed: [0, 1] });
  const two = join(dir, 'two');

  it('runs the grid on 2 workers with the numbers of 1 worker and of a plain train', () => {
    const r2 = runCli(['sweep', '--spec', spec, '--out', two, '--workers', '2', '--json'], dir);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ runs: 4, skipped: 0, succeeded: 4, failed: 0 });
    const lines = readLines(two);
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.id)).size).toBe(4);
    expect(
      lines.map((l) => l.params).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([
      { epochs: 2, seed: 0 },
      { epochs: 2, seed: 1 },
      { epochs: 3, seed: 0 },
      { epochs: 3, seed: 1 },
    ]);
    for (const l of lines) {
      expect(l.status).toBe('success');
      // The line carries the run folder's own metrics.json.
      const own = JSON.parse(readFileSync(join(two, 'runs', l.id, 'metrics.json'), 'utf8'));
      expect(l.metrics).toEqual(own);
    }

    const one = join(dir, 'one');
    const r1 = runCli(['sweep', spec, '--out', one, '--workers', '1', '--quiet'], dir);
    expect(r1.code).toBe(0);
    const byId = new Map(readLines(one).map((l) => [l.id, numbers(l.metrics)]));
    expect(byId.size).toBe(4);
    for (const l of lines) expect(numbers(l.metrics)).toBe(byId.get(l.id));

    const plain = join(dir, 'plain');
    const run = lines.find((l) => l.params.epochs === 3 && l.params.seed === 1)!;
    const t = runCli(
      [...smallTrainArgs(data, plain, { epochs: '3', seed: '1', hidden: '4,4', ensemble: '1' }), '--quiet'],
      dir,
    );
    expect(t.code).toBe(0);
    expect(numbers(JSON.parse(readFileSync(join(plain, 'metrics.json'), 'utf8')))).toBe(numbers(run.metrics));
    // The run folder is what `kinetica train --out` writes.
    expect(listing(join(two, 'runs', run.id))).toEqual(listing(plain));
  });

  it('skips finished runs when run again, and reruns an incomplete one', () => {
    const before = readFileSync(join(two, 'results.jsonl'), 'utf8');
    const [first, second] = readLines(two);
    const stamp = statSync(join(two, 'runs', first!.id, 'metrics.json')).mtimeMs;
    const again = runCli(['sweep', '--spec', spec, '--out', two, '--json'], dir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ runs: 4, skipped: 4, succeeded: 0, failed: 0 });
    expect(readFileSync(join(two, 'results.jsonl'), 'utf8')).toBe(before);
    expect(statSync(join(two, 'runs', first!.id, 'metrics.json')).mtimeMs).toBe(stamp);

    // A run folder gone and a line cut short by a crash: that run alone runs again, once.
    rmSync(join(two, 'runs', second!.id), { recursive: true });
    appendFileSync(join(two, 'results.jsonl'), '{"id":"cut sh');
    const resumed = runCli(['sweep', '--spec', spec, '--out', two, '--json'], dir);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ skipped: 3, succeeded: 1 });
    const lines = readLines(two);
    expect(lines.map((l) => l.id).sort()).toEqual(
      readLines(join(dir, 'one'))
        .map((l) => l.id)
        .sort(),
    );
    expect(numbers(lines.find((l) => l.id === second!.id)!.metrics)).toBe(numbers(second!.metrics));
  });

  it('records a run that fails, finishes the others and exits 1', () => {
    const failing = writeSpec(dir, 'data.csv', { test: ['G3', 'G9'] }, { epochs: 2 }, 'failing.json');
    const out = join(dir, 'failing');
    const r = runCli(['sweep', '--spec', failing, '--out', out, '--workers', '2'], dir);
    expect(r.code).toBe(1);
    const lines = readLines(out);
    expect(lines).toHaveLength(2);
    const bad = lines.find((l) => l.params.test === 'G9')!;
    expect(bad).toMatchObject({ status: 'failed', metrics: null });
    expect(bad.error).toMatch(/G9/);
    expect(lines.find((l) => l.params.test === 'G3')!.status).toBe('success');
    expect(r.stderr).toMatch(/failed: .*G9/);
    // A failed run is tried again by the next sweep into the folder (and still has one line).
    const again = runCli(['sweep', '--spec', failing, '--out', out, '--json'], dir);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: 1, failed: 1 });
    expect(readLines(out)).toHaveLength(2);
  });
});
