import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultCsv } from '@kinetica/stoichiometry';
import { describe, expect, it } from 'vitest';
import { appDir, listing, runCli, tempDir } from './cli-helpers';

const suite = join(
  process.env.KINETICA_SHARED ?? join(appDir, '..', '..', '..', 'shared'),
  'sbml-test-suite',
);
const haveSuite = existsSync(suite);
if (!haveSuite) console.warn(`simulate --sbml e2e: ${suite} not found; skipping the SBML Test Suite case`);

describe('kinetica simulate', () => {
  it.skipIf(!haveSuite)(
    'follows the SBML Test Suite layout and matches the expected results of case 00001',
    () => {
      const dir = join(suite, '00001');
      const sbml = ['00001-sbml-l3v1.xml', '00001-sbml-l3v2.xml', '00001-sbml-l2v4.xml']
        .map((f) => join(dir, f))
        .find(existsSync)!;
      const out = join(tempDir('sbml'), 'results.csv');
      const r = runCli([
        'simulate',
        '--sbml',
        sbml,
        '--settings',
        join(dir, '00001-settings.txt'),
        '--out',
        out,
      ]);
      expect(r.code).toBe(0);
      const got = parseResultCsv(readFileSync(out, 'utf8'));
      const want = parseResultCsv(readFileSync(join(dir, '00001-results.csv'), 'utf8'));
      expect(got.header).toEqual(want.header);
      expect(got.rows).toHaveLength(want.rows.length);
      for (let i = 0; i < want.rows.length; i++) {
        for (let j = 0; j < want.header.length; j++) {
          expect(Math.abs(got.rows[i]![j]! - want.rows[i]![j]!)).toBeLessThanOrEqual(
            1e-10 + 1e-6 * Math.abs(want.rows[i]![j]!),
          );
        }
      }
    },
  );

  it('simulates the built-in limonene model, and a knockout of MK stops flux below Mev-P', () => {
    const dir = tempDir('lim');
    const r = runCli(['simulate', '--model', 'limonene', '--out', join(dir, 'wt.csv'), '--points', '13']);
    expect(r.code).toBe(0);
    const wt = parseResultCsv(readFileSync(join(dir, 'wt.csv'), 'utf8'));
    expect(wt.header[0]).toBe('time');
    expect(wt.rows).toHaveLength(13);
    const k = runCli([
      'simulate',
      '--model',
      'limonene',
      '--enzymes',
      'MK=0',
      '--out',
      join(dir, 'ko.csv'),
      '--points',
      '13',
    ]);
    expect(k.code).toBe(0);
    const ko = parseResultCsv(readFileSync(join(dir, 'ko.csv'), 'utf8'));
    const col = (t: typeof wt, name: string) => t.header.indexOf(name);
    const last = wt.rows.length - 1;
    // Without mevalonate kinase, mevalonate piles up and Mev-P is only drained.
    expect(ko.rows[last]![col(ko, 'Mevalonate')]!).toBeGreaterThan(wt.rows[last]![col(wt, 'Mevalonate')]!);
    expect(ko.rows[last]![col(ko, 'Mev-P')]!).toBeLessThan(wt.rows[0]![col(wt, 'Mev-P')]! + 1e-12);
  });

  it('refuses a missing SBML file with one line naming it', () => {
    const r = runCli([
      'simulate',
      '--sbml',
      '/nonexistent/model.xml',
      '--settings',
      '/nonexistent/s.txt',
      '--out',
      '/tmp/x.csv',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\/nonexistent\/model\.xml/);
  });
});

describe('kinetica --help', () => {
  it('documents every command', () => {
    for (const c of ['demo', 'train', 'predict', 'simulate', 'diagnose', 'knockout', 'bench']) {
      const r = runCli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^kinetica ${c}: `));
      expect(r.stdout).toMatch(/usage: kinetica/);
    }
  });

  it('rejects an unknown option naming it, with exit code 2', () => {
    const r = runCli(['demo', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --bogus/);
  });

  it('rejects an unknown --method before doing any work, naming the choices, with exit code 2', () => {
    const dir = tempDir('bad-method');
    const cases: Array<[string[], RegExp]> = [
      [['demo', '--quick', '--out', join(dir, 'demo')], /rk4, dopri5, euler, map, .*rodas5/],
      [['simulate', '--model', 'limonene', '--out', join(dir, 'sim.csv')], /euler, rk4, .*ros23, auto/],
      [['knockout', '--enzyme', 'MK'], /euler, rk4, .*ros23, auto/],
      [
        [
          'train',
          '--data',
          'x.csv',
          '--time',
          'T',
          '--group',
          'G',
          '--states',
          'A',
          '--controls',
          'P',
          '--train',
          'a',
          '--test',
          'b',
          '--out',
          join(dir, 'train'),
        ],
        /rk4, dopri5, euler, map, .*rodas5/,
      ],
    ];
    for (const [args, choices] of cases) {
      const r = runCli([...args, '--method', 'rk45']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^error: kinetica ${args[0]}: --method must be one of `));
      expect(r.stderr).toMatch(choices);
      expect(r.stderr).toMatch(/got 'rk45'$/m);
      expect(r.stdout).toBe('');
    }
    expect(listing(dir)).toEqual([]);
  });
});

describe('kinetica simulate refuses unsupported SBML', () => {
  it('names the file and the element (<algebraicRule>) in one line, exit code 3, and writes nothing', () => {
    const dir = tempDir('sbml-algebraic');
    const model = join(dir, 'algebraic.xml');
    const settings = join(dir, 'settings.txt');
    writeFileSync(
      model,
      `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1"><model id="m">
<listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="S" compartment="c" initialAmount="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
<listOfParameters><parameter id="x" value="1" constant="false"/></listOfParameters>
<listOfRules><algebraicRule><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><minus/><ci>x</ci><ci>S</ci></apply></math></algebraicRule></listOfRules>
</model></sbml>
`,
    );
    writeFileSync(
      settings,
      'start: 0\nduration: 2\nsteps: 2\nvariables: S\nabsolute: 1e-6\nrelative: 1e-4\namount: S\nconcentration:\n',
    );
    const out = join(dir, 'results.csv');
    const r = runCli(['simulate', '--sbml', model, '--settings', settings, '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/algebraic\.xml: .*<algebraicRule>/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('kinetica simulate with an SBML event', () => {
  it('a feed at t = 1 (S set to 5) is applied exactly there: S(2) = 5·e^−1', () => {
    const dir = tempDir('sbml-feed');
    const model = join(dir, 'feed.xml');
    const settings = join(dir, 'settings.txt');
    const time = '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol>';
    writeFileSync(
      model,
      `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="m">
<listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="S" compartment="c" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>
<listOfRules><rateRule variable="S"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><cn>-1</cn><ci>S</ci></apply></math></rateRule></listOfRules>
<listOfEvents><event id="feed" useValuesFromTriggerTime="true"><trigger initialValue="true" persistent="true"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><gt/>${time}<cn>1</cn></apply></math></trigger>
<listOfEventAssignments><eventAssignment variable="S"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>5</cn></math></eventAssignment></listOfEventAssignments></event></listOfEvents>
</model></sbml>
`,
    );
    writeFileSync(
      settings,
      'start: 0\nduration: 2\nsteps: 4\nvariables: S\nabsolute: 1e-10\nrelative: 1e-8\namount: S\nconcentration:\n',
    );
    const out = join(dir, 'results.csv');
    const r = runCli(['simulate', '--sbml', model, '--settings', settings, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const got = parseResultCsv(readFileSync(out, 'utf8'));
    const s = got.header.indexOf('S');
    const want = [1, Math.exp(-0.5), Math.exp(-1), 5 * Math.exp(-0.5), 5 * Math.exp(-1)];
    expect(got.rows.map((row) => row[0])).toEqual([0, 0.5, 1, 1.5, 2]);
    got.rows.forEach((row, i) => {
      expect(Math.abs(row[s]! - want[i]!), `t=${row[0]}`).toBeLessThan(1e-6 * want[i]!);
    });
  });
});
