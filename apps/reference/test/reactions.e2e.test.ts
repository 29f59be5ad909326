import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReactions } from '../src/pipeline/reaction-file';
import { listing, runCli, smallTable, smallTrainArgs, tempDir } from './cli-helpers';

const trainArgs = (data: string, out: string, reactions: string) => [
  ...smallTrainArgs(data, out, { epochs: '10', reactions }),
  '--quiet',
];

describe('reaction files for the S·r_θ model', () => {
  it('the limonene example reads into S (states × reactions) with the protein of each rate', () => {
    const states = ['Acetyl-CoA', 'HMG-CoA', 'Mevalonate', 'Mev-P', 'IPP/DMAPP', 'Limonene'];
    const controls = ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'PMD', 'PMK'];
    const r = readReactions(resolve(import.meta.dirname, '../examples/limonene.reactions'), states, controls);
    expect(r.S).toEqual([
      [1, -3, 0, 0, 0, 0, -1, 0],
      [0, 1, -1, 0, 0, 0, 0, 0],
      [0, 0, 1, -1, 0, 0, 0, 0],
      [0, 0, 0, 1, -1, 0, 0, 0],
      [0, 0, 0, 0, 1, -2, 0, 0],
      [0, 0, 0, 0, 0, 1, 0, -1],
    ]);
    expect(r.enzymes).toEqual([null, 3, 2, 6, 7, 5, null, null]);
    expect(r.massAction).toBe(true);
  });

  it('kinetica train --reactions fits S·r_θ, stores it in model.json, and predict reproduces it', () => {
    const dir = tempDir('reactions');
    const data = join(dir, 'data.csv');
    writeFileSync(data, smallTable());
    const net = join(dir, 'toy.reactions');
    writeFileSync(net, '$X -> A @ P\nA -> B @ Q\nB ->\n');
    const run = join(dir, 'run');
    const t = runCli(trainArgs(data, run, net));
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const model = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8'));
    expect(model.neural.ensemble.members[0].spec.stoichiometry.S).toEqual([
      [1, -1, 0],
      [0, 1, -1],
    ]);
    const again = join(dir, 'again');
    const p = runCli(['predict', '--model', join(run, 'model.json'), '--data', data, '--out', again]);
    expect(p.code).toBe(0);
    expect(readFileSync(join(again, 'predictions.csv'), 'utf8')).toBe(
      readFileSync(join(run, 'predictions.csv'), 'utf8'),
    );
    // Rates first order in their substrates: with A → B knocked out, B drains towards 0 but never
    // below it (a rate that did not vanish with its substrate would drive B negative).
    const k = runCli([
      'knockout',
      '--model-file',
      join(run, 'model.json'),
      '--data',
      data,
      '--strain',
      'G3',
      '--enzyme',
      'Q',
      '--factor',
      '0',
      '--json',
    ]);
    expect(k.code).toBe(0);
    const final = JSON.parse(k.stdout).final as { species: string; perturbed: number }[];
    expect(final.find((r) => r.species === 'B')!.perturbed).toBeGreaterThanOrEqual(0);
  });

  const bad: Array<{ name: string; text: string; expect: RegExp }> = [
    {
      name: 'an unknown protein',
      text: 'A -> B @ Zed\n',
      expect: /bad\.reactions:1:\d+: 'Zed' is not one of the controls/,
    },
    {
      name: 'a species that is not a state',
      text: 'A -> C @ P\n',
      expect: /bad\.reactions:1: species 'C' is not one of the states/,
    },
    { name: 'a line without an arrow', text: 'A -> B\nA + B\n', expect: /bad\.reactions:2: no '->'/ },
    { name: 'no reactions', text: '# nothing\n', expect: /bad\.reactions: no reactions/ },
  ];
  for (const c of bad) {
    it(`refuses a reaction file with ${c.name}: one line, exit 3, output folder untouched`, () => {
      const dir = tempDir('reactions-bad');
      const data = join(dir, 'data.csv');
      writeFileSync(data, smallTable());
      const net = join(dir, 'bad.reactions');
      writeFileSync(net, c.text);
      const out = join(dir, 'out');
      mkdirSync(out);
      writeFileSync(join(out, 'keep.txt'), 'precious');
      const before = listing(out);
      const r = runCli(trainArgs(data, out, net));
      expect(r.code).toBe(3);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(c.expect);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(listing(out)).toEqual(before);
    });
  }
});
