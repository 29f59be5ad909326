import { describe, expect, it } from 'vitest';
import lv from '../../test/fixtures/lotka-volterra-events.json' with { type: 'json' };
import { solve } from '../solve';
import type { ExplicitMethodName, RhsFunction } from '../types';

const G = 9.81;
const fall: RhsFunction = (_t, y, d) => {
  d[0] = y[1]!;
  d[1] = -G;
};

describe('events', () => {
  it.each<ExplicitMethodName>([
    'dopri5',
    'tsit5',
    'dop853',
    'bs3',
  ])('%s: a bouncing ball (terminal event, restart) hits the floor within 1e-10 of the analytic times', (method) => {
    const h0 = 10;
    const e = 0.8;
    // Analytic impact times: t1 = sqrt(2 h0 / g), then flights of 2·v_k/g with v_k = e^k·g·t1.
    const t1 = Math.sqrt((2 * h0) / G);
    const analytic = [t1];
    for (let k = 1; k < 6; k++) analytic.push(analytic[k - 1]! + (2 * e ** k * G * t1) / G);

    let t = 0;
    let y = [h0, 0];
    const found: number[] = [];
    for (let bounce = 0; bounce < 6; bounce++) {
      const sol = solve(
        { f: fall, y0: y, tspan: [t, 100] },
        {
          method,
          rtol: 1e-10,
          atol: 1e-12,
          events: [{ g: (_t, u) => u[0]!, direction: -1, terminal: true, name: 'floor' }],
        },
      );
      expect(sol.status).toBe('success');
      expect(sol.events).toHaveLength(1);
      const ev = sol.events[0]!;
      expect(ev.name).toBe('floor');
      expect(ev.index).toBe(0);
      // The solution stops at the event: its last output is the event itself.
      expect(sol.t[sol.t.length - 1]).toBe(ev.t);
      expect(Array.from(sol.y[sol.y.length - 1]!)).toEqual(Array.from(ev.y));
      found.push(ev.t);
      t = ev.t;
      y = [ev.y[0]!, -e * ev.y[1]!];
    }
    found.forEach((tf, k) => {
      expect(Math.abs(tf - analytic[k]!)).toBeLessThan(1e-10);
    });
  });

  it.each<ExplicitMethodName>([
    'dopri5',
    'tsit5',
    'dop853',
  ])('%s: Lotka–Volterra threshold crossings match scipy DOP853 (rtol 1e-13) within 1e-10', (method) => {
    const f: RhsFunction = (_t, u, d) => {
      d[0] = 1.5 * u[0]! - u[0]! * u[1]!;
      d[1] = -3 * u[1]! + u[0]! * u[1]!;
    };
    const sol = solve(
      { f, y0: [10, 5], tspan: [0, 15] },
      {
        method,
        rtol: 1e-12,
        atol: 1e-12,
        events: [
          { g: (_t, u) => u[0]! - 2, name: 'prey' },
          { g: (_t, u) => u[1]! - 8, direction: 1, name: 'predator up' },
        ],
      },
    );
    expect(sol.status).toBe('success');
    const prey = sol.events.filter((ev) => ev.index === 0);
    const pred = sol.events.filter((ev) => ev.index === 1);
    expect(prey.map((ev) => ev.t)).toHaveLength(lv.prey_crosses_2.length);
    expect(pred.map((ev) => ev.t)).toHaveLength(lv.predator_rises_through_8.length);
    prey.forEach((ev, k) => {
      expect(Math.abs(ev.t - lv.prey_crosses_2[k]!)).toBeLessThan(1e-10);
      expect(ev.y[0]).toBeCloseTo(2, 9);
    });
    pred.forEach((ev, k) => {
      expect(Math.abs(ev.t - lv.predator_rises_through_8[k]!)).toBeLessThan(1e-10);
    });
    // Events are reported in time order and do not stop the solve.
    for (let k = 1; k < sol.events.length; k++)
      expect(sol.events[k]!.t).toBeGreaterThan(sol.events[k - 1]!.t);
    expect(sol.t[sol.t.length - 1]).toBe(15);
    // The step after an event is not re-triggered by the event's own zero.
    expect(new Set(sol.events.map((ev) => `${ev.index}:${ev.t}`)).size).toBe(sol.events.length);
  });

  it('finds two crossings inside a single step (g is also checked at the step midpoint)', () => {
    // One rk4 step over [0, π] of y' = cos t: y(π) = 0 = y(0), so g = y − 1/2 is negative at both
    // ends; its Hermite extension π(θ − θ²) crosses 1/2 twice, at θ = (1 ± sqrt(1 − 2/π))/2.
    const sol = solve(
      { f: (t, _y, d) => void (d[0] = Math.cos(t)), y0: [0], tspan: [0, Math.PI] },
      { method: 'rk4', h0: Math.PI, events: [{ g: (_t, y) => y[0]! - 0.5 }] },
    );
    expect(sol.stats.naccept).toBe(1);
    const r = Math.sqrt(1 - 2 / Math.PI);
    const expected = [(Math.PI * (1 - r)) / 2, (Math.PI * (1 + r)) / 2];
    expect(sol.events).toHaveLength(2);
    sol.events.forEach((ev, k) => {
      expect(Math.abs(ev.t - expected[k]!)).toBeLessThan(1e-12);
    });
  });

  it('a terminal event cuts saveAt output at the event, and dense output ends there', () => {
    const sol = solve(
      { f: fall, y0: [10, 0], tspan: [0, 5] },
      {
        saveAt: [0, 0.5, 1, 1.5, 2, 2.5],
        dense: true,
        events: [{ g: (_t, u) => u[0]!, terminal: true }],
      },
    );
    const tHit = Math.sqrt(20 / G); // 1.43: saveAt points after it are not reached
    // With saveAt only requested times are output; the event's own state is in sol.events.
    expect(Array.from(sol.t)).toEqual([0, 0.5, 1]);
    expect(sol.events[0]!.t).toBeCloseTo(tHit, 10);
    expect(() => sol.at!(tHit + 1e-6)).toThrow(RangeError);
    expect(sol.at!(tHit - 1e-3)[0]).toBeCloseTo(10 - 0.5 * G * (tHit - 1e-3) ** 2, 9);
  });

  describe('a trigger that is ±Number.MIN_VALUE at equality (as SBML relations compile)', () => {
    const decay: RhsFunction = (_t, y, d) => void (d[0] = -y[0]!);
    const relation = (atEquality: number) => (t: number) => {
      const d = t - 1.2;
      return d === 0 ? atEquality : d;
    };

    /**
     * Solve with the trigger as a terminal event, restarting from the located time until the
     * trigger holds there, as the SBML layer does; the number of solves that took.
     */
    function solvesUntilTrue(
      method: ExplicitMethodName,
      trigger: (t: number) => number,
    ): { solves: number; t: number } {
      let t = 0;
      let y = [1];
      for (let solves = 1; solves <= 30; solves++) {
        const sol = solve(
          { f: decay, y0: y, tspan: [t, 3] },
          { method, events: [{ g: (tt) => trigger(tt), direction: 1, terminal: true }] },
        );
        expect(sol.events).toHaveLength(1);
        t = sol.events[0]!.t;
        y = [sol.events[0]!.y[0]!];
        if (trigger(t) > 0) return { solves, t };
      }
      return { solves: Number.POSITIVE_INFINITY, t };
    }

    it.each<ExplicitMethodName>([
      'dopri5',
      'tsit5',
      'bs3',
      'dop853',
    ])('%s: time ≥ 1.2 is located at exactly 1.2 by one solve (was: 7 to 18 restarts before it)', (method) => {
      const { solves, t } = solvesUntilTrue(method, relation(Number.MIN_VALUE));
      expect(t).toBe(1.2);
      expect(solves).toBe(1);
    });

    it.each<ExplicitMethodName>([
      'dopri5',
      'tsit5',
      'bs3',
      'dop853',
    ])('%s: time > 1.2 is located just after 1.2 by one solve', (method) => {
      const { solves, t } = solvesUntilTrue(method, relation(-Number.MIN_VALUE));
      expect(t).toBeGreaterThan(1.2);
      expect(t - 1.2).toBeLessThanOrEqual(1.2e-12);
      expect(solves).toBe(1);
    });
  });
});
