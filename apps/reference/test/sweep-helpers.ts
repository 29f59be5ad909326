import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { cliPath } from './cli-helpers';

/** A results.jsonl line as the tests read it. */
export interface Line {
  id: string;
  params: Record<string, unknown>;
  status: 'success' | 'failed';
  metrics: unknown;
  error?: string;
  tries?: number;
}

export function readLines(dir: string): Line[] {
  return readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

/** metrics.json without its wall-clock timings, the only part that differs between equal runs. */
export function numbers(metrics: unknown): string {
  return JSON.stringify(metrics, (k, v) =>
    k === 'timing' || /MsPerTrajectory$|Seconds$/.test(k) ? undefined : v,
  );
}

/** Write a sweep spec on smallTable()'s columns (tiny networks) with `grid`. */
export function writeSpec(
  dir: string,
  data: string,
  grid: Record<string, unknown[]>,
  args = {},
  name = 'spec.json',
): string {
  const file = join(dir, name);
  const spec = {
    command: 'train',
    args: {
      data,
      time: 'Hour',
      group: 'Strain',
      states: 'A,B',
      controls: ['P', 'Q'],
      train: 'G1,G2',
      test: 'G3',
      hidden: [4, 4],
      ensemble: 1,
      ...args,
    },
    grid,
  };
  for (const k of Object.keys(grid)) delete (spec.args as Record<string, unknown>)[k];
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

/** Start the built CLI in the background, collecting its output. */
export function startCli(args: string[], cwd: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { child, output: () => text };
}

export function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? -1);
    else child.once('exit', (code) => resolve(code ?? -1));
  });
}

export async function waitFor(what: string, ok: () => boolean, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether Debian's redis-server is installed (.ci/run installs it; tests skip without it). */
export const hasRedisServer = !spawnSync('redis-server', ['--version']).error;

/** A throwaway Redis on a free localhost port, without persistence. */
export async function startRedis(): Promise<{ url: (name: string) => string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const up = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  const end = Date.now() + 10_000;
  while (!(await up())) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`redis-server did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: (name) => `redis://127.0.0.1:${port}/${name}`,
    stop: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}
