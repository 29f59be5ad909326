import { describe, expect, it } from 'vitest';
import { readSbml } from './document';
import { compileSbml } from './ode-model';
import { setSbmlValues } from './write-values';

const L3 = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
  <model id="m">
    <listOfCompartments><compartment id="cell" spatialDimensions="3" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="cell" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="cell" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <!-- <parameter id="k" value="99" constant="true"/> a comment that looks like an element -->
      <parameter id="k" value="0.5" constant="true"/>
      <parameter id="unset" constant="true"/>
    </listOfParameters>
    <listOfReactions>
      <reaction id="r1" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><ci>k</ci><ci>kl</ci><ci>A</ci><ci>cell</ci></apply></math>
          <listOfLocalParameters><localParameter id="kl" value='2'/></listOfLocalParameters>
        </kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`;

const paramValue = (xml: string, id: string) => {
  const ode = compileSbml(readSbml(xml));
  return ode.paramValues()[ode.params.findIndex((p) => p.id === id)]!;
};

describe('setSbmlValues', () => {
  it('sets global and local parameters and compartment sizes, and changes nothing else', () => {
    const out = setSbmlValues(L3, { k: 0.123456789012345, 'r1.kl': 3.5, cell: 2, unset: 7 });
    expect(paramValue(out, 'k')).toBe(0.123456789012345);
    expect(paramValue(out, 'r1.kl')).toBe(3.5);
    expect(paramValue(out, 'cell')).toBe(2);
    // The comment is untouched; only the four start tags differ.
    expect(out).toContain('<parameter id="k" value="99" constant="true"/> a comment');
    const changed = out.split('\n').filter((line, i) => line !== L3.split('\n')[i]);
    expect(changed).toHaveLength(4);
    expect(out).toContain('<parameter id="unset" constant="true" value="7"/>');
    expect(out).toContain(`<localParameter id="kl" value="3.5"/>`);
  });

  it('reads Level 2 local parameters inside kineticLaw as REACTION.ID', () => {
    const l2 = L3.replace(
      '<listOfLocalParameters><localParameter id="kl" value=\'2\'/></listOfLocalParameters>',
      '<listOfParameters><parameter id="kl" value="2"/></listOfParameters>',
    );
    const out = setSbmlValues(l2, { 'r1.kl': 5 });
    expect(out).toContain('<parameter id="kl" value="5"/>');
    expect(out).toContain('<parameter id="k" value="0.5" constant="true"/>');
  });

  it('refuses an id the document does not have, and a value that is not finite', () => {
    expect(() => setSbmlValues(L3, { kl: 1 })).toThrow(/'kl' is not a global parameter/);
    expect(() => setSbmlValues(L3, { 'r2.kl': 1 })).toThrow(/'r2.kl'/);
    expect(() => setSbmlValues(L3, { k: Number.NaN })).toThrow(/must be finite/);
  });
});
