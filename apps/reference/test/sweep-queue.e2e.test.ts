import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, smallTable, tempDir } from './cli-helpers';
import {
  exited,
  hasRedisServer,
  numbers,
  readLines,
  startCli,
  startRedis,
  waitFor,
  writeSpec,
} from './sweep-helpers';

if (!hasRedisServer)
  console.warn('sweep-queue.e2e: skipped, redis-server is not installed (apt-get install redis-server)');

describe.skipIf(!hasRedisServer)('kinetica sweep --queue with kinetica worker processes', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const started: ReturnType<typeof startCli>[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('runs every run exactly once when a worker is killed mid-run, with the numbers of a local sweep', async () => {
    const dir = tempDir('sweep-queue');
    writeFileSync(join(dir, 'data.csv'), smallTable());
    const spec = writeSpec(dir, 'data.csv', { seed: [0, 1, 2, 3, 4, 5] }, { epochs: 20 });
    const url = redis.url('kill-test');
    const out = join(dir, 'queued');
    const sweep = startCli(['sweep', '--spec', spec, '--out', out, '--queue', url], dir);
    started.push(sweep);
    await waitFor('the sweep to queue its runs', () => sweep.output().includes('to run on the queue'));
    // Short locks so that the killed worker's run is taken again within seconds.
    const worker = () => {
      const w = startCli(
        ['worker', '--queue', url, '--concurrency', '1', '--lock-ms', '3000', '--stalled-ms', '500'],
        dir,
      );
      started.push(w);
      return w;
    };
    const a = worker();
    const b = worker();

    // After the first result, kill worker a while it is inside a run (started, not done).
    const runOf = (text: string) => {
      const started = [...text.matchAll(/run (\S+) started/g)].map((m) => m[1]!);
      const done = new Set([...text.matchAll(/run (\S+) (done|failed)/g)].map((m) => m[1]!));
      return started.find((id) => !done.has(id));
    };
    await waitFor('a result line and a run in progress on worker a', () => {
      const lines = existsSync(join(out, 'results.jsonl')) ? readLines(out) : [];
      return lines.length > 0 && runOf(a.output()) !== undefined;
    });
    const killedRun = runOf(a.output())!;
    a.child.kill('SIGKILL');
    await exited(a.child);
    const c = worker();

    expect(await exited(sweep.child)).toBe(0);
    const lines = readLines(out);
    expect(lines.map((l) => l.id).sort()).toHaveLength(6);
    expect(new Set(lines.map((l) => l.id)).size).toBe(6);
    expect(lines.every((l) => l.status === 'success')).toBe(true);
    const retried = lines.find((l) => l.id === killedRun)!;
    expect(retried.tries).toBeGreaterThanOrEqual(2);
    expect(`${b.output()}${c.output()}`).toContain(`run ${killedRun} done`);
    expect(sweep.output()).toMatch(/\[6\/6\]/);
    // SIGTERM: a worker finishes what it runs (nothing now) and exits 0.
    for (const w of [b, c]) w.child.kill('SIGTERM');
    expect(await exited(b.child)).toBe(0);
    expect(await exited(c.child)).toBe(0);

    const local = join(dir, 'local');
    const r = runCli(['sweep', '--spec', spec, '--out', local, '--workers', '2', '--quiet'], dir);
    expect(r.code).toBe(0);
    const expected = new Map(readLines(local).map((l) => [l.id, numbers(l.metrics)]));
    for (const l of lines) expect(numbers(l.metrics)).toBe(expected.get(l.id));
  });

  it('exits 1 when a run fails on a worker, after writing its line', async () => {
    const dir = tempDir('sweep-queue-fail');
    writeFileSync(join(dir, 'data.csv'), smallTable());
    const spec = writeSpec(dir, 'data.csv', { test: ['G3', 'G9'] }, { epochs: 2 });
    const url = redis.url('fail-test');
    const out = join(dir, 'out');
    const r = startCli(['sweep', '--spec', spec, '--out', out, '--queue', url], dir);
    started.push(r);
    await waitFor('the sweep to queue its runs', () => r.output().includes('to run on the queue'));
    // --idle-exit: the worker leaves by itself once the queue has stayed empty for 2 s.
    const w = startCli(['worker', '--queue', url, '--concurrency', '2', '--idle-exit', '2'], dir);
    started.push(w);
    expect(await exited(r.child)).toBe(1);
    const lines = readLines(out);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.params.test === 'G9')).toMatchObject({ status: 'failed', metrics: null });
    expect(lines.find((l) => l.params.test === 'G9')!.error).toMatch(/G9/);
    expect(r.output()).toMatch(/failed: .*G9/);
    expect(await exited(w.child)).toBe(0);
  });
});
