import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';

/**
 * `diagnose --model-file` and `knockout --model-file` on a model trained in the test: the small
 * table's G1, G2 for training and G3 held out, plus G9, a copy of G1 whose enzyme P is 10× higher
 * than any training strain's.
 */
describe('kinetica diagnose and knockout on a trained model', () => {
  let dir: string;
  let data: string;
  let model: string;

  /** The small table with its rows of `group` rewritten: control P (column 5) through `p`. */
  const withStrain = (table: string, from: string, to: string, p: (v: number) => number) => {
    const rows = table
      .trim()
      .split('\n')
      .filter((l) => l.startsWith(`${from},`))
      .map((l) => {
        const c = l.split(',');
        c[0] = to;
        c[4] = String(p(Number(c[4])));
        return c.join(',');
      });
    return `${table.trim()}\n${rows.join('\n')}\n`;
  };

  const json = (args: string[]) => {
    const r = runCli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout.trim());
  };

  beforeAll(() => {
    dir = tempDir('learned');
    data = join(dir, 'data.csv');
    writeFileSync(
      data,
      withStrain(smallTable(), 'G1', 'G9', (v) => 10 * v),
    );
    const run = join(dir, 'run');
    const t = runCli([...smallTrainArgs(data, run, { epochs: '20' }), '--quiet']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    model = join(run, 'model.json');
  }, 120_000);

  // Fewer FTLE start states than the default 20 keep these runs short; the --out test uses the default.
  const diagnose = (strain: string, modelFile = model, table = data) =>
    json([
      'diagnose',
      '--model-file',
      modelFile,
      '--data',
      table,
      '--strain',
      strain,
      '--ftle-samples',
      '4',
      '--json',
    ]);

  it('flags a strain whose enzyme level lies far beyond the training range, and not a training strain', () => {
    const far = diagnose('G9');
    expect(far.trainedOn).toEqual(['G1', 'G2']);
    expect(far.ood.flagged).toBe(true);
    expect(far.ood.fractionOutside).toBeGreaterThan(0.1);
    expect(far.ood.maxDistance).toBeGreaterThan(far.ood.distanceThreshold);
    expect(far.ood.reasons.some((r: string) => r.includes('farther'))).toBe(true);
    const [p, q] = far.controls;
    expect(p).toMatchObject({ name: 'P', outside: true });
    expect(p.strain.max).toBeCloseTo(10 * 1.48, 10);
    expect(p.training.max).toBeCloseTo(1.3 * 1.48, 10);
    expect(q).toMatchObject({ name: 'Q', outside: false });

    const seen = diagnose('G1');
    expect(seen.controls.every((c: { outside: boolean }) => !c.outside)).toBe(true);
    expect(seen.ood.fractionOutside).toBe(0);
    expect(seen.ood.maxDistance).toBeLessThan(far.ood.maxDistance);
    for (const d of [far, seen]) {
      expect(d.maxStiffnessRatio).toBeGreaterThanOrEqual(1);
      expect(['tsit5', 'rodas5', 'radau5', 'bdf']).toContain(d.recommendation.method);
      for (const s of d.steadyStates) {
        expect(s.residual).toBeLessThan(1e-8);
        expect(['stable', 'unstable', 'marginal']).toContain(s.stability);
        for (const [state, v] of Object.entries(s.x as Record<string, number>)) {
          if (s.negative.includes(state)) expect(v).toBeLessThan(0);
          else expect(v).toBeGreaterThan(-1e-6);
        }
      }
    }
    // Steady states are sought with the strain's enzyme levels at its last time (24 h).
    expect(far.steadyStateControls.P).toBeCloseTo(10 * 1.48, 10);
  });

  it('gives the same report from --data when model.json predates the stored training data', () => {
    const old = JSON.parse(readFileSync(model, 'utf8'));
    expect(old.trainingData.groups.map((g: { name: string }) => g.name)).toEqual(['G1', 'G2']);
    delete old.trainingData;
    const oldModel = join(dir, 'old-model.json');
    writeFileSync(oldModel, JSON.stringify(old));
    const { modelFile: _a, ...fromStored } = diagnose('G9');
    const { modelFile: _b, ...rebuilt } = diagnose('G9', oldModel);
    expect(rebuilt).toEqual(fromStored);

    // Without stored training data, a table lacking the training groups cannot stand in for it.
    const onlyG9 = join(dir, 'only-g9.csv');
    const table = readFileSync(data, 'utf8').split('\n');
    writeFileSync(onlyG9, [table[0], ...table.filter((l) => l.startsWith('G9,'))].join('\n'));
    const r = runCli(['diagnose', '--model-file', oldModel, '--data', onlyG9, '--strain', 'G9']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/old-model\.json: .*no training group 'G1'/);
  });

  it('writes the report, diagnosis.json and the plot with --out, matching --json', () => {
    const out = join(dir, 'diag');
    const d = json(['diagnose', '--model-file', model, '--data', data, '--out', out, '--json']);
    expect(d.strain).toBe('G3');
    for (const f of ['report.html', 'report.md', 'diagnosis.svg', 'diagnosis.png', 'diagnosis.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'diagnosis.json'), 'utf8'))).toEqual(d);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| P |');
  });

  it('refuses a missing model file with one line and exit code 3, leaving --out untouched', () => {
    const out = join(dir, 'untouched');
    const r = runCli(['diagnose', '--model-file', join(dir, 'nope.json'), '--data', data, '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*nope\.json: cannot read the model file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir).filter((f) => f.includes('untouched'))).toEqual([]);
  });

  /** Final predicted value of each state from a predictions.csv (rows at the last grid time). */
  const finalPredicted = (csv: string, group: string, t1: string) => {
    const out: Record<string, number> = {};
    for (const line of csv.trim().split('\n').slice(1)) {
      const [g, t, state, , predicted] = line.split(',');
      if (g === group && t === t1) out[state!] = Number(predicted);
    }
    return out;
  };

  it('knocks out or scales an enzyme of the learned model as predict does with that enzyme changed in the data', () => {
    const original = readFileSync(data, 'utf8');
    for (const factor of [0, 2]) {
      const k = json([
        'knockout',
        '--model-file',
        model,
        '--data',
        data,
        '--strain',
        'G3',
        '--enzyme',
        'P',
        '--factor',
        String(factor),
        '--json',
      ]);
      expect(k).toMatchObject({ strain: 'G3', enzyme: 'P', factor, t1: 24, extrapolates: true });
      expect(k.trainingLevels.min).toBeCloseTo(1, 12);
      expect(k.trainingLevels.max).toBeCloseTo(1.3 * 1.48, 12);
      expect(k.perturbedLevels.max).toBeCloseTo(factor * 0.8 * 1.48, 12);
      // The same strain with P changed in the table, predicted by `predict` (rk4 on the model's grid).
      const changed = join(dir, `p-times-${factor}.csv`);
      const rows = original.trim().split('\n');
      writeFileSync(
        changed,
        `${rows
          .map((l) => {
            if (!l.startsWith('G3,')) return l;
            const c = l.split(',');
            c[4] = String(factor * Number(c[4]));
            return c.join(',');
          })
          .join('\n')}\n`,
      );
      const out = join(dir, `predict-${factor}`);
      expect(runCli(['predict', '--model', model, '--data', changed, '--out', out]).code).toBe(0);
      const perturbed = finalPredicted(readFileSync(join(out, 'predictions.csv'), 'utf8'), 'G3', '24');
      const unperturbed = finalPredicted(
        readFileSync(join(dir, 'run', 'predictions.csv'), 'utf8'),
        'G3',
        '24',
      );
      for (const row of k.final) {
        const scale = Math.abs(unperturbed[row.species]!) + 0.1;
        expect(Math.abs(row.baseline - unperturbed[row.species]!) / scale).toBeLessThan(1e-6);
        expect(Math.abs(row.perturbed - perturbed[row.species]!) / scale).toBeLessThan(1e-6);
        expect(row.change).toBeCloseTo(row.perturbed - row.baseline, 12);
      }
      // The perturbation matters: some state moves by more than the solvers' disagreement.
      expect(Math.max(...k.final.map((r: { change: number }) => Math.abs(r.change)))).toBeGreaterThan(1e-2);
    }
  });

  it('leaves the prediction unchanged when an enzyme is scaled by 1, within the training range', () => {
    const k = json([
      'knockout',
      '--model-file',
      model,
      '--data',
      data,
      '--enzyme',
      'Q',
      '--factor',
      '1',
      '--json',
    ]);
    expect(k.extrapolates).toBe(false);
    for (const row of k.final) expect(row.change).toBe(0);
  });

  it('refuses an enzyme that is not a control of the model with one line and exit code 2', () => {
    const r = runCli(['knockout', '--model-file', model, '--data', data, '--enzyme', 'HMGR']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^error: kinetica knockout: 'HMGR' is not a control of .*model\.json \(controls: P, Q\)$/m,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
