import { describe, expect, it } from 'vitest';
import { apply, ci, cn, math, sbmlDocument, TIME } from '../../test/support/sbml-builder';
import { readSbml } from './document';
import { SbmlUnsupportedError } from './errors';
import { compileSbml } from './ode-model';
import { simulateSbml } from './simulate';

/** Parameters (all non-constant), rate rules and events in an L3V2 document. */
function model(opts: {
  parameters: Record<string, number>;
  rates?: Record<string, string>;
  events: string[];
}): string {
  const params = Object.entries(opts.parameters)
    .map(([id, value]) => `<parameter id="${id}" value="${value}" constant="false"/>`)
    .join('');
  const rules = Object.entries(opts.rates ?? {})
    .map(([id, m]) => `<rateRule variable="${id}">${math(m)}</rateRule>`)
    .join('');
  return sbmlDocument(`
    <listOfParameters>${params}</listOfParameters>
    ${rules ? `<listOfRules>${rules}</listOfRules>` : ''}
    <listOfEvents>${opts.events.join('')}</listOfEvents>`);
}

function event(opts: {
  trigger: string;
  assign: Record<string, string>;
  initialValue?: boolean;
  persistent?: boolean;
  useValuesFromTriggerTime?: boolean;
  delay?: string;
  priority?: string;
}): string {
  const assignments = Object.entries(opts.assign)
    .map(([id, m]) => `<eventAssignment variable="${id}">${math(m)}</eventAssignment>`)
    .join('');
  return `<event useValuesFromTriggerTime="${opts.useValuesFromTriggerTime ?? true}">
    <trigger initialValue="${opts.initialValue ?? true}" persistent="${opts.persistent ?? true}">${math(opts.trigger)}</trigger>
    ${opts.delay ? `<delay>${math(opts.delay)}</delay>` : ''}
    ${opts.priority ? `<priority>${math(opts.priority)}</priority>` : ''}
    <listOfEventAssignments>${assignments}</listOfEventAssignments>
  </event>`;
}

const settings = (variables: string[], duration: number, steps: number): string =>
  `start: 0\nduration: ${duration}\nsteps: ${steps}\nvariables: ${variables.join(', ')}\nabsolute: 1e-10\nrelative: 1e-10\n`;

/** Run and return the last row as { variable: value }, and all rows. */
function run(sbml: string, variables: string[], duration = 3, steps = 30) {
  const sim = simulateSbml(sbml, settings(variables, duration, steps), { rtol: 1e-11, atol: 1e-13 });
  expect(sim.status).toBe('success');
  expect(sim.rows).toHaveLength(steps + 1);
  const at = (i: number): Record<string, number> =>
    Object.fromEntries(sim.header.map((h, k) => [h, sim.rows[i]![k]!]));
  return { at, last: at(steps), rows: sim.rows };
}

describe('SBML events', () => {
  it('locates a threshold crossing to solver tolerance and restarts from the assigned state', () => {
    // A' = −A from 1; when A < 1/2: A := 1, n := n + 1, tHit := time. Crossings at k·ln 2.
    const sbml = model({
      parameters: { A: 1, n: 0, tHit: -1 },
      rates: { A: apply('minus', ci('A')) },
      events: [
        event({
          trigger: apply('lt', ci('A'), cn(0.5)),
          assign: { A: cn(1), n: apply('plus', ci('n'), cn(1)), tHit: TIME },
        }),
      ],
    });
    const { last, at } = run(sbml, ['A', 'n', 'tHit']);
    expect(last.n).toBe(4); // 4 ln 2 = 2.77 < 3 < 5 ln 2
    expect(Math.abs(last.tHit! - 4 * Math.LN2)).toBeLessThan(1e-9);
    expect(last.A).toBeCloseTo(Math.exp(-(3 - 4 * Math.LN2)), 9);
    // Before the first crossing nothing has happened; after it, A restarted from 1.
    expect(at(6).A).toBeCloseTo(Math.exp(-0.6), 9);
    expect(at(6).n).toBe(0);
    expect(at(10).A).toBeCloseTo(Math.exp(-(1 - Math.LN2)), 9);
    expect(at(10).n).toBe(1);
  });

  it('fires at t0 when the trigger holds there and initialValue is false, not when it is true', () => {
    const sbml = (initialValue: boolean): string =>
      model({
        parameters: { p: 0, x: 2 },
        events: [event({ trigger: apply('gt', ci('x'), cn(1)), assign: { p: cn(7) }, initialValue })],
      });
    const fired = run(sbml(false), ['p'], 1, 2);
    expect(fired.at(0).p).toBe(7); // the row at t0 shows the values after the event
    expect(fired.last.p).toBe(7);
    expect(run(sbml(true), ['p'], 1, 2).last.p).toBe(0);
  });

  it('cancels a delayed non-persistent event whose trigger turns false, keeps a persistent one', () => {
    // E1: time ≥ 1 and flag > 1/2, delay 1 → p := 1 at t = 2. E2: time ≥ 1.5 → flag := 0.
    const sbml = (persistent: boolean): string =>
      model({
        parameters: { p: 0, flag: 1 },
        events: [
          event({
            trigger: apply('and', apply('geq', TIME, cn(1)), apply('gt', ci('flag'), cn(0.5))),
            assign: { p: cn(1) },
            delay: cn(1),
            persistent,
          }),
          event({ trigger: apply('geq', TIME, cn(1.5)), assign: { flag: cn(0) } }),
        ],
      });
    const persistent = run(sbml(true), ['p', 'flag'], 3, 6);
    expect(persistent.at(3).p).toBe(0); // t = 1.5
    expect(persistent.at(4).p).toBe(1); // t = 2: executed at exactly 2
    expect(persistent.last.flag).toBe(0);
    expect(run(sbml(false), ['p', 'flag'], 3, 6).last.p).toBe(0);
  });

  it('takes assignment values at trigger time or at execution time (useValuesFromTriggerTime)', () => {
    // A' = −A from 1; time ≥ 1 triggers, delay 1: p := A, i.e. e^−1 or e^−2.
    const sbml = (useValuesFromTriggerTime: boolean): string =>
      model({
        parameters: { A: 1, p: 0 },
        rates: { A: apply('minus', ci('A')) },
        events: [
          event({
            trigger: apply('geq', TIME, cn(1)),
            assign: { p: ci('A') },
            delay: cn(1),
            useValuesFromTriggerTime,
          }),
        ],
      });
    expect(run(sbml(true), ['p']).last.p).toBeCloseTo(Math.exp(-1), 9);
    expect(run(sbml(false), ['p']).last.p).toBeCloseTo(Math.exp(-2), 9);
  });

  it('executes simultaneous events in document order, or by priority', () => {
    // E1: x := x + 1, E2: x := 2x, both at time ≥ 1, values taken at execution: 4 in document
    // order, 3 when E2 has the higher priority.
    const sbml = (priorities: [string, string] | undefined): string =>
      model({
        parameters: { x: 1 },
        events: [
          event({
            trigger: apply('geq', TIME, cn(1)),
            assign: { x: apply('plus', ci('x'), cn(1)) },
            useValuesFromTriggerTime: false,
            ...(priorities ? { priority: priorities[0] } : {}),
          }),
          event({
            trigger: apply('geq', TIME, cn(1)),
            assign: { x: apply('times', cn(2), ci('x')) },
            useValuesFromTriggerTime: false,
            ...(priorities ? { priority: priorities[1] } : {}),
          }),
        ],
      });
    expect(run(sbml(undefined), ['x'], 2, 2).last.x).toBe(4);
    expect(run(sbml([cn(1), cn(2)]), ['x'], 2, 2).last.x).toBe(3);
    expect(run(sbml([cn(2), cn(1)]), ['x'], 2, 2).last.x).toBe(4);
  });

  it('catches a compound trigger whose true window is far narrower than a solver step', () => {
    // x' = 1: the trigger 0.5 < x < 0.5001 holds for 1e-4 time units only.
    const sbml = model({
      parameters: { x: 0, hits: 0, tHit: -1 },
      rates: { x: cn(1) },
      events: [
        event({
          trigger: apply('and', apply('gt', ci('x'), cn(0.5)), apply('lt', ci('x'), cn(0.5001))),
          assign: { hits: apply('plus', ci('hits'), cn(1)), tHit: TIME },
        }),
      ],
    });
    const { last } = run(sbml, ['hits', 'tHit'], 2, 2);
    expect(last.hits).toBe(1);
    expect(Math.abs(last.tHit! - 0.5)).toBeLessThan(1e-9);
  });

  it('sees a trigger that starts exactly on its boundary (x > 0 from x = 0 fires at once, x > 0 staying 0 never)', () => {
    const sbml = (rate: number): string =>
      model({
        parameters: { x: 0, hits: 0, tHit: -1 },
        rates: { x: cn(rate) },
        events: [
          event({
            trigger: apply('gt', ci('x'), cn(0)),
            assign: { hits: apply('plus', ci('hits'), cn(1)), tHit: TIME },
          }),
        ],
      });
    const moving = run(sbml(1), ['hits', 'tHit'], 1, 2).last;
    expect(moving.hits).toBe(1);
    expect(moving.tHit).toBeLessThan(1e-9);
    expect(run(sbml(0), ['hits'], 1, 2).last.hits).toBe(0);
  });

  it('refuses triggers without a continuous form by name', () => {
    const sbml = model({
      parameters: { x: 0 },
      events: [event({ trigger: apply('eq', TIME, cn(1)), assign: { x: cn(1) } })],
    });
    let error: unknown;
    try {
      compileSbml(readSbml(sbml));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SbmlUnsupportedError);
    expect((error as SbmlUnsupportedError).element).toBe('trigger');
    expect((error as Error).message).toMatch(/<eq>/);
  });
});
