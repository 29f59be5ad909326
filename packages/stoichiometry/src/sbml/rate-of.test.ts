import { describe, expect, it } from 'vitest';
import {
  apply,
  ci,
  cn,
  compartment,
  math,
  parameter,
  sbmlDocument,
  sbmlModel,
  TIME,
  sbmlRefusal,
} from '../../test/support/sbml-builder';
import { readSbml } from './document';
import { compileSbml } from './ode-model';
import { simulateSbml } from './simulate';

/** rateOf(x); the csymbol's text is a free label, here deliberately another model id. */
const rateOf = (x: string): string =>
  `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">k</csymbol>${ci(x)}</apply>`;

const species = (id: string, c: string, amount: number, extra = ''): string =>
  `<species id="${id}" compartment="${c}" initialAmount="${amount}" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false" ${extra}/>`;
const rule = (kind: 'rate' | 'assignment', variable: string, m: string): string =>
  `<${kind}Rule variable="${variable}">${math(m)}</${kind}Rule>`;
const reaction = (
  id: string,
  opts: { reactants?: string; products?: string; law: string; locals?: string },
): string => `<reaction id="${id}" reversible="false">
    ${opts.reactants ? `<listOfReactants>${opts.reactants}</listOfReactants>` : ''}
    ${opts.products ? `<listOfProducts>${opts.products}</listOfProducts>` : ''}
    <kineticLaw>${math(opts.law)}${opts.locals ? `<listOfLocalParameters>${opts.locals}</listOfLocalParameters>` : ''}</kineticLaw>
  </reaction>`;
const ref = (s: string, stoichiometry = 1, id?: string): string =>
  `<speciesReference species="${s}" stoichiometry="${stoichiometry}" constant="${id === undefined}" ${id ? `id="${id}"` : ''}/>`;

const doc = sbmlModel;

/** Simulate with tight tolerances; rows as { variable: value } records. */
function run(sbml: string, variables: string[], duration: number, steps: number, extra = '') {
  const settings = `start: 0\nduration: ${duration}\nsteps: ${steps}\nvariables: ${variables.join(', ')}\nabsolute: 1e-10\nrelative: 1e-10\n${extra}`;
  const sim = simulateSbml(sbml, settings, { rtol: 1e-11, atol: 1e-13 });
  expect(sim.status).toBe('success');
  expect(sim.rows).toHaveLength(steps + 1);
  return sim.rows.map((row) => Object.fromEntries(sim.header.map((h, k) => [h, row[k]!])));
}

const refusal = sbmlRefusal;

describe('the rateOf csymbol', () => {
  it('gives concentration rates in a growing compartment, amount rates with hasOnlySubstanceUnits', () => {
    // V' = 0.5 from 2; influx J of 3 amount/time into S, twice that into H (substance units); B a
    // boundary species (fixed amount 4). With n = 1 + 3t: d[S]/dt = (3V − 0.5n)/V², dH/dt = 6,
    // d[B]/dt = −4·0.5/V², dV/dt = 0.5.
    const sbml = doc({
      compartments: [compartment('V', 2, false)],
      species: [
        species('S', 'V', 1),
        `<species id="H" compartment="V" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>`,
        `<species id="B" compartment="V" initialAmount="4" hasOnlySubstanceUnits="false" boundaryCondition="true" constant="false"/>`,
      ],
      parameters: [parameter('rS'), parameter('rH'), parameter('rB'), parameter('rV')],
      rules: [
        rule('rate', 'V', cn(0.5)),
        rule('assignment', 'rS', rateOf('S')),
        rule('assignment', 'rH', rateOf('H')),
        rule('assignment', 'rB', rateOf('B')),
        rule('assignment', 'rV', rateOf('V')),
      ],
      reactions: [reaction('J', { products: ref('S') + ref('H', 2) + ref('B'), law: cn(3) })],
    });
    const rows = run(sbml, ['S', 'rS', 'rH', 'rB', 'rV'], 4, 8);
    for (const row of rows) {
      const t = row.time!;
      const vol = 2 + 0.5 * t;
      const n = 1 + 3 * t;
      expect(row.S).toBeCloseTo(n / vol, 9);
      expect(row.rS).toBeCloseTo((3 * vol - 0.5 * n) / vol ** 2, 9);
      expect(row.rH).toBeCloseTo(6, 12);
      expect(row.rB).toBeCloseTo((-4 * 0.5) / vol ** 2, 9);
      expect(row.rV).toBeCloseTo(0.5, 12);
    }
    // Not the amount rate: at t = 0, d[S]/dt = (6 − 0.5)/4, not 3/2.
    expect(rows[0]!.rS).toBeCloseTo(5.5 / 4, 12);
  });

  it('evaluates initial assignments at t0 and orders rates after the rules and rate laws they read', () => {
    // p' = 2t + 1; y := rateOf(p); A → at rate k·A·y (c = 1), so A = 5·exp(−k(t² + t));
    // a0 := rateOf(A) at t0 only (= −5k); w := rateOf(A) always; q' = rateOf(A), q(0) = 0 → q = A − 5.
    const k = 0.3;
    const sbml = doc({
      compartments: [compartment('c', 1)],
      species: [
        `<species id="A" compartment="c" initialConcentration="5" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>`,
      ],
      parameters: [
        parameter('k', k, true),
        parameter('p', 0),
        parameter('y'),
        parameter('a0'),
        parameter('w'),
        parameter('q', 0),
      ],
      initialAssignments: { a0: rateOf('A') },
      // Document order puts every reader before what it reads.
      rules: [
        rule('assignment', 'w', rateOf('A')),
        rule('rate', 'q', rateOf('A')),
        rule('assignment', 'y', rateOf('p')),
        rule('rate', 'p', apply('plus', apply('times', cn(2), TIME), cn(1))),
      ],
      reactions: [reaction('J', { reactants: ref('A'), law: apply('times', ci('k'), ci('A'), ci('y')) })],
    });
    const rows = run(sbml, ['A', 'a0', 'w', 'q', 'y'], 2, 4);
    for (const row of rows) {
      const t = row.time!;
      const a = 5 * Math.exp(-k * (t * t + t));
      expect(row.A).toBeCloseTo(a, 9);
      expect(row.a0).toBeCloseTo(-5 * k, 12);
      expect(row.y).toBeCloseTo(2 * t + 1, 12);
      expect(row.w).toBeCloseTo(-k * a * (2 * t + 1), 9);
      expect(row.q).toBeCloseTo(a - 5, 9);
    }
    // At an arbitrary state, read right after another one: no value left over from the last call.
    const ode = compileSbml(readSbml(sbml));
    const w = ode.reader('w', 'value');
    const at = (state: Record<string, number>): Float64Array =>
      Float64Array.from(ode.stateNames, (name) => state[name] ?? 0);
    expect(w(0, at({ A: 5, p: 0, q: 0 }))).toBeCloseTo(-k * 5, 14);
    expect(w(1, at({ A: 2, p: 7, q: 1 }))).toBeCloseTo(-k * 2 * 3, 14);
  });

  it('includes conversion factors and variable stoichiometries, and treats local parameters as constants', () => {
    // → st·S at rate 0.5 with conversion factor 3 in C = 2, st' = 1 from 1:
    // d[S]/dt = 1.5(1 + t)/2. rateOf(k) is 0 where k is a local parameter, 5 for the global k.
    const sbml = doc({
      compartments: [compartment('C', 2)],
      species: [species('S', 'C', 0, 'conversionFactor="cf"'), species('L', 'C', 1), species('G', 'C', 1)],
      parameters: [parameter('cf', 3, true), parameter('rS'), parameter('k', 0)],
      rules: [rule('rate', 'st', cn(1)), rule('assignment', 'rS', rateOf('S')), rule('rate', 'k', cn(5))],
      reactions: [
        reaction('J', { products: ref('S', 1, 'st'), law: cn(0.5) }),
        reaction('Jl', {
          products: ref('L'),
          law: rateOf('k'),
          locals: '<localParameter id="k" value="3"/>',
        }),
        reaction('Jg', { products: ref('G'), law: rateOf('k') }),
      ],
    });
    for (const row of run(sbml, ['rS', 'L', 'G'], 2, 4, 'amount: L, G\n')) {
      const t = row.time!;
      expect(row.rS).toBeCloseTo((1.5 * (1 + t)) / 2, 10);
      expect(row.L).toBeCloseTo(1, 12);
      expect(row.G).toBeCloseTo(1 + 5 * t, 9);
    }
  });

  it('works in event triggers and assignments and through function definitions', () => {
    // p' = t: rateOf(p) > 1 first at t = 1; the event records time and rateOf(p) then (= 1),
    // and r := f(p) with f(a) = rateOf(a) is t.
    const sbml = sbmlDocument(`
      <listOfFunctionDefinitions>
        <functionDefinition id="f">${math(`<lambda><bvar>${ci('a')}</bvar>${rateOf('a')}</lambda>`)}</functionDefinition>
      </listOfFunctionDefinitions>
      <listOfParameters>${parameter('p', 0)}${parameter('hit', -1)}${parameter('x', 0)}${parameter('r')}</listOfParameters>
      <listOfRules>${rule('rate', 'p', TIME)}${rule('assignment', 'r', `<apply>${ci('f')}${ci('p')}</apply>`)}</listOfRules>
      <listOfEvents><event useValuesFromTriggerTime="true">
        <trigger initialValue="true" persistent="true">${math(apply('gt', rateOf('p'), cn(1)))}</trigger>
        <listOfEventAssignments>
          <eventAssignment variable="hit">${math(TIME)}</eventAssignment>
          <eventAssignment variable="x">${math(rateOf('p'))}</eventAssignment>
        </listOfEventAssignments>
      </event></listOfEvents>`);
    const rows = run(sbml, ['hit', 'x', 'r', 'p'], 2, 4);
    const last = rows[rows.length - 1]!;
    expect(Math.abs(last.hit! - 1)).toBeLessThan(1e-9);
    expect(Math.abs(last.x! - 1)).toBeLessThan(1e-9);
    for (const row of rows) expect(row.r).toBeCloseTo(row.time!, 12);
    expect(rows[1]!.hit).toBe(-1); // t = 0.5: not yet
  });

  it('refuses what it does not compute, naming the rateOf and the reason', () => {
    const base = {
      compartments: [compartment('C', 1)],
      species: [species('S', 'C', 1)],
      parameters: [parameter('p', 1), parameter('q', 1), parameter('x')],
    };
    // Rates that depend on themselves: implicit equations.
    const selfLoop = refusal(doc({ ...base, rules: [rule('rate', 'p', rateOf('p'))] }));
    expect(selfLoop.message).toMatch(/cycle rateOf\(p\) → rateOf\(p\)/);
    const twoLoop = refusal(
      doc({ ...base, rules: [rule('rate', 'p', rateOf('q')), rule('rate', 'q', rateOf('p'))] }),
    );
    expect(twoLoop.message).toMatch(/rateOf: the assignment rules and rate laws form a cycle rateOf\(.\) →/);
    const throughReaction = refusal(
      doc({ ...base, reactions: [reaction('J', { products: ref('S'), law: rateOf('S') })] }),
    );
    expect(throughReaction.message).toMatch(/cycle J → rateOf\(S\) → J/);
    // An initial assignment that needs the rate of the value it sets (p' = p, p(0) = rateOf(p)).
    const atT0 = refusal(
      doc({ ...base, initialAssignments: { p: rateOf('p') }, rules: [rule('rate', 'p', ci('p'))] }),
    );
    expect(atT0.message).toMatch(/initial values form a cycle/);
    // The derivative of an assignment rule (forbidden by L3V2 rules 10224 and 10225).
    const assigned = refusal(
      doc({ ...base, rules: [rule('assignment', 'q', TIME), rule('assignment', 'x', rateOf('q'))] }),
    );
    expect(assigned.message).toMatch(/rateOf\(q\): q is set by an assignment rule/);
    const assignedSize = refusal(
      doc({
        ...base,
        compartments: [compartment('C', 1, false)],
        rules: [rule('assignment', 'C', TIME), rule('assignment', 'x', rateOf('S'))],
      }),
    );
    expect(assignedSize.message).toMatch(
      /rateOf\(S\): .*compartment C, whose size is set by an assignment rule/,
    );
    const ofReaction = refusal(
      doc({
        ...base,
        rules: [rule('assignment', 'x', rateOf('J'))],
        reactions: [reaction('J', { products: ref('S'), law: cn(1) })],
      }),
    );
    expect(ofReaction.message).toMatch(/rateOf\(J\): J is a reaction/);
    // Not the rate of a symbol: an expression as argument, directly or through a function.
    const csym =
      '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">r</csymbol>';
    const ofExpression = refusal(
      doc({
        ...base,
        rules: [rule('assignment', 'x', `<apply>${csym}${apply('plus', ci('p'), ci('q'))}</apply>`)],
      }),
    );
    expect(ofExpression.message).toMatch(/rateOf of an expression \(a <apply>, not a <ci>\)/);
    const viaFunction = refusal(
      sbmlDocument(`
        <listOfFunctionDefinitions>
          <functionDefinition id="f">${math(`<lambda><bvar>${ci('a')}</bvar>${rateOf('a')}</lambda>`)}</functionDefinition>
        </listOfFunctionDefinitions>
        <listOfParameters>${parameter('p', 0)}${parameter('r')}</listOfParameters>
        <listOfRules>${rule('rate', 'p', cn(1))}${rule('assignment', 'r', `<apply>${ci('f')}${apply('times', cn(2), ci('p'))}</apply>`)}</listOfRules>`),
    );
    expect(viaFunction.message).toMatch(/rateOf\(a\) of the function argument a, which is an expression/);
    for (const e of [
      selfLoop,
      twoLoop,
      throughReaction,
      atT0,
      assigned,
      assignedSize,
      ofReaction,
      ofExpression,
    ])
      expect(e.element).toBe('csymbol');
  });
});
