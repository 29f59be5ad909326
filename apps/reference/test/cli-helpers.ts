import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cliPath = join(appDir, 'dist', 'cli.cjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would: a separate process, no stdin, no TTY. */
export function runCli(args: string[], cwd?: string, timeoutMs = 240_000): CliRun {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build the app first (pnpm build)`);
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: cwd ?? appDir,
    encoding: 'utf8',
    input: '',
    timeout: timeoutMs,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kinetica-${prefix}-`));
}

/** Files under a folder, recursively, sorted (to check that a folder was left untouched). */
export function listing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** A small valid wide table: 3 strains, 2 states, 2 controls, 6 times. */
export function smallTable(): string {
  const lines = ['Strain,Hour,A,B,P,Q'];
  for (const [g, s] of [
    ['G1', 1],
    ['G2', 1.3],
    ['G3', 0.8],
  ] as const) {
    for (const t of [0, 2, 4, 8, 16, 24]) {
      const p = s * (1 + 0.02 * t);
      const q = 2 - 0.01 * t;
      const a = s * Math.exp(-0.05 * t) + 0.1;
      const b = s * (1 - Math.exp(-0.05 * t));
      lines.push(`${g},${t},${a.toFixed(5)},${b.toFixed(5)},${p.toFixed(4)},${q.toFixed(4)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `kinetica train` on `smallTable()`'s columns (G1, G2 trained, G3 held out), with extra options. */
/** `kinetica train`'s column and strain options for `smallTable()`. */
export const SMALL_TABLE_OPTIONS = {
  time: 'Hour',
  group: 'Strain',
  states: 'A,B',
  controls: 'P,Q',
  train: 'G1,G2',
  test: 'G3',
} as const;

export function smallTrainArgs(data: string, out: string, extra: Record<string, string> = {}): string[] {
  const o: Record<string, string> = { data, ...SMALL_TABLE_OPTIONS, out, ...extra };
  return ['train', ...Object.entries(o).flatMap(([k, v]) => [`--${k}`, v])];
}
