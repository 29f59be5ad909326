import { odeGradient } from '@kinetica/adjoint';
import { solve } from '@kinetica/solvers-stiff';
import { compileSbml, readSbml } from '@kinetica/stoichiometry';
import { describe, expect, it } from 'vitest';

/**
 * A compiled SBML model plugs into odeGradient (issue 19, scope 2): A → B by Michaelis–Menten
 * (Vmax, Km global) and B → ∅ by mass action with a local rate constant, in a compartment of size 2
 * (species in concentration). The gradient of a loss on the solution is checked against central
 * differences of the same loss through `solve`.
 */
const mathml = (s: string) => `<math xmlns="http://www.w3.org/1998/Math/MathML">${s}</math>`;
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="mm">
    <listOfCompartments><compartment id="c" size="2" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="c" initialConcentration="0.5" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="Vmax" value="1.3" constant="true"/>
      <parameter id="Km" value="0.7" constant="true"/>
    </listOfParameters>
    <listOfReactions>
      <reaction id="r1" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw>${mathml('<apply><divide/><apply><times/><ci>c</ci><ci>Vmax</ci><ci>A</ci></apply><apply><plus/><ci>Km</ci><ci>A</ci></apply></apply>')}</kineticLaw>
      </reaction>
      <reaction id="r2" reversible="false">
        <listOfReactants><speciesReference species="B" stoichiometry="1" constant="true"/></listOfReactants>
        <kineticLaw>${mathml('<apply><times/><ci>c</ci><ci>k</ci><ci>B</ci></apply>')}
          <listOfLocalParameters><localParameter id="k" value="0.4"/></listOfLocalParameters>
        </kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>`;

describe('a compiled SBML model in odeGradient', () => {
  it('gives dL/dp equal to central differences of the solved loss', () => {
    const model = compileSbml(readSbml(XML));
    const d = model.derivatives();
    expect(d.params.map((q) => q.id)).toEqual(expect.arrayContaining(['Vmax', 'Km', 'r2.k']));
    const problem = d.problem({ t0: 0 });
    const times = [1, 2.5, 4];
    const target = [2, 1, 0.5];
    const lossOf = (y: ArrayLike<number>) => Array.from(y).reduce((s, v) => s + v * v, 0);
    const g = odeGradient(
      problem,
      {
        times,
        loss: (i, y) => target[i]! * lossOf(y),
        lossGrad: (i, y, out) => {
          for (let j = 0; j < y.length; j++) out[j] = 2 * target[i]! * y[j]!;
        },
      },
      { method: 'rodas5', mode: 'discrete', rtol: 1e-10, atol: 1e-12 },
    );
    expect(g.status, g.message).toBe('success');
    const loss = (p: Float64Array) => {
      const pr = d.problem({ t0: 0, p, tspan: [0, 4] });
      const sol = solve(
        { f: (t, y, dy) => pr.f(t, y, p, dy), y0: pr.y0, tspan: [0, 4] },
        { method: 'rodas5', rtol: 1e-12, atol: 1e-14, saveAt: times },
      );
      return sol.y.reduce((s, y, i) => s + target[i]! * lossOf(y), 0);
    };
    const p0 = Float64Array.from(problem.p);
    expect(loss(p0)).toBeCloseTo(g.loss, 8);
    for (let k = 0; k < p0.length; k++) {
      const h = 1e-5 * Math.max(1, Math.abs(p0[k]!));
      const up = Float64Array.from(p0);
      const down = Float64Array.from(p0);
      up[k]! += h;
      down[k]! -= h;
      const fd = (loss(up) - loss(down)) / (2 * h);
      expect(Math.abs(g.dp[k]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });
});
