import { solve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import { apply, ci, cn, math, sbmlDocument } from '../../test/support/sbml-builder';
import { checkDerivatives } from './derivative-check';
import { readSbml } from './document';
import { SbmlUnsupportedError } from './errors';
import { compileSbml, type SbmlOde } from './ode-model';

const RATE_OF = (x: string): string =>
  `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol>${ci(x)}</apply>`;
const DELAY = (x: string, d: number): string =>
  `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay">delay</csymbol>${ci(x)}${cn(d)}</apply>`;
const species = (id: string, amount: number, extra = '', compartment = 'V'): string =>
  `<species id="${id}" compartment="${compartment}" initialAmount="${amount}" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false" ${extra}/>`;
const ref = (s: string, stoich = 1, id = ''): string =>
  `<speciesReference species="${s}" stoichiometry="${stoich}" constant="${id ? 'false' : 'true'}"${id ? ` id="${id}"` : ''}/>`;
const reaction = (id: string, reactants: string, products: string, law: string, locals = ''): string => `
  <reaction id="${id}" reversible="false">
    ${reactants ? `<listOfReactants>${reactants}</listOfReactants>` : ''}
    ${products ? `<listOfProducts>${products}</listOfProducts>` : ''}
    <kineticLaw>${math(law)}${locals ? `<listOfLocalParameters>${locals}</listOfLocalParameters>` : ''}</kineticLaw>
  </reaction>`;
const param = (id: string, value: number, constant = true): string =>
  `<parameter id="${id}" value="${value}" constant="${constant}"/>`;
const compartment = (size: number, constant = true): string =>
  `<listOfCompartments><compartment id="V" size="${size}" constant="${constant}"/></listOfCompartments>`;

const compile = (body: string): SbmlOde => compileSbml(readSbml(sbmlDocument(body)));

/** A state away from y0 (every component positive and distinct). */
const elsewhere = (ode: SbmlOde): Float64Array =>
  Float64Array.from(ode.y0, (x, k) => 0.7 * x + 0.3 + 0.11 * k);

/** jac, paramJac and vjp against central differences at y0 and at another state. */
function expectExact(ode: SbmlOde, t = 0.5): void {
  for (const y of [Float64Array.from(ode.y0), elsewhere(ode)]) {
    const c = checkDerivatives(ode, t, y);
    expect(c.failures).toEqual([]);
    expect(c.entries).toBeGreaterThan(0);
    expect(c.nonSmooth + c.nonFinite).toBe(0);
  }
}

const massAction = compile(`
  ${compartment(2)}
  <listOfSpecies>${species('A', 3)}${species('B', 2)}${species('C', 0.5)}</listOfSpecies>
  <listOfParameters>${param('kf', 0.7)}${param('kr', 0.3)}</listOfParameters>
  <listOfReactions>
    ${reaction('R1', ref('A', 2) + ref('B'), ref('C'), apply('times', ci('V'), ci('kf'), ci('A'), ci('A'), ci('B')))}
    ${reaction('R2', ref('C'), ref('A', 2) + ref('B'), apply('times', ci('V'), ci('kr'), ci('C')))}
  </listOfReactions>`);

/** S → P at Vm·S/(Km + S) with local Vm and Km (Km shadows a global Km that another law reads). */
const michaelisMenten = compile(`
  ${compartment(1.5)}
  <listOfSpecies>${species('S', 4)}${species('P', 0)}</listOfSpecies>
  <listOfParameters>${param('Km', 100)}${param('kd', 0.05)}</listOfParameters>
  <listOfReactions>
    ${reaction(
      'MM',
      ref('S'),
      ref('P'),
      apply('divide', apply('times', ci('V'), ci('Vm'), ci('S')), apply('plus', ci('Km'), ci('S'))),
      '<localParameter id="Vm" value="2"/><localParameter id="Km" value="0.8"/>',
    )}
    ${reaction('D', ref('P'), '', apply('times', ci('kd'), ci('Km'), ci('P')))}
  </listOfReactions>`);

/** A → C at k·total with total = A + B²/(1 + B) an assignment rule; C → B; a rate rule p' = C − k2·p. */
const assignmentFeedsRate = compile(`
  ${compartment(2)}
  <listOfSpecies>${species('A', 3)}${species('B', 1)}${species('C', 0.2)}</listOfSpecies>
  <listOfParameters>
    ${param('k', 0.5)}${param('k2', 0.25)}${param('total', 0, false)}${param('p', 0.1, false)}
  </listOfParameters>
  <listOfRules>
    <assignmentRule variable="total">${math(
      apply('plus', ci('A'), apply('divide', apply('power', ci('B'), cn(2)), apply('plus', cn(1), ci('B')))),
    )}</assignmentRule>
    <rateRule variable="p">${math(apply('minus', ci('C'), apply('times', ci('k2'), ci('p'))))}</rateRule>
  </listOfRules>
  <listOfReactions>
    ${reaction('R1', ref('A'), ref('C'), apply('times', ci('k'), ci('total'), ci('V')))}
    ${reaction('R2', ref('C'), ref('B'), apply('times', ci('k2'), ci('C'), ci('p'), ci('V')))}
  </listOfReactions>`);

/** The compartment grows (rate rule V' = g·V); reactions read concentrations; a Hill law in it. */
const varyingCompartment = compile(`
  ${compartment(1.2, false)}
  <listOfSpecies>${species('X', 2)}${species('Y', 0.5)}</listOfSpecies>
  <listOfParameters>${param('g', 0.1)}${param('k', 1.5)}${param('n', 2.5)}${param('K', 0.9)}</listOfParameters>
  <listOfRules><rateRule variable="V">${math(apply('times', ci('g'), ci('V')))}</rateRule></listOfRules>
  <listOfReactions>
    ${reaction(
      'R',
      ref('X'),
      ref('Y'),
      apply(
        'times',
        ci('V'),
        ci('k'),
        apply(
          'divide',
          apply('power', ci('X'), ci('n')),
          apply('plus', apply('power', ci('K'), ci('n')), apply('power', ci('X'), ci('n'))),
        ),
      ),
    )}
  </listOfReactions>`);

/** A model-wide and a species conversion factor, and a species-reference stoichiometry set by id. */
const conversion = compileSbml(
  readSbml(
    sbmlDocument(`
  ${compartment(1)}
  <listOfSpecies>${species('A', 5)}${species('B', 1, 'conversionFactor="cb"')}</listOfSpecies>
  <listOfParameters>${param('cm', 2)}${param('cb', 0.5)}${param('k', 0.3)}</listOfParameters>
  <listOfReactions>
    ${reaction('R', ref('A'), ref('B', 1, 'nB'), apply('times', ci('k'), ci('A'), ci('B')))}
  </listOfReactions>`).replace('<model id="m">', '<model id="m" conversionFactor="cm">'),
  ),
);

/** A rate law that reads rateOf(A) (A's own rate: the derivative flows through it). */
const rateOfModel = compile(`
  ${compartment(1)}
  <listOfSpecies>${species('A', 2)}${species('B', 0.5)}</listOfSpecies>
  <listOfParameters>${param('k', 0.4)}${param('c', 0.3)}</listOfParameters>
  <listOfReactions>
    ${reaction('R1', ref('A'), '', apply('times', ci('k'), ci('A'), ci('A')))}
    ${reaction('R2', '', ref('B'), apply('times', ci('c'), apply('minus', cn(0), RATE_OF('A')), ci('B')))}
  </listOfReactions>`);

describe('SbmlOde.derivatives: exact ∂f/∂y, ∂f/∂p and vjp', () => {
  it('mass action (stoichiometry 2, a compartment factor)', () => {
    expect(massAction.params.map((p) => `${p.kind}:${p.id}`)).toEqual([
      'compartment:V',
      'parameter:kf',
      'parameter:kr',
    ]);
    expectExact(massAction);
  });

  it('Michaelis–Menten with local parameters (one shadowing a global)', () => {
    expect(michaelisMenten.params.map((p) => p.id)).toEqual(['V', 'Km', 'kd', 'MM.Vm', 'MM.Km']);
    expectExact(michaelisMenten);
    // ∂f_S/∂(MM.Vm) = −V·[S]/(Km + [S]): the state is an amount, the law reads [S] = amount/V.
    const d = michaelisMenten.derivatives();
    const y = Float64Array.of(4, 1);
    const P = new Float64Array(2 * 5);
    d.paramJac(0, y, P);
    const S = 4 / 1.5;
    expect(P[3]).toBeCloseTo((-1.5 * S) / (0.8 + S), 14);
    expect(P[1]).toBe(0); // the global Km is read by D only: row S has no entry
    expect(P[5 + 1]).toBeCloseTo(-0.05 / 1.5, 14); // D = kd·Km·[P], [P] = 1/1.5
  });

  it('an assignment rule feeding a rate law, and a rate rule', () => {
    expect(assignmentFeedsRate.params.map((p) => p.id)).toEqual(['V', 'k', 'k2']);
    expect(assignmentFeedsRate.stateNames).toEqual(['A', 'B', 'C', 'p']);
    expectExact(assignmentFeedsRate);
  });

  it('a varying compartment (rate rule) with a Hill law of variable exponent', () => {
    expect(varyingCompartment.params.map((p) => p.id)).toEqual(['g', 'k', 'n', 'K']);
    expectExact(varyingCompartment);
  });

  it('conversion factors and a species-reference stoichiometry as a parameter', () => {
    expect(conversion.params.map((p) => `${p.kind}:${p.id}`)).toEqual([
      'compartment:V',
      'parameter:cm',
      'parameter:cb',
      'parameter:k',
      'speciesReference:nB',
    ]);
    expectExact(conversion);
  });

  it('rateOf in a rate law: chained through the rate it reads', () => {
    expectExact(rateOfModel);
  });

  it('the Jacobian pattern holds every nonzero of jac', () => {
    for (const ode of [
      massAction,
      michaelisMenten,
      assignmentFeedsRate,
      varyingCompartment,
      conversion,
      rateOfModel,
    ]) {
      const n = ode.y0.length;
      const J = new Float64Array(n * n);
      ode.derivatives().jac(0.3, elsewhere(ode), J);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          if (J[i * n + j] !== 0) expect(Array.from(ode.jacSparsity[i]!)).toContain(j);
    }
  });

  it('params exclude what rules and events change', () => {
    const ode = compile(`
      ${compartment(1)}
      <listOfSpecies>${species('A', 1)}</listOfSpecies>
      <listOfParameters>${param('k', 1)}${param('r', 0, false)}${param('e', 1, false)}${param('q', 2, false)}</listOfParameters>
      <listOfRules><assignmentRule variable="r">${math(apply('times', cn(2), ci('A')))}</assignmentRule></listOfRules>
      <listOfReactions>${reaction('R', ref('A'), '', apply('times', ci('k'), ci('e'), ci('q'), ci('A')))}</listOfReactions>
      <listOfEvents><event id="ev" useValuesFromTriggerTime="true">
        <trigger initialValue="false" persistent="true">${math(apply('gt', ci('A'), cn(5)))}</trigger>
        <listOfEventAssignments><eventAssignment variable="e">${math(cn(3))}</eventAssignment></listOfEventAssignments>
      </event></listOfEvents>`);
    expect(ode.params.map((p) => p.id)).toEqual(['V', 'k', 'q']);
    expect(Array.from(ode.paramValues())).toEqual([1, 1, 2]);
  });

  it('refuses models whose right-hand side solves algebraic rules or reads a delay', () => {
    const algebraic = compile(`
      ${compartment(1)}
      <listOfSpecies>${species('A', 1)}</listOfSpecies>
      <listOfParameters>${param('k', 1)}${param('z', 1, false)}</listOfParameters>
      <listOfRules><algebraicRule>${math(apply('minus', ci('z'), apply('times', cn(2), ci('A'))))}</algebraicRule></listOfRules>
      <listOfReactions>${reaction('R', ref('A'), '', apply('times', ci('k'), ci('z')))}</listOfReactions>`);
    expect(() => algebraic.derivatives()).toThrow(SbmlUnsupportedError);
    expect(() => algebraic.derivatives()).toThrow(/algebraic rules/);
    const delayed = compile(`
      ${compartment(1)}
      <listOfSpecies>${species('A', 1)}</listOfSpecies>
      <listOfParameters>${param('k', 1)}</listOfParameters>
      <listOfReactions>${reaction('R', ref('A'), '', apply('times', ci('k'), DELAY('A', 0.5)))}</listOfReactions>`);
    expect(() => delayed.derivatives()).toThrow(/delay/);
  });

  it('problem(): a ParametricProblem whose p drives f, jac and vjp', () => {
    const ode = michaelisMenten;
    const d = ode.derivatives();
    const prob = d.problem({ tspan: [0, 2] });
    expect(Array.from(prob.p)).toEqual([1.5, 100, 0.05, 2, 0.8]);
    const p = Float64Array.of(1.5, 100, 0.05, 3, 0.8); // Vm 2 → 3
    const y = Float64Array.of(4, 1);
    const dydt = new Float64Array(2);
    prob.f(0, y, p, dydt);
    const S = 4 / 1.5;
    expect(dydt[0]).toBeCloseTo((-1.5 * 3 * S) / (0.8 + S), 14);
    const vJy = new Float64Array(2);
    const vJp = new Float64Array(5);
    prob.vjp(0, y, p, Float64Array.of(1, 0), vJy, vJp);
    expect(vJp[3]).toBeCloseTo((-1.5 * S) / (0.8 + S), 14);
    ode.setParamValues(prob.p);
  });

  it('forward sensitivities from jac and paramJac match finite differences of the solved loss', () => {
    // L(p) = Σ y(T)²: dL/dp = 2 y(T)ᵀ S(T), S' = J S + ∂f/∂p, S(0) = 0.
    const ode = assignmentFeedsRate;
    const d = ode.derivatives();
    const n = ode.y0.length;
    const p0 = ode.paramValues();
    const nP = p0.length;
    const T = 1.5;
    const J = new Float64Array(n * n);
    const P = new Float64Array(n * nP);
    const aug = (t: number, z: Float64Array, dz: Float64Array): void => {
      const y = z.subarray(0, n);
      ode.f(t, y, dz.subarray(0, n));
      d.jac(t, y, J);
      d.paramJac(t, y, P);
      for (let i = 0; i < n; i++)
        for (let m = 0; m < nP; m++) {
          let s = P[i * nP + m]!;
          for (let k = 0; k < n; k++) s += J[i * n + k]! * z[n + k * nP + m]!;
          dz[n + i * nP + m] = s;
        }
    };
    const z0 = new Float64Array(n + n * nP);
    z0.set(ode.y0);
    const opts = { method: 'radau5' as const, rtol: 1e-11, atol: 1e-13 };
    const solZ = solve({ f: aug, y0: z0, tspan: [0, T] }, opts);
    expect(solZ.status).toBe('success');
    const zT = solZ.y[solZ.y.length - 1]!;
    const loss = (p: Float64Array): number => {
      ode.setParamValues(p);
      const s = solve({ f: ode.f, y0: ode.y0, tspan: [0, T] }, opts);
      ode.setParamValues(p0);
      return s.y[s.y.length - 1]!.reduce((a, x) => a + x * x, 0);
    };
    for (let m = 0; m < nP; m++) {
      let grad = 0;
      for (let i = 0; i < n; i++) grad += 2 * zT[i]! * zT[n + i * nP + m]!;
      const h = 1e-4 * Math.abs(p0[m]!);
      const plus = Float64Array.from(p0);
      const minus = Float64Array.from(p0);
      plus[m]! += h;
      minus[m]! -= h;
      const fd = (loss(plus) - loss(minus)) / (2 * h);
      expect(Math.abs(grad - fd)).toBeLessThan(1e-6 * Math.abs(fd) + 1e-9);
    }
  });
});
