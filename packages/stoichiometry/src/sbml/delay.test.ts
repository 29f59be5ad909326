import type { MethodName } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { apply, ci, cn, math, sbmlDocument, TIME, sbmlRefusal } from '../../test/support/sbml-builder';
import { readSbml } from './document';
import { compileSbml } from './ode-model';
import { simulateSbml } from './simulate';

/** delay(x, d); the csymbol's text is a free label, here deliberately another word. */
const delay = (x: string, d: string): string =>
  `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay">plus</csymbol>${x}${d}</apply>`;
const rateOf = (x: string): string =>
  `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol>${ci(x)}</apply>`;

/** Non-constant parameters, initial assignments, rules (`'x'` rate, `'x='` assignment) and events. */
function doc(parts: {
  parameters: Record<string, number | undefined>;
  initialAssignments?: Record<string, string>;
  rules?: Record<string, string>;
  events?: string[];
  extra?: string;
}): string {
  const params = Object.entries(parts.parameters)
    .map(([id, v]) => `<parameter id="${id}" ${v === undefined ? '' : `value="${v}"`} constant="false"/>`)
    .join('');
  const ias = Object.entries(parts.initialAssignments ?? {})
    .map(([id, m]) => `<initialAssignment symbol="${id}">${math(m)}</initialAssignment>`)
    .join('');
  const rules = Object.entries(parts.rules ?? {})
    .map(([key, m]) =>
      key.endsWith('=')
        ? `<assignmentRule variable="${key.slice(0, -1)}">${math(m)}</assignmentRule>`
        : `<rateRule variable="${key}">${math(m)}</rateRule>`,
    )
    .join('');
  return sbmlDocument(`
    ${parts.extra ?? ''}
    <listOfParameters>${params}</listOfParameters>
    ${ias ? `<listOfInitialAssignments>${ias}</listOfInitialAssignments>` : ''}
    ${rules ? `<listOfRules>${rules}</listOfRules>` : ''}
    ${parts.events?.length ? `<listOfEvents>${parts.events.join('')}</listOfEvents>` : ''}`);
}

const event = (trigger: string, assign: Record<string, string>): string =>
  `<event useValuesFromTriggerTime="true">
    <trigger initialValue="true" persistent="true">${math(trigger)}</trigger>
    <listOfEventAssignments>${Object.entries(assign)
      .map(([id, m]) => `<eventAssignment variable="${id}">${math(m)}</eventAssignment>`)
      .join('')}</listOfEventAssignments>
  </event>`;

/** Simulate on [0, duration] with `steps` intervals; column `name` as a function of the row index. */
function run(
  sbml: string,
  variables: string[],
  duration: number,
  steps: number,
  method: MethodName = 'bdf',
  tolerances = { rtol: 1e-11, atol: 1e-13 },
) {
  const settings = `start: 0\nduration: ${duration}\nsteps: ${steps}\nvariables: ${variables.join(', ')}\nabsolute: 1e-10\nrelative: 1e-10\n`;
  const sim = simulateSbml(sbml, settings, { method, ...tolerances });
  expect(sim.status, sim.message).toBe('success');
  expect(sim.rows).toHaveLength(steps + 1);
  return {
    t: sim.rows.map((r) => r[0]!),
    col: (name: string): number[] => sim.rows.map((r) => r[sim.header.indexOf(name)]!),
  };
}

const refusal = sbmlRefusal;

/**
 * x' = −x(t − 1), x = 1 for t ≤ 0, by the method of steps: on [n − 1, n],
 * x(t) = Σ_{k=0}^{n} (−1)^k (t − k + 1)^k / k!  (1 − t on [0, 1], 1 − t + (t − 1)²/2 on [1, 2], …).
 */
function dde(t: number): number {
  const n = Math.floor(t) + 1;
  let sum = 0;
  let fact = 1;
  for (let k = 0; k <= n; k++) {
    if (k > 0) fact *= k;
    sum += ((-1) ** k * (t - k + 1) ** k) / fact;
  }
  return sum;
}

describe('the delay csymbol', () => {
  const methods: MethodName[] = ['bdf', 'radau5', 'rodas5', 'auto', 'dopri5'];
  it.each(methods)("solves x' = −x(t − 1), x = 1 before 0, as the method of steps does (%s)", (method) => {
    const sbml = doc({ parameters: { x: 1 }, rules: { x: apply('minus', delay(ci('x'), cn(1))) } });
    const sim = run(sbml, ['x'], 5, 40, method);
    const x = sim.col('x');
    sim.t.forEach((t, i) => {
      expect(Math.abs(x[i]! - dde(t)), `t=${t}`).toBeLessThan(1e-8);
    });
    // On the breaks too: x(1) = 0, x(2) = −1/2 (rows 8 and 16).
    expect(x[8]).toBeCloseTo(0, 9);
    expect(x[16]).toBeCloseTo(-0.5, 9);
    expect(compileSbml(readSbml(sbml)).history?.delays).toEqual([1]);
  });

  it('reads a delay in an assignment rule that feeds the ODE, and in one read only for output', () => {
    // z = A(t − 1) drives A' = −z: the same DDE. y = A(t − 0.5) is output only.
    const sbml = doc({
      parameters: { A: 1, z: undefined, y: undefined },
      rules: { 'z=': delay(ci('A'), cn(1)), A: apply('minus', ci('z')), 'y=': delay(ci('A'), cn(0.5)) },
    });
    const sim = run(sbml, ['A', 'z', 'y'], 4, 32);
    const [A, z, y] = [sim.col('A'), sim.col('z'), sim.col('y')];
    sim.t.forEach((t, i) => {
      expect(Math.abs(A[i]! - dde(t)), `A at t=${t}`).toBeLessThan(1e-8);
      expect(Math.abs(z[i]! - (t < 1 ? 1 : dde(t - 1))), `z at t=${t}`).toBeLessThan(1e-8);
      expect(Math.abs(y[i]! - (t < 0.5 ? 1 : dde(t - 0.5))), `y at t=${t}`).toBeLessThan(1e-8);
    });
  });

  it('a delay of 0 is the current value (in output and in the right-hand side, literal or a parameter)', () => {
    const sbml = doc({
      parameters: { B: 1, C: 1, k: 0, w: undefined },
      rules: {
        B: apply('minus', delay(ci('B'), cn(0))),
        C: apply('minus', delay(ci('C'), ci('k'))),
        'w=': delay(apply('times', cn(2), ci('B')), cn(0)),
      },
    });
    const sim = run(sbml, ['B', 'C', 'w'], 2, 10);
    sim.t.forEach((t, i) => {
      expect(sim.col('B')[i]).toBeCloseTo(Math.exp(-t), 9);
      expect(sim.col('C')[i]).toBeCloseTo(Math.exp(-t), 9);
      expect(sim.col('w')[i]).toBeCloseTo(2 * Math.exp(-t), 9);
    });
  });

  it('before the start, the past is the initial values at that time, at rest (rates 0)', () => {
    // x = sin(t) is a rule: delay(x, 1) at t < 1 is sin(t − 1) (SBML Test Suite case 00937).
    // S' = 1 from S = 2 has the past S = 2 and rateOf(S) = 0 (cases 00939, 01401).
    const sbml = doc({
      parameters: { x: undefined, y: undefined, S: 2, z: undefined, r: undefined, c: undefined, p: 0 },
      initialAssignments: { c: apply('cos', TIME) },
      rules: {
        'x=': apply('sin', TIME),
        'y=': delay(ci('x'), cn(1)),
        S: cn(1),
        'z=': delay(ci('S'), cn(1)),
        'r=': delay(rateOf('S'), cn(1)),
        // c is set once at t = 0 (cos 0 = 1); its past before 0 is cos(t) (case 00941).
        'p=': delay(ci('c'), cn(2)),
      },
    });
    const sim = run(sbml, ['y', 'z', 'r', 'p'], 3, 6);
    sim.t.forEach((t, i) => {
      expect(sim.col('y')[i]).toBeCloseTo(Math.sin(t - 1), 10);
      expect(sim.col('z')[i]).toBeCloseTo(t <= 1 ? 2 : 2 + (t - 1), 9);
      if (t !== 1) expect(sim.col('r')[i]).toBe(t < 1 ? 0 : 1);
      expect(sim.col('p')[i]).toBeCloseTo(t < 2 ? Math.cos(t - 2) : 1, 10);
    });
  });

  it('evaluates delays whose time changes, where only output reads them, and nested delays', () => {
    // x' = 1: y = x(t − t/2) = t/2 (case 00981); n = x(t − 1.5) (0 before 1.5); q = x(t − x).
    const sbml = doc({
      parameters: { x: 0, y: undefined, n: undefined, q: undefined },
      rules: {
        x: cn(1),
        'y=': delay(ci('x'), apply('divide', TIME, cn(2))),
        'n=': delay(delay(ci('x'), cn(1)), cn(0.5)),
        'q=': delay(ci('x'), ci('x')),
      },
    });
    const sim = run(sbml, ['y', 'n', 'q'], 3, 12);
    sim.t.forEach((t, i) => {
      expect(sim.col('y')[i]).toBeCloseTo(t / 2, 10);
      expect(sim.col('n')[i]).toBeCloseTo(Math.max(0, t - 1.5), 10);
      expect(sim.col('q')[i]).toBeCloseTo(0, 10);
    });
    // None of them is read while integrating: pieces are not cut by them.
    expect(compileSbml(readSbml(sbml)).history?.delays).toEqual([]);
  });

  it('reads the past across events: parameters as they were, jumps propagated as breaks', () => {
    // k = 1 until the event at t = 1.2 sets k = 5. B' = k(t − 0.5): B = t up to 1.7, then 1.7 + 5(t − 1.7)
    // (1.7 is off the grid of pieces 0.5 long: only the event's propagated break ends a piece there).
    // A' = 1: the trigger A(t − 1) > 0.5 fires at t = 1.5 (p := time); q := A(t − 1.5) at t ≥ 2 is 0.5.
    const sbml = doc({
      parameters: { k: 1, B: 0, y: undefined, A: 0, p: 0, q: 0 },
      rules: { B: delay(ci('k'), cn(0.5)), 'y=': delay(ci('k'), cn(0.5)), A: cn(1) },
      events: [
        event(apply('geq', TIME, cn(1.2)), { k: cn(5) }),
        event(apply('gt', delay(ci('A'), cn(1)), cn(0.5)), { p: TIME }),
        event(apply('geq', TIME, cn(2)), { q: delay(ci('A'), cn(1.5)) }),
      ],
    });
    for (const method of methods) {
      // Loose tolerances on purpose: B is linear between the breaks, so every method is exact to
      // rounding, unless a step straddles the jump at 1.7 or the piece that ends there reads k after
      // the event (the right limit) at its end.
      const sim = run(sbml, ['B', 'y', 'p', 'q'], 3, 12, method, { rtol: 1e-5, atol: 1e-7 });
      sim.t.forEach((t, i) => {
        const B = t <= 1.7 ? t : 1.7 + 5 * (t - 1.7);
        expect(Math.abs(sim.col('B')[i]! - B), `${method} t=${t}`).toBeLessThan(1e-10);
        expect(sim.col('y')[i]).toBe(t < 1.7 ? 1 : 5);
      });
      expect(sim.col('p')[12]).toBeCloseTo(1.5, 10);
      expect(sim.col('q')[12]).toBeCloseTo(0.5, 10);
    }
  });

  it('never reads past the recorded history (a piece longer than its delay would)', () => {
    const ode = compileSbml(
      readSbml(doc({ parameters: { x: 1 }, rules: { x: apply('minus', delay(ci('x'), cn(1))) } })),
    );
    const dydt = new Float64Array(1);
    ode.f(0.5, ode.y0, dydt); // reads t = −0.5: before the start, x = 1
    expect(dydt[0]).toBe(-1);
    expect(() => ode.f(1.5, ode.y0, dydt)).toThrow(/not known yet/);
  });

  it('refuses, by name, delays whose time changes where the solver reads them, and rates of a moving past', () => {
    const varying = refusal(
      doc({
        parameters: { A: 1 },
        rules: { A: apply('minus', delay(ci('A'), apply('plus', cn(1), apply('divide', TIME, cn(10))))) },
      }),
    );
    expect(varying.element).toBe('csymbol');
    expect(varying.message).toContain('delay(A, (1 + (time/10))) in rateRule A');
    expect(varying.message).toContain("the ODE's right-hand side");

    const inTrigger = refusal(
      doc({
        parameters: { A: 0, B: 1, p: 0 },
        rules: { A: cn(1), B: cn(1) },
        events: [
          `<event id="E" useValuesFromTriggerTime="true">
          <trigger initialValue="true" persistent="true">${math(apply('gt', delay(ci('A'), ci('B')), cn(1)))}</trigger>
          <listOfEventAssignments><eventAssignment variable="p">${math(cn(1))}</eventAssignment></listOfEventAssignments>
        </event>`,
        ],
      }),
    );
    expect(inTrigger.message).toContain('delay(A, B) in trigger of event E');
    expect(inTrigger.message).toContain('the trigger of event E');

    const movingPast = refusal(
      doc({
        parameters: { P: undefined, r: undefined },
        initialAssignments: { P: apply('sin', TIME) },
        rules: { P: cn(1), 'r=': delay(rateOf('P'), cn(1)) },
      }),
    );
    expect(movingPast.message).toContain('rateOf(P) before the start of the simulation');
  });

  it('reads delay(x, d) with two arguments only', () => {
    const sbml = doc({ parameters: { x: 1, y: undefined }, rules: { 'y=': delay(ci('x'), '') } });
    expect(() => compileSbml(readSbml(sbml))).toThrow(/delay takes two arguments, got 1/);
  });
});
