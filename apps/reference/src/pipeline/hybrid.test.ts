import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@kinetica/autodiff-ode';
import { limoneneModel } from '@kinetica/stoichiometry';
import { describe, expect, it } from 'vitest';
import { compileHybridSbml, initialState } from './hybrid';

const example = join(__dirname, '..', '..', 'examples', 'limonene.xml');
const STATES = ['Acetyl-CoA', 'HMG-CoA', 'Mevalonate', 'Mev-P', 'IPP/DMAPP', 'Limonene'];
const CONTROLS = ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'PMD', 'PMK'];

describe('examples/limonene.xml bound to the limonene table', () => {
  const h = compileHybridSbml(readFileSync(example, 'utf8'), 'limonene.xml', {
    states: STATES,
    controls: CONTROLS,
  });

  it('matches columns by name, reads IPP/DMAPP as the pool IPP + DMAPP, trains the 35 kinetic parameters', () => {
    expect(h.binding.observables.map((o) => o.symbol)).toEqual([
      'AcCoA',
      'HMGCoA',
      'Mev',
      'MevP',
      'IPP_DMAPP',
      'Lim',
    ]);
    expect(h.binding.controls).toEqual(['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'LS', 'MK', 'PMD', 'PMK']);
    const pool = h.observables[4]!;
    expect(pool.states.map((j) => h.stateNames[j])).toEqual(['IPP', 'DMAPP']);
    expect(pool.coefficients).toEqual([1, 1]);
    expect(h.trainable).toHaveLength(35);
    expect(h.trainableIds).not.toContain('LS');
    expect(h.trainableIds).toContain('enzymeScale');
  });

  it('is the built-in limoneneModel (enzyme levels ×1000) to round-off, at random states and levels', () => {
    const builtIn = limoneneModel();
    const rng = createRng(4);
    const theta = Float64Array.from(h.mechanistic.params);
    const a = new Float64Array(10);
    const b = new Float64Array(10);
    for (let trial = 0; trial < 25; trial++) {
      const x = Float64Array.from({ length: 10 }, () => Math.abs(rng.normal()));
      const u = Float64Array.from({ length: 9 }, () => 1000 * Math.exp(3 * rng.normal()));
      h.mechanistic.f(0, x, u, theta, a);
      builtIn.f(
        0,
        x,
        u.map((v) => 1000 * v),
        b,
      );
      for (let j = 0; j < 10; j++)
        expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(b[j]!) + 1e-300);
    }
  });

  it('splits a pooled initial value as the model splits it, keeps unmeasured species at the model values', () => {
    const y = initialState(h, [0.5, 0.01, 0.02, 0.03, 0.7, Number.NaN]);
    const at = (id: string) => y[h.stateNames.indexOf(id)]!;
    expect(at('AcCoA')).toBe(0.5);
    // The model starts at IPP 0.04, DMAPP 0.03.
    expect(at('IPP')).toBeCloseTo((0.7 * 4) / 7, 14);
    expect(at('DMAPP')).toBeCloseTo((0.7 * 3) / 7, 14);
    expect(at('AcAcCoA')).toBe(0.002);
    expect(at('Lim')).toBe(0);
  });
});

const tiny = (extra: string, rules = '', events = '') => `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="m">
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="c" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="0.5" constant="true"/>
      <parameter id="E" name="enzyme" value="1" constant="true"/>
      ${extra}
    </listOfParameters>
    ${rules}
    <listOfReactions>
      <reaction id="r" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>E</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
    ${events}
  </model>
</sbml>`;

describe('binding errors: one line naming the file and the column', () => {
  const bind =
    (xml: string, states: string[], controls: string[] = []) =>
    () =>
      compileHybridSbml(xml, 'm.xml', { states, controls });

  it('a state column that is no species and no assignment-rule parameter', () => {
    expect(bind(tiny(''), ['A', 'Z'])).toThrow(/^m\.xml: state column 'Z' matches no species/);
  });
  it('a control column that names no constant parameter', () => {
    expect(bind(tiny(''), ['A'], ['enzyme', 'HMGR'])).toThrow(
      /^m\.xml: control column 'HMGR' matches no constant parameter/,
    );
    // By name: 'enzyme' is E, which is then not trained.
    const h = compileHybridSbml(tiny(''), 'm.xml', { states: ['A'], controls: ['enzyme'] });
    expect(h.trainableIds).toEqual(['k']);
  });
  it('an observable that is not linear in the species', () => {
    const xml = tiny(
      '<parameter id="AB" constant="false"/>',
      '<listOfRules><assignmentRule variable="AB"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>A</ci><ci>B</ci></apply></math></assignmentRule></listOfRules>',
    );
    expect(bind(xml, ['AB'])).toThrow(/^m\.xml: 'AB' is not a sum of the model's species/);
    const sum = xml.replace('<times/>', '<plus/>');
    expect(compileHybridSbml(sum, 'm.xml', { states: ['AB'], controls: [] }).observables[0]).toEqual({
      states: [0, 1],
      coefficients: [1, 1],
    });
  });
  it('a model with events', () => {
    const events =
      '<listOfEvents><event id="feed" useValuesFromTriggerTime="true"><trigger initialValue="false" persistent="true"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><geq/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>4</cn></apply></math></trigger><listOfEventAssignments><eventAssignment variable="A"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>2</cn></math></eventAssignment></listOfEventAssignments></event></listOfEvents>';
    expect(bind(tiny('', '', events), ['A'])).toThrow(/^m\.xml: the model has 1 event\(s\)/);
  });
});
