import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';

describe('kinetica train then predict', () => {
  it('reproduces predictions.csv exactly from the saved model.json', () => {
    const dir = tempDir('predict');
    const data = join(dir, 'data.csv');
    writeFileSync(data, smallTable());
    const run = join(dir, 'run');
    const t = runCli([...smallTrainArgs(data, run, { epochs: '20' }), '--quiet']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const model = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8'));
    expect(model.states).toEqual(['A', 'B']);
    expect(model.controls).toEqual(['P', 'Q']);
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.test)).toEqual(['G3']);
    expect(Object.keys(metrics.test.G3.rmse)).toEqual(['A', 'B']);
    expect(metrics.timing.trainSeconds).toBeGreaterThan(0);

    const again = join(dir, 'again');
    const p = runCli(['predict', '--model', join(run, 'model.json'), '--data', data, '--out', again]);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/^wrote .*predictions\.csv/);
    const original = readFileSync(join(run, 'predictions.csv'), 'utf8');
    expect(readFileSync(join(again, 'predictions.csv'), 'utf8')).toBe(original);
    const lines = original.trim().split('\n');
    expect(lines[0]).toBe('group,time,state,observed,predicted,baseline,lower,upper');
    // 2 states × (200 grid times + measured times not on the grid).
    const measuredRows = lines.slice(1).filter((l) => l.split(',')[3] !== '');
    expect(measuredRows).toHaveLength(2 * 6);
  });
});
