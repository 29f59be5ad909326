import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listing, runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';

/** smallTable() with the controls of group G3 multiplied by factors (full precision). */
function scaledTable(factors: { P: number; Q: number }): string {
  const lines = smallTable().trim().split('\n');
  return `${lines
    .map((line, i) => {
      if (i === 0) return line;
      const c = line.split(',');
      if (c[0] !== 'G3') return line;
      c[4] = String(Number(c[4]) * factors.P);
      c[5] = String(Number(c[5]) * factors.Q);
      return c.join(',');
    })
    .join('\n')}\n`;
}

/** The predicted value of `state` at `time` for `group` in a predictions.csv. */
function predictedAt(csv: string, group: string, time: number, state: string): number {
  const row = csv
    .trim()
    .split('\n')
    .map((l) => l.split(','))
    .find((c) => c[0] === group && Number(c[1]) === time && c[2] === state);
  if (!row) throw new Error(`no row ${group},${time},${state}`);
  return Number(row[4]);
}

describe('kinetica screen', () => {
  const dir = tempDir('screen');
  const data = join(dir, 'data.csv');
  const model = join(dir, 'run', 'model.json');
  const designs = join(dir, 'designs.csv');
  const factors: { name: string; P?: number; Q?: number }[] = [];

  beforeAll(() => {
    writeFileSync(data, smallTable());
    const t = runCli([...smallTrainArgs(data, join(dir, 'run'), { epochs: '5', ensemble: '2' }), '--quiet']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    // 50 designs; some leave out Q (factor 1), one has an empty cell.
    const lines = ['design,P,Q'];
    for (let d = 0; d < 50; d++) {
      const P = Number((0.5 + ((d * 0.37) % 1.5)).toFixed(3));
      const Q = Number((0.6 + ((d * 0.53) % 1.2)).toFixed(3));
      if (d === 7) {
        factors.push({ name: `d${d}`, P });
        lines.push(`d${d},${P},`);
      } else {
        factors.push({ name: `d${d}`, P, Q });
        lines.push(`d${d},${P},${Q}`);
      }
    }
    writeFileSync(designs, `${lines.join('\n')}\n`);
  }, 120_000);

  const screenArgs = (out: string, designsFile = designs, extra: string[] = []) => [
    'screen',
    '--model',
    model,
    '--designs',
    designsFile,
    '--data',
    data,
    '--base',
    'G3',
    '--target',
    'B',
    '--out',
    out,
    ...extra,
  ];

  it('ranks every design by the target, with predictions equal to kinetica predict', () => {
    const out = join(dir, 'screen');
    const r = runCli(screenArgs(out, designs, ['--json']));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim());
    // The MLP reads log(1 + u): a factor on a level is not one on the input, so no batched path.
    expect(summary).toMatchObject({ designs: 50, failed: 0, target: 'B', at: 24, batched: false });
    const lines = readFileSync(join(out, 'ranking.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('design,predicted,ood,inRange');
    const rows = lines.slice(1).map((l) => {
      const [design, predicted, ood, inRange] = l.split(',');
      return { design: design!, predicted: Number(predicted), ood: Number(ood), inRange: inRange! };
    });
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.design)).size).toBe(50);
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]!.predicted).toBeLessThanOrEqual(rows[i - 1]!.predicted);
    for (const row of rows) {
      expect(Number.isFinite(row.predicted)).toBe(true);
      expect(row.ood).toBeGreaterThanOrEqual(0);
      expect(row.inRange).toBe(String(row.ood <= summary.distanceThreshold));
    }
    // Three designs (the best, one with a missing factor, the last) against predict on a table
    // whose G3 controls are scaled by the same factors.
    for (const name of [rows[0]!.design, 'd7', rows[rows.length - 1]!.design]) {
      const f = factors.find((x) => x.name === name)!;
      const table = join(dir, `data-${name}.csv`);
      writeFileSync(table, scaledTable({ P: f.P ?? 1, Q: f.Q ?? 1 }));
      const pout = join(dir, `predict-${name}`);
      const p = runCli(['predict', '--model', model, '--data', table, '--out', pout]);
      expect(p.code).toBe(0);
      const expected = predictedAt(readFileSync(join(pout, 'predictions.csv'), 'utf8'), 'G3', 24, 'B');
      const got = rows.find((x) => x.design === name)!.predicted;
      expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
    }
    // Worker threads give the same file.
    const out2 = join(dir, 'screen-workers');
    const w = runCli(screenArgs(out2, designs, ['--workers', '2', '--json']));
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout.trim()).workers).toBe(1); // 50 designs: one thread is cheaper
    const d200 = join(dir, 'designs-200.csv');
    writeFileSync(
      d200,
      `design,P\n${Array.from({ length: 200 }, (_, d) => `e${d},${(0.5 + d / 200).toFixed(4)}`).join('\n')}\n`,
    );
    const one = runCli(screenArgs(join(dir, 'one'), d200, ['--workers', '1', '--quiet']));
    const two = runCli(screenArgs(join(dir, 'two'), d200, ['--workers', '2', '--json']));
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout.trim()).workers).toBe(2);
    expect(readFileSync(join(dir, 'two', 'ranking.csv'), 'utf8')).toBe(
      readFileSync(join(dir, 'one', 'ranking.csv'), 'utf8'),
    );
  }, 120_000);

  it('an S·r_θ model goes through the batched predictor: equal to predict, knockouts included, on 1 or 2 threads', () => {
    const net = join(dir, 'toy.reactions');
    writeFileSync(net, '$X -> A @ P\nA -> B @ Q\nB ->\n');
    const srModel = join(dir, 'sr', 'model.json');
    const t = runCli([
      ...smallTrainArgs(data, join(dir, 'sr'), { epochs: '5', ensemble: '3', reactions: net }),
      '--quiet',
    ]);
    expect(t.code).toBe(0);
    const file = join(dir, 'designs-sr.csv');
    const rows = ['design,P,Q', 'ko,0,1', 'half,0.5,1', 'up,2,1.5', 'qko,1.2,0'];
    for (let d = 0; d < 197; d++)
      rows.push(`s${d},${(0.3 + ((d * 0.41) % 2)).toFixed(3)},${(0.4 + ((d * 0.29) % 1.8)).toFixed(3)}`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const args = (out: string, extra: string[]) => [
      ...screenArgs(out, file, extra).map((a) => (a === model ? srModel : a)),
    ];
    const one = runCli(args(join(dir, 'sr-one'), ['--workers', '1', '--json']));
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout.trim())).toMatchObject({
      designs: 201,
      failed: 0,
      workers: 1,
      batched: true,
    });
    const two = runCli(args(join(dir, 'sr-two'), ['--workers', '2', '--json']));
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout.trim())).toMatchObject({ workers: 2, batched: true });
    const ranking = readFileSync(join(dir, 'sr-one', 'ranking.csv'), 'utf8');
    expect(readFileSync(join(dir, 'sr-two', 'ranking.csv'), 'utf8')).toBe(ranking);
    const got = new Map(
      ranking
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map((c) => [c[0]!, Number(c[1])] as const),
    );
    const values: number[] = [];
    for (const [name, P, Q] of [
      ['ko', 0, 1],
      ['up', 2, 1.5],
      ['qko', 1.2, 0],
    ] as const) {
      const table = join(dir, `sr-data-${name}.csv`);
      writeFileSync(table, scaledTable({ P, Q }));
      const pout = join(dir, `sr-predict-${name}`);
      expect(runCli(['predict', '--model', srModel, '--data', table, '--out', pout]).code).toBe(0);
      const expected = predictedAt(readFileSync(join(pout, 'predictions.csv'), 'utf8'), 'G3', 24, 'B');
      expect(Math.abs(got.get(name)! - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
      values.push(expected);
    }
    // The designs differ: a test comparing the base strain's prediction with itself would not.
    expect(Math.abs(values[0]! - values[1]!)).toBeGreaterThan(1e-6 * Math.abs(values[1]!));
    // --at inside the span: only the grid up to it is predicted; the value is predict's, linear
    // between the grid points around it.
    const at = runCli(args(join(dir, 'sr-at'), ['--workers', '1', '--at', '13.3', '--quiet']));
    expect(at.code).toBe(0);
    const upRow = readFileSync(join(dir, 'sr-at', 'ranking.csv'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('up,'))!;
    const curve = readFileSync(join(dir, 'sr-predict-up', 'predictions.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','))
      .filter((c) => c[0] === 'G3' && c[2] === 'B')
      .map((c) => [Number(c[1]), Number(c[4])] as const);
    const k = curve.findIndex(([t]) => t >= 13.3);
    expect(k).toBeGreaterThan(0);
    const [[t0, v0], [t1, v1]] = [curve[k - 1]!, curve[k]!];
    const w = (13.3 - t0) / (t1 - t0);
    const expected = (1 - w) * v0 + w * v1;
    expect(Math.abs(Number(upRow.split(',')[1]) - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
  }, 120_000);

  it('refuses bad designs with one line, exit 3 and nothing written', () => {
    const cases: [string, string, RegExp][] = [
      ['unknown', 'design,P,Z\na,1,1\n', /unknown.csv:1:\d+: unknown control 'Z'/],
      ['negative', 'design,P,Q\na,1,1\nb,-0.5,1\n', /negative.csv:3:\d+: factor of 'P' is negative/],
      ['empty', '', /empty.csv: no designs/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(dir, `${name}.csv`);
      writeFileSync(file, text);
      const out = join(dir, `bad-${name}`);
      const before = listing(dir).filter((f) => !f.startsWith('bad-'));
      const r = runCli(screenArgs(out, file));
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(listing(dir).filter((f) => !f.startsWith('bad-'))).toEqual(before);
    }
    const r = runCli(screenArgs(join(dir, 'bad-target'), designs, ['--target', 'Z']));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target 'Z' is not a state/);
    expect(existsSync(join(dir, 'bad-target'))).toBe(false);
  });
});
