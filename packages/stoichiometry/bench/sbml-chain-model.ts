/**
 * The reversible mass-action chain S1 ⇌ S2 ⇌ … ⇌ Sn as an SBML Level 3 Version 2 document: one
 * compartment `cell` of size 1, species in amounts (hasOnlySubstanceUnits false, so rate laws read
 * concentrations), S1 starting at 1 and the others at 0, global parameters `kf` and `kr`, and n − 1
 * reactions Rk: Sk ⇌ Sk+1 with the rate law cell·(kf·Sk − kr·Sk+1). The total amount is conserved.
 * Used by the large-model benchmark (`sbml-chain.ts`) and the tests of the Jacobian's sparsity.
 */
export function reversibleChainSbml(n: number, kf = 1, kr = 0.5): string {
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`reversibleChainSbml: n must be an integer ≥ 2, got ${n}`);
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">',
    `<model id="chain_${n}">`,
    '<listOfCompartments><compartment id="cell" size="1" constant="true"/></listOfCompartments>',
    '<listOfSpecies>',
  ];
  for (let k = 1; k <= n; k++) {
    parts.push(
      `<species id="S${k}" compartment="cell" initialAmount="${k === 1 ? 1 : 0}" ` +
        'hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>',
    );
  }
  parts.push(
    '</listOfSpecies>',
    '<listOfParameters>',
    `<parameter id="kf" value="${kf}" constant="true"/>`,
    `<parameter id="kr" value="${kr}" constant="true"/>`,
    '</listOfParameters>',
    '<listOfReactions>',
  );
  const ci = (x: string): string => `<ci>${x}</ci>`;
  for (let k = 1; k < n; k++) {
    parts.push(
      `<reaction id="R${k}" reversible="true">`,
      `<listOfReactants><speciesReference species="S${k}" stoichiometry="1" constant="true"/></listOfReactants>`,
      `<listOfProducts><speciesReference species="S${k + 1}" stoichiometry="1" constant="true"/></listOfProducts>`,
      '<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">',
      `<apply><times/>${ci('cell')}<apply><minus/>`,
      `<apply><times/>${ci('kf')}${ci(`S${k}`)}</apply>`,
      `<apply><times/>${ci('kr')}${ci(`S${k + 1}`)}</apply>`,
      '</apply></apply></math></kineticLaw>',
      '</reaction>',
    );
  }
  parts.push('</listOfReactions>', '</model>', '</sbml>');
  return `${parts.join('\n')}\n`;
}
