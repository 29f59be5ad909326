import { describe, expect, it } from 'vitest';
import {
  apply,
  ci,
  cn,
  compartment,
  math,
  parameter,
  sbmlModel,
  TIME,
  sbmlRefusal,
} from '../../test/support/sbml-builder';
import { newtonSolve } from './algebraic';
import { readSbml } from './document';
import type { SbmlUnsupportedError } from './errors';
import { compileSbml } from './ode-model';
import { simulateSbml } from './simulate';

const rateOf = (x: string): string =>
  `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol>${ci(x)}</apply>`;

const species = (id: string, c: string, amount: number, boundary = false): string =>
  `<species id="${id}" compartment="${c}" initialAmount="${amount}" hasOnlySubstanceUnits="false" boundaryCondition="${boundary}" constant="false"/>`;
const rateRule = (variable: string, m: string): string =>
  `<rateRule variable="${variable}">${math(m)}</rateRule>`;
const algebraic = (m: string): string => `<algebraicRule>${math(m)}</algebraicRule>`;
const reaction = (id: string, opts: { reactants?: string; products?: string; law: string }): string =>
  `<reaction id="${id}" reversible="false">
    ${opts.reactants ? `<listOfReactants>${opts.reactants}</listOfReactants>` : ''}
    ${opts.products ? `<listOfProducts>${opts.products}</listOfProducts>` : ''}
    <kineticLaw>${math(opts.law)}</kineticLaw>
  </reaction>`;
const ref = (s: string): string => `<speciesReference species="${s}" stoichiometry="1" constant="true"/>`;
const event = (id: string, trigger: string, assignments: Record<string, string>): string =>
  `<event id="${id}" useValuesFromTriggerTime="true"><trigger initialValue="false" persistent="true">${math(trigger)}</trigger>
    <listOfEventAssignments>${Object.entries(assignments)
      .map(([x, m]) => `<eventAssignment variable="${x}">${math(m)}</eventAssignment>`)
      .join('')}</listOfEventAssignments></event>`;

const doc = sbmlModel;

const METHODS = ['bdf', 'radau5', 'rodas5', 'dopri5'] as const;

/** Simulate with tight tolerances; rows as { variable: value } records. */
function run(
  sbml: string,
  variables: string[],
  duration: number,
  steps: number,
  method: (typeof METHODS)[number] = 'bdf',
  extra = '',
) {
  const settings = `start: 0\nduration: ${duration}\nsteps: ${steps}\nvariables: ${variables.join(', ')}\nabsolute: 1e-10\nrelative: 1e-10\n${extra}`;
  const sim = simulateSbml(sbml, settings, { method, rtol: 1e-10, atol: 1e-12 });
  expect(sim.status, sim.message).toBe('success');
  expect(sim.rows).toHaveLength(steps + 1);
  return sim.rows.map((row) => Object.fromEntries(sim.header.map((h, k) => [h, row[k]!])));
}

const refusal = (sbml: string): SbmlUnsupportedError => {
  const e = sbmlRefusal(sbml);
  expect(e.element).toBe('algebraicRule');
  return e;
};

/** The real root of z³ + z − y (increasing in z), by bisection. */
function cubicRoot(y: number): number {
  let lo = -Math.abs(y) - 1;
  let hi = Math.abs(y) + 1;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (mid ** 3 + mid - y > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

describe('algebraic rules', () => {
  // A → ∅ at rate k·A; B (not in any reaction) is fixed by 0 = A + B − T, in a compartment of size 2
  // (symbols are concentrations); C is made at rate kc·B, so the algebraic variable feeds a rate law.
  const conservation = doc({
    compartments: [compartment('V', 2)],
    species: [species('A', 'V', 6), species('B', 'V', 100), species('C', 'V', 0)],
    parameters: [parameter('k', 0.5, true), parameter('T', 5, true), parameter('kc', 0.3, true)],
    rules: [algebraic(apply('minus', apply('plus', ci('A'), ci('B')), ci('T')))],
    reactions: [
      reaction('R', { reactants: ref('A'), law: apply('times', ci('k'), ci('A'), ci('V')) }),
      reaction('P', { products: ref('C'), law: apply('times', ci('kc'), ci('B'), ci('V')) }),
    ],
  });

  it.each(METHODS)('solves a linear conservation rule z = T − x, feeding a rate law (%s)', (method) => {
    const ode = compileSbml(readSbml(conservation));
    expect(ode.stateNames).toEqual(['A', 'C']); // B is algebraic, not a state
    const rows = run(conservation, ['A', 'B', 'C'], 4, 8, method, 'concentration: A, B, C\n');
    for (const r of rows) {
      const t = r.time!;
      const a = 3 * Math.exp(-0.5 * t); // concentration: 6 / 2
      expect(r.A).toBeCloseTo(a, 8);
      // The declared 100 is only a starting point: the rule holds from t = 0.
      expect(r.B).toBeCloseTo(5 - a, 8);
      // dC/dt (concentration) = kc·B = kc·(5 − 3e^{−kt}).
      expect(r.C).toBeCloseTo(0.3 * (5 * t - (3 / 0.5) * (1 - Math.exp(-0.5 * t))), 7);
    }
  });

  it('reports an algebraic species as an amount (concentration × size)', () => {
    const rows = run(conservation, ['B'], 1, 1, 'bdf', 'amount: B\n');
    expect(rows[0]!.B).toBeCloseTo(2 * (5 - 3), 10);
  });

  it('solves a nonlinear rule z³ + z − y = 0 as y changes, from a poor starting value', () => {
    const sbml = doc({
      parameters: [parameter('y', -3), parameter('z', 50)],
      rules: [
        rateRule('y', cn(1.5)),
        algebraic(apply('minus', apply('plus', apply('power', ci('z'), cn(3)), ci('z')), ci('y'))),
      ],
    });
    for (const method of METHODS) {
      for (const r of run(sbml, ['y', 'z'], 6, 12, method)) {
        expect(r.y).toBeCloseTo(-3 + 1.5 * r.time!, 9);
        expect(r.z).toBeCloseTo(cubicRoot(r.y!), 10);
      }
    }
  });

  it('solves coupled rules as one system (a² + b = y, a − b = 0)', () => {
    const sbml = doc({
      parameters: [parameter('y', 2), parameter('a', 1), parameter('b')],
      rules: [
        rateRule('y', apply('times', cn(0.5), ci('y'))),
        algebraic(apply('minus', apply('plus', apply('power', ci('a'), cn(2)), ci('b')), ci('y'))),
        algebraic(apply('minus', ci('a'), ci('b'))),
      ],
    });
    for (const r of run(sbml, ['y', 'a', 'b'], 2, 4)) {
      const y = 2 * Math.exp(0.5 * r.time!);
      const a = (-1 + Math.sqrt(1 + 4 * y)) / 2; // the root near the starting value a = 1
      expect(r.y).toBeCloseTo(y, 8);
      expect(r.a).toBeCloseTo(a, 8);
      expect(r.b).toBeCloseTo(a, 8);
    }
  });

  it('solves chained rules in order and an algebraic compartment size', () => {
    // 0 = V − (1 + t) fixes the compartment; 0 = q − 2·V then needs V first.
    const sbml = doc({
      compartments: [compartment('V', 1, false)],
      species: [species('S', 'V', 4)],
      parameters: [parameter('q')],
      rules: [
        algebraic(apply('minus', ci('q'), apply('times', cn(2), ci('V')))),
        algebraic(apply('minus', ci('V'), apply('plus', cn(1), TIME))),
      ],
    });
    for (const r of run(sbml, ['V', 'q', 'S'], 2, 4, 'bdf', 'concentration: S\n')) {
      expect(r.V).toBeCloseTo(1 + r.time!, 10);
      expect(r.q).toBeCloseTo(2 * (1 + r.time!), 10);
      expect(r.S).toBeCloseTo(4 / (1 + r.time!), 10); // the amount is kept, the size changes
    }
  });

  it('re-solves the algebraic variable after an event changes a state or a parameter it depends on', () => {
    const sbml = doc({
      parameters: [parameter('x', 1), parameter('z'), parameter('T', 0)],
      rules: [
        rateRule('x', apply('minus', ci('x'))),
        algebraic(apply('minus', ci('z'), apply('plus', apply('times', cn(2), ci('x')), ci('T')))),
      ],
      events: [
        event('E1', apply('geq', TIME, cn(1)), { x: cn(5) }),
        event('E2', apply('geq', TIME, cn(2)), { T: cn(10) }),
      ],
    });
    for (const r of run(sbml, ['x', 'z'], 3, 6)) {
      const t = r.time!;
      const x = t < 1 ? Math.exp(-t) : 5 * Math.exp(-(t - 1));
      expect(r.x).toBeCloseTo(x, 7);
      expect(r.z).toBeCloseTo(2 * x + (t >= 2 ? 10 : 0), 7);
    }
  });

  it('accepts rateOf of a differential variable inside a rule', () => {
    // 0 = rateOf(S) − P: P is the (constant) production rate of S.
    const sbml = doc({
      compartments: [compartment('C', 1)],
      species: [species('S', 'C', 1)],
      parameters: [parameter('P')],
      rules: [algebraic(apply('minus', rateOf('S'), ci('P')))],
      reactions: [reaction('J', { products: ref('S'), law: cn(2) })],
    });
    for (const r of run(sbml, ['S', 'P'], 1, 2)) expect(r.P).toBeCloseTo(2, 12);
  });

  it('fails (never a wrong value) where the solution of a rule ceases to exist, saying why', () => {
    // z² = y with y = 1 − t: the root z = √y meets its mirror at t = 1 (a fold; index > 1 there), then
    // has none. Read only at output times, or also by the right-hand side (w' = z).
    const parameters = [parameter('y', 1), parameter('z', 1), parameter('w', 0)];
    const rules = [rateRule('y', cn(-1)), algebraic(apply('minus', apply('power', ci('z'), cn(2)), ci('y')))];
    const settings = 'start: 0\nduration: 2\nsteps: 4\nvariables: y, z\nabsolute: 1e-8\nrelative: 1e-6\n';
    for (const sbml of [
      doc({ parameters, rules }),
      doc({ parameters, rules: [...rules, rateRule('w', ci('z'))] }),
    ]) {
      for (const method of METHODS) {
        const sim = simulateSbml(sbml, settings, { method });
        expect(sim.status).toBe('failed');
        expect(sim.message).toMatch(/algebraic rules: no solution for z from algebraicRule #1/);
        expect(sim.rows.length).toBeGreaterThanOrEqual(2);
        expect(sim.rows[1]![2]).toBeCloseTo(Math.sqrt(0.5), 6);
        for (const r of sim.rows) expect(Number.isNaN(r[2])).toBe(false);
      }
    }
  });

  it('refuses a rule with no free variable (over-determined, e.g. a conservation of reacting species)', () => {
    const sbml = doc({
      compartments: [compartment('V', 1)],
      species: [species('A', 'V', 1), species('B', 'V', 0)],
      parameters: [parameter('T', 1, true)],
      rules: [algebraic(apply('minus', apply('plus', ci('A'), ci('B')), ci('T')))],
      reactions: [reaction('R', { reactants: ref('A'), products: ref('B'), law: ci('A') })],
    });
    expect(refusal(sbml).message).toMatch(
      /over-determines the model: none of the symbols it reads \(A, B, T\)/,
    );
    // Two rules for one free variable.
    const two = doc({
      parameters: [parameter('z')],
      rules: [algebraic(apply('minus', ci('z'), cn(1))), algebraic(apply('minus', ci('z'), cn(2)))],
    });
    expect(refusal(two).message).toMatch(/over-determines .* determined by other algebraic rules/);
  });

  it('refuses a rule whose variable is not unique', () => {
    const sbml = doc({
      parameters: [parameter('p', 1), parameter('q', 1)],
      rules: [algebraic(apply('minus', apply('plus', ci('p'), ci('q')), cn(3)))],
    });
    expect(refusal(sbml).message).toMatch(/no unique variable to determine: (p or q|q or p)/);
  });

  it('refuses a rule on an event target, initial assignments and rateOf of an algebraic variable', () => {
    const base = {
      parameters: [parameter('x', 1), parameter('z')],
      rules: [rateRule('x', cn(1)), algebraic(apply('minus', ci('z'), ci('x')))],
    };
    // An event target is not free for a rule (the rule would contradict the assignment).
    expect(
      refusal(doc({ ...base, events: [event('E', apply('geq', TIME, cn(1)), { z: cn(3) })] })).message,
    ).toMatch(/over-determines the model: none of the symbols it reads \(z, x\).*by an event/);
    expect(refusal(doc({ ...base, initialAssignments: { z: cn(2) } })).message).toMatch(
      /initialAssignment sets z/,
    );
    const withRate = doc({
      ...base,
      parameters: [...base.parameters, parameter('w')],
      rules: [...base.rules, `<assignmentRule variable="w">${math(rateOf('z'))}</assignmentRule>`],
    });
    expect(() => compileSbml(readSbml(withRate))).toThrow(/rateOf\(z\): z is determined by algebraicRule/);
  });

  it('refuses, at consistent initialisation, a singular rule and one with no solution', () => {
    const singular = doc({
      parameters: [parameter('z'), parameter('p', 1, true)],
      rules: [algebraic(apply('plus', apply('minus', ci('z'), ci('z')), ci('p')))],
    });
    expect(refusal(singular).message).toMatch(
      /singular at the starting values \(index > 1, or no unique solution\)/,
    );
    const none = doc({
      parameters: [parameter('z', 1)],
      rules: [algebraic(apply('plus', apply('exp', ci('z')), cn(1)))],
    });
    expect(refusal(none).message).toMatch(/Newton's method found no solution/);
  });
});

describe('newtonSolve', () => {
  it('converges to machine precision on a small nonlinear system and reports a singular one', () => {
    const x = Float64Array.of(1, 1, 7);
    // x0² + x1² = x2 (7), x0 = 2·x1: x1 = √(7/5).
    const g = [(v: Float64Array) => v[0]! ** 2 + v[1]! ** 2 - v[2]!, (v: Float64Array) => v[0]! - 2 * v[1]!];
    const outcome = newtonSolve(x, [0, 1], g, () => {});
    expect(outcome.ok).toBe(true);
    expect(x[1]).toBeCloseTo(Math.sqrt(7 / 5), 14);
    expect(x[0]).toBeCloseTo(2 * Math.sqrt(7 / 5), 14);
    const y = Float64Array.of(1, 1);
    const flat = newtonSolve(
      y,
      [0, 1],
      [(v) => v[0]! + v[1]! - 1, (v) => 2 * v[0]! + 2 * v[1]! - 3],
      () => {},
    );
    expect(outcome.iterations).toBeLessThan(10);
    expect(flat).toMatchObject({ ok: false, reason: 'singular' });
    // Started at z = 0 next to residual terms of order 1 (a step of 1e-16 changes nothing): SBML
    // Test Suite case 01577, where a trial step left z = 0 for the next solve.
    const z = Float64Array.of(0, 7);
    expect(newtonSolve(z, [0], [(v) => 10 - v[1]! - v[0]!], () => {}).ok).toBe(true);
    expect(z[0]).toBe(3);
  });
});
