/**
 * `kinetica fit` as a user runs it: an SBML model whose parameters are off by 3×, time courses of
 * two experiments simulated with the true values (one species unobserved), fit.json and
 * fitted.xml; then each bad input of issue 19's acceptance 5 gives one line and writes nothing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSbml, readSbml, simulateSbml } from '@kinetica/stoichiometry';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli-helpers';

/** A → B (global k1) → C (local k2 of r2, Level 3), in a compartment of size 2 (concentrations). */
function chainSbml(k1: number, k2: number, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1"${extra}>
  <model id="chain">
    <listOfCompartments><compartment id="cell" spatialDimensions="3" size="2" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="C" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k1" value="${k1}" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="r1" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k1</ci><ci>A</ci><ci>cell</ci></apply></math></kineticLaw>
      </reaction>
      <reaction id="r2" reversible="false">
        <listOfReactants><speciesReference species="B" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="C" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k2</ci><ci>B</ci><ci>cell</ci></apply></math>
          <listOfLocalParameters><localParameter id="k2" value="${k2}"/></listOfLocalParameters>
        </kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>
`;
}

const TRUTH = { k1: 0.7, k2: 0.25 };
const dir = tempDir('fit');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The true model's concentrations of A and C at 0, 0.5, …, 6 from A(0) = a0. */
function experiment(group: string, a0: number): string[] {
  const xml = chainSbml(TRUTH.k1, TRUTH.k2).replace(
    'initialConcentration="1"',
    `initialConcentration="${a0}"`,
  );
  const sim = simulateSbml(
    xml,
    {
      start: 0,
      duration: 6,
      steps: 12,
      variables: ['A', 'C'],
      absolute: 1e-12,
      relative: 1e-10,
      amount: [],
      concentration: ['A', 'C'],
    },
    { method: 'radau5', rtol: 1e-12, atol: 1e-14 },
  );
  expect(sim.status).toBe('success');
  return sim.rows.map((r) => `${group},${r[0]},${r[1]},${r[2]}`);
}

describe('kinetica fit', () => {
  const model = join(dir, 'chain.xml');
  const data = join(dir, 'data.csv');
  writeFileSync(model, chainSbml(3 * TRUTH.k1, TRUTH.k2 / 3));
  writeFileSync(data, ['Run,time,A,C', ...experiment('E1', 1), ...experiment('E2', 0.4)].join('\n'));

  it('recovers a global and a local parameter from two experiments, writes fit.json and fitted.xml', () => {
    const out = join(dir, 'out');
    const r = runCli([
      'fit',
      ...['--sbml', model, '--data', data, '--time', 'time', '--group', 'Run'],
      ...['--params', 'k1,r2.k2', '--out', out, '--json'],
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const fit = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(fit);
    expect(fit.status).toBe('success');
    expect(fit.observations).toBe(2 * 2 * 13);
    expect(Math.abs(fit.parameters.k1 / TRUTH.k1 - 1)).toBeLessThan(1e-4);
    expect(Math.abs(fit.parameters['r2.k2'] / TRUTH.k2 - 1)).toBeLessThan(1e-4);
    // fitted.xml is the model with the fitted values and nothing else changed.
    const fitted = readFileSync(join(out, 'fitted.xml'), 'utf8');
    const ode = compileSbml(readSbml(fitted));
    const value = (id: string) => ode.paramValues()[ode.params.findIndex((p) => p.id === id)];
    expect(value('k1')).toBe(fit.parameters.k1);
    expect(value('r2.k2')).toBe(fit.parameters['r2.k2']);
    expect(fitted.replace(/value="[^"]*"/g, '')).toBe(
      readFileSync(model, 'utf8').replace(/value="[^"]*"/g, ''),
    );
  });

  it('gives profile-likelihood intervals around the estimates', () => {
    const noisy = join(dir, 'noisy.csv');
    const rows = readFileSync(data, 'utf8').trim().split('\n');
    let s = 1;
    const noise = () => {
      s = (s * 16807) % 2147483647;
      return (s / 2147483647 - 0.5) * 0.02;
    };
    writeFileSync(
      noisy,
      [
        rows[0],
        ...rows.slice(1).map((l) =>
          l
            .split(',')
            .map((c, i) => (i >= 2 ? String(Number(c) * (1 + noise())) : c))
            .join(','),
        ),
      ].join('\n'),
    );
    const out = join(dir, 'profile');
    const r = runCli([
      'fit',
      ...['--sbml', model, '--data', noisy, '--time', 'time', '--group', 'Run'],
      ...['--params', 'k1,r2.k2', '--profile', '--out', out, '--quiet'],
    ]);
    expect(r.code).toBe(0);
    const fit = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(fit.level).toBe(0.95);
    for (const id of ['k1', 'r2.k2']) {
      const iv = fit.intervals[id];
      expect(iv.lowerFound && iv.upperFound).toBe(true);
      expect(iv.lower).toBeLessThan(fit.parameters[id]);
      expect(iv.upper).toBeGreaterThan(fit.parameters[id]);
      expect(iv.upper / iv.lower).toBeLessThan(1.5);
    }
  });

  describe('bad input: one line, exit code, nothing written', () => {
    const cases: [string, () => string[], RegExp][] = [
      [
        'an SBML file with an unsupported package',
        () => {
          const f = join(dir, 'fbc.xml');
          writeFileSync(
            f,
            chainSbml(
              1,
              1,
              ' xmlns:fbc="http://www.sbml.org/sbml/level3/version1/fbc/version2" fbc:required="false"',
            ),
          );
          return ['--sbml', f, '--data', data, '--params', 'k1'];
        },
        /fbc\.xml: .*package "fbc" is not supported/,
      ],
      [
        'a --params id that is not a parameter',
        () => ['--sbml', model, '--data', data, '--params', 'k1,kx'],
        /--params 'kx' is not a parameter of .*chain\.xml \(parameters: .*k1.*r2\.k2/,
      ],
      [
        'data columns that match no species',
        () => {
          const f = join(dir, 'cols.csv');
          writeFileSync(f, readFileSync(data, 'utf8').replace('Run,time,A,C', 'Run,time,A,Z'));
          return ['--sbml', model, '--data', f, '--params', 'k1'];
        },
        /cols\.csv:1:12: column 'Z' matches no species of .*chain\.xml \(species: A, B, C\)/,
      ],
      [
        'a group with one time point',
        () => {
          const f = join(dir, 'one.csv');
          writeFileSync(f, `${readFileSync(data, 'utf8').trimEnd()}\nE3,0,1,0\n`);
          return ['--sbml', model, '--data', f, '--params', 'k1'];
        },
        /one\.csv:28:1: group "E3" has 1 time point; at least 2 are needed/,
      ],
    ];
    for (const [name, args, message] of cases) {
      it(name, () => {
        const out = join(dir, `bad-${name.length}`);
        const r = runCli(['fit', ...args(), '--time', 'time', '--group', 'Run', '--out', out]);
        expect(r.code).toBeGreaterThan(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^error: /);
        expect(lines[0]).toMatch(message);
        expect(existsSync(out)).toBe(false);
      });
    }
  });
});
