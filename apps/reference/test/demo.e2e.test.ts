import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli-helpers';

/** PNG header fields: width and height from the IHDR chunk. */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('kinetica demo (reduced, as CI runs it)', () => {
  let out: string;
  let stdout: string;
  beforeAll(() => {
    out = join(tempDir('demo'), 'kinetica-demo');
    const r = runCli(['demo', '--quick', '--epochs', '15', '--out', out, '--json'], undefined, 600_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    stdout = r.stdout;
  }, 600_000);

  it('writes the report, metrics, predictions and plots', () => {
    for (const f of [
      'report.html',
      'report.md',
      'metrics.json',
      'predictions.csv',
      'training-loss.svg',
      'training-loss.png',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    for (const group of Object.keys(summary.test)) {
      const m = metrics.test[group];
      expect(Number.isFinite(m.overallNrmse)).toBe(true);
      expect(Number.isFinite(m.baseline.overallNrmse)).toBe(true);
      expect(m.improvementPct).toBeCloseTo(100 * (1 - m.overallNrmse / m.baseline.overallNrmse), 10);
    }
  });

  it('renders a non-blank trajectory PNG of the expected size', () => {
    const group = Object.keys(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).test)[0];
    const svg = readFileSync(join(out, `trajectories-${group}.svg`), 'utf8');
    const w = Number(/width="(\d+)"/.exec(svg)![1]);
    const h = Number(/height="(\d+)"/.exec(svg)![1]);
    const png = readFileSync(join(out, `trajectories-${group}.png`));
    expect(pngSize(png)).toEqual({ width: w, height: h });
    // Six state panels in a 3-column grid, under one legend row.
    expect(w).toBe(3 * 380);
    expect(h - 2 * 260).toBeGreaterThanOrEqual(20);
    expect(h - 2 * 260).toBeLessThanOrEqual(60);
    expect(svg).toContain('aria-label="legend"');
    expect(svg).toContain('>time (h)</text>');
    expect(svg).not.toMatch(/NaN|Infinity/);
    // A blank white image of this size compresses to a few hundred bytes; curves, points and text do not.
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('writes an HTML report that needs no network (inline SVG, no external URLs)', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<svg[\s>]/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script/);
  });

  it('writes its simulated table and model.json, from which predict reproduces predictions.csv exactly', () => {
    const again = join(tempDir('demo-predict'), 'again');
    const r = runCli([
      'predict',
      '--model',
      join(out, 'model.json'),
      '--data',
      join(out, 'data.csv'),
      '--out',
      again,
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(again, 'predictions.csv'), 'utf8')).toBe(
      readFileSync(join(out, 'predictions.csv'), 'utf8'),
    );
  });
});
