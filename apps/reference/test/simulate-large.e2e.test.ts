import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultCsv } from '@kinetica/stoichiometry';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli-helpers';

/**
 * The reversible mass-action chain S1 ⇌ … ⇌ Sn in SBML L3V2 (as packages/stoichiometry/bench/
 * sbml-chain-model.ts writes it): one compartment of size 1, S1 = 1 and the others 0 at the start.
 */
function chainSbml(n: number): string {
  const species = Array.from(
    { length: n },
    (_, k) =>
      `<species id="S${k + 1}" compartment="cell" initialAmount="${k === 0 ? 1 : 0}" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>`,
  );
  const reactions = Array.from(
    { length: n - 1 },
    (_, k) => `<reaction id="R${k + 1}" reversible="true">
<listOfReactants><speciesReference species="S${k + 1}" stoichiometry="1" constant="true"/></listOfReactants>
<listOfProducts><speciesReference species="S${k + 2}" stoichiometry="1" constant="true"/></listOfProducts>
<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>cell</ci><apply><minus/>
<apply><times/><ci>kf</ci><ci>S${k + 1}</ci></apply><apply><times/><ci>kr</ci><ci>S${k + 2}</ci></apply>
</apply></apply></math></kineticLaw></reaction>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="chain">
<listOfCompartments><compartment id="cell" size="1" constant="true"/></listOfCompartments>
<listOfSpecies>${species.join('\n')}</listOfSpecies>
<listOfParameters><parameter id="kf" value="1" constant="true"/><parameter id="kr" value="0.5" constant="true"/></listOfParameters>
<listOfReactions>${reactions.join('\n')}</listOfReactions>
</model></sbml>
`;
}

describe('kinetica simulate --sbml without a settings file', () => {
  const dir = tempDir('sbml-large');
  const model = join(dir, 'chain.xml');
  const n = 2000;
  writeFileSync(model, chainSbml(n));

  it('simulates a 2,000-species chain: every species on evenly spaced points, mass conserved', () => {
    const out = join(dir, 'results.csv');
    const start = Date.now();
    const r = runCli(['simulate', '--sbml', model, '--t1', '10', '--points', '11', '--out', out, '--json']);
    const seconds = (Date.now() - start) / 1000;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ out, rows: 11, columns: n + 1 });
    expect(seconds).toBeLessThan(60);
    const table = parseResultCsv(readFileSync(out, 'utf8'));
    expect(table.header).toHaveLength(n + 1);
    expect(table.header.slice(0, 3)).toEqual(['time', 'S1', 'S2']);
    expect(table.header[n]).toBe(`S${n}`);
    expect(table.rows).toHaveLength(11);
    table.rows.forEach((row, i) => {
      expect(row).toHaveLength(n + 1);
      expect(row[0]).toBeCloseTo(i, 12);
      const total = row.slice(1).reduce((s, x) => s + x, 0);
      expect(Math.abs(total - 1)).toBeLessThan(1e-6);
    });
    // S1 leaves towards its neighbours: it falls, and S2 has risen.
    expect(table.rows[10]![1]!).toBeLessThan(0.5);
    expect(table.rows[10]![2]!).toBeGreaterThan(0.05);
  });

  it('defaults to 101 points', () => {
    const small = join(dir, 'small.xml');
    writeFileSync(small, chainSbml(3));
    const out = join(dir, 'small.csv');
    const r = runCli(['simulate', '--sbml', small, '--t1', '2', '--out', out]);
    expect(r.code).toBe(0);
    const table = parseResultCsv(readFileSync(out, 'utf8'));
    expect(table.header).toEqual(['time', 'S1', 'S2', 'S3']);
    expect(table.rows).toHaveLength(101);
    expect(table.rows[100]![0]).toBe(2);
  });

  it('names the option when --t1 or --points is bad or missing', () => {
    const out = join(dir, 'bad.csv');
    const cases: Array<[string[], RegExp]> = [
      [['--t1', '-1'], /option --t1 must be greater than 0, got -1/],
      [['--t1', '0'], /option --t1 must be greater than 0/],
      [['--t1', 'soon'], /option --t1 needs a number, got 'soon'/],
      [['--t1', '5', '--points', '1'], /option --points must be in \[2, /],
      [['--t1', '5', '--points', '2.5'], /option --points needs an integer, got '2.5'/],
      [['--points', '5'], /--sbml needs --t1 T/],
      [['--t1', '5', '--points', '20000'], /--points 20000: .*more than the limit/],
      [['--t1', '5', '--settings', model], /--t1 cannot be combined with --settings/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(['simulate', '--sbml', model, '--out', out, ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
  });
});
