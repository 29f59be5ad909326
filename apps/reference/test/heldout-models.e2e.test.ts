import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listing, runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';

/** predictions.csv as rows of named fields. */
function predictions(dir: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, 'predictions.csv'), 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
}

describe('kinetica train: ensembles, pooled tables, autonomous models', () => {
  const dir = tempDir('heldout-models');
  const data = join(dir, 'small.csv');
  writeFileSync(data, smallTable());

  it('predicts the ensemble median inside an 80% band, never below zero, and reports the coverage', () => {
    const out = join(dir, 'ens');
    const r = runCli([...smallTrainArgs(data, out, { epochs: '40', ensemble: '3', seed: '2' }), '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = predictions(out);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [p, lo, hi] = [Number(row.predicted), Number(row.lower), Number(row.upper)];
      expect(lo).toBeLessThanOrEqual(p);
      expect(hi).toBeGreaterThanOrEqual(p);
      expect(lo).toBeGreaterThanOrEqual(0);
    }
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    const band = metrics.test.G3.band;
    expect(band.level).toBe(0.8);
    expect(band.points).toBe(12);
    expect(band.coverage).toBeGreaterThanOrEqual(0);
    expect(band.coverage).toBeLessThanOrEqual(1);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(model.neural.ensemble.members).toHaveLength(3);
    // predict re-creates the band from model.json byte for byte.
    const again = join(dir, 'ens-predict');
    const p = runCli(['predict', '--model', join(out, 'model.json'), '--data', data, '--out', again]);
    expect(p.code).toBe(0);
    expect(readFileSync(join(again, 'predictions.csv'), 'utf8')).toBe(
      readFileSync(join(out, 'predictions.csv'), 'utf8'),
    );
  });

  it('pools a second table whose strains lack a state (masked in the loss)', () => {
    // The second table measures A only and has its own strains; B is missing from its header.
    const other = join(dir, 'other.csv');
    const lines = ['Strain,Hour,A,P,Q'];
    for (const t of [0, 2, 4, 8, 16, 24])
      lines.push(`H1,${t},${(0.9 * Math.exp(-0.05 * t) + 0.1).toFixed(5)},${1 + 0.01 * t},2`);
    writeFileSync(other, `${lines.join('\n')}\n`);
    const out = join(dir, 'pooled');
    const args = smallTrainArgs(data, out, { epochs: '30', ensemble: '1', train: 'G1,G2,H1' });
    const r = runCli([...args, '--data', other, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(Number.isFinite(metrics.test.G3.overallNrmse)).toBe(true);
    // A group name in both tables is refused, naming the second file, and nothing is written.
    const clash = join(dir, 'clash');
    const c = runCli([...smallTrainArgs(data, clash, { epochs: '5' }), '--data', data]);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toMatch(/group 'G1' is also in .*small\.csv/);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
    expect(listing(clash)).toEqual([]);
  });

  it('trains an autonomous model when --controls is left out', () => {
    const out = join(dir, 'autonomous');
    const args = smallTrainArgs(data, out, { epochs: '30', ensemble: '1' });
    const i = args.indexOf('--controls');
    args.splice(i, 2);
    const r = runCli([...args, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(model.controls).toEqual([]);
    expect(model.neural.ensemble.members[0].spec.nControls).toBe(0);
  });

  it('refuses --elasticity/--saturation without a reaction file, a bad --saturation and a bad --ensemble, before reading data', () => {
    const out = join(dir, 'refused');
    for (const [extra, message] of [
      [{ elasticity: '0.5' }, /--elasticity applies to the S·r_θ model; give --reactions FILE/],
      [{ saturation: '2' }, /--saturation applies to the S·r_θ model; give --reactions FILE/],
      [
        { reactions: join(dir, 'missing.reactions'), saturation: '0' },
        /--saturation must be 'learned', 'none' or a finite number > 0, got '0'/,
      ],
      [{ ensemble: '0' }, /--ensemble must be a positive integer/],
    ] as const) {
      const r = runCli(smallTrainArgs(join(dir, 'missing.csv'), out, extra));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(listing(out)).toEqual([]);
    }
  });
});
