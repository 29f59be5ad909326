/**
 * `kinetica train --hybrid` as a user runs it: a mechanism A → B (rate k·E·A, E a protein level
 * from the table) whose k is off by 2×, on data from a truth with a first-order loss of B that the
 * mechanism lacks. The hybrid fits k and learns the loss; its model.json predicts again with
 * `kinetica predict`; bad input gives one line and writes nothing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli-helpers';

const K = 0.2;
const LOSS = 0.15;

function model(k: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="conversion">
    <listOfCompartments><compartment id="cell" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" name="substrate" compartment="cell" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" name="product" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="${k}" constant="true"/>
      <parameter id="E" name="Enzyme" value="1" constant="true"/>
    </listOfParameters>
    <listOfReactions>
      <reaction id="convert" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>E</ci><ci>A</ci><ci>cell</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>
`;
}

/** The truth, A' = −kEA, B' = kEA − λB, in closed form. */
function table(): string {
  const lines = ['Strain,Hour,substrate,product,Enzyme'];
  for (const [g, e, a0] of [
    ['S1', 1, 2],
    ['S2', 0.5, 1.5],
    ['S3', 0.6, 1.8],
  ] as const) {
    const r = K * e;
    for (let t = 0; t <= 24; t += 2) {
      const a = a0 * Math.exp(-r * t);
      const b = ((r * a0) / (LOSS - r)) * (Math.exp(-r * t) - Math.exp(-LOSS * t));
      lines.push(`${g},${t},${a},${b},${e}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const dir = tempDir('hybrid');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sbml = join(dir, 'conversion.xml');
const data = join(dir, 'data.csv');
writeFileSync(sbml, model(K / 2));
writeFileSync(data, table());
const columns = [
  '--data',
  data,
  '--time',
  'Hour',
  '--group',
  'Strain',
  '--states',
  'substrate,product',
  '--controls',
  'Enzyme',
];

describe('kinetica train --hybrid', () => {
  it('trains the mechanism and its correction, scores the held-out strain, and predicts again from model.json', () => {
    const out = join(dir, 'out');
    const r = runCli([
      'train',
      ...columns,
      ...[
        '--train',
        'S1,S2',
        '--test',
        'S3',
        '--hybrid',
        sbml,
        '--epochs',
        '300',
        '--hidden',
        '8',
        '--seed',
        '3',
      ],
      ...['--out', out, '--quiet'],
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.model.structure).toBe('hybrid');
    const h = metrics.model.hybrid;
    expect(h.sbml).toBe('conversion.xml');
    expect(h.mechanisticParameters).toBe(1);
    // The mechanistic stage finds k (the start is 2× off); the correction then learns B's loss.
    expect(h.loss.mechanistic).toBeLessThan(0.5 * h.loss.start);
    expect(h.loss.final).toBeLessThan(0.05 * h.loss.mechanistic);
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(modelJson.neural.format).toBe('kinetica-hybrid-fit');
    const { trained, hybrid } = modelJson.neural;
    expect(trained).toEqual(['k']);
    const k = hybrid.theta[hybrid.spec.trainable[0]];
    // k and the correction are not separately identifiable (the network may take over part of k's role): k is only required to stay positive and finite.
    expect(k).toBeGreaterThan(0);
    expect(metrics.test.S3.overallNrmse).toBeLessThan(0.2);
    // predict with the saved model reproduces train's predictions.
    const again = join(dir, 'again');
    const p = runCli([
      'predict',
      '--model',
      join(out, 'model.json'),
      '--data',
      data,
      '--test',
      'S3',
      '--out',
      again,
    ]);
    expect(p.stderr).toMatch(/^wrote /);
    expect(p.code).toBe(0);
    const predicted = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[4]));
    const a = predicted(join(out, 'predictions.csv'));
    const b = predicted(join(again, 'predictions.csv'));
    expect(b).toHaveLength(a.length);
    // The same solves to the bit (model.json keeps ln θ as trained: exp then ln may move an ulp,
    // and an adaptive solver turns that into differences at the level of its tolerance).
    expect(b).toEqual(a);
  });

  describe('bad input: one line, exit code, nothing written', () => {
    const cases: [string, () => string[], RegExp][] = [
      [
        'a state column the model does not have',
        () => ['--hybrid', sbml, ...columns.slice(0, 7), 'substrate,product,X', '--controls', 'Enzyme'],
        /conversion\.xml: state column 'X' matches no species/,
      ],
      [
        'a control column that names no parameter',
        () => ['--hybrid', sbml, ...columns.slice(0, 8), '--controls', 'Enzyme,Other'],
        /conversion\.xml: control column 'Other' matches no constant parameter/,
      ],
      [
        '--hybrid with --ensemble',
        () => ['--hybrid', sbml, ...columns, '--ensemble', '3'],
        /--ensemble does not apply to --hybrid/,
      ],
      [
        'a file that is not SBML',
        () => {
          const f = join(dir, 'not.xml');
          writeFileSync(f, '<html><body>hello</body></html>');
          return ['--hybrid', f, ...columns];
        },
        /not\.xml: /,
      ],
      [
        '--hidden 100000000 (a network that cannot be allocated)',
        () => ['--hybrid', sbml, ...columns, '--hidden', '100000000', '--quiet'],
        /--hidden 100000000: .*more than the limit/,
      ],
      [
        '--epochs 1000000000, over the limit',
        () => ['--hybrid', sbml, ...columns, '--epochs', '1000000000', '--quiet'],
        /--epochs: 1000000000 is more than the limit/,
      ],
    ];
    for (const [name, args, message] of cases) {
      it(name, () => {
        const out = join(dir, `bad-${name.length}`);
        const r = runCli(['train', ...args(), '--train', 'S1,S2', '--test', 'S3', '--out', out]);
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
