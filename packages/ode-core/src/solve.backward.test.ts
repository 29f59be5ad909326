import { describe, expect, it } from 'vitest';
import { solve } from './solve';
import type { ExplicitMethodName, RhsFunction } from './types';

// y' = y·cos t (DETEST A3): y = exp(sin t).
const f: RhsFunction = (t, y, d) => void (d[0] = y[0]! * Math.cos(t));
const exact = (t: number) => Math.exp(Math.sin(t));

describe('integration backwards in time (t1 < t0)', () => {
  it.each<ExplicitMethodName>([
    'dopri5',
    'tsit5',
    'bs3',
    'dop853',
  ])('%s reaches y(0) from y(5) to tolerance', (method) => {
    const sol = solve({ f, y0: [exact(5)], tspan: [5, 0] }, { method, rtol: 1e-9, atol: 1e-12 });
    expect(sol.status).toBe('success');
    expect(sol.t[0]).toBe(5);
    expect(sol.t[sol.t.length - 1]).toBe(0);
    for (let k = 1; k < sol.t.length; k++) expect(sol.t[k]).toBeLessThan(sol.t[k - 1]!);
    expect(Math.abs(sol.y[sol.y.length - 1]![0]! - exact(0))).toBeLessThan(1e-7);
    // Backwards costs about what forwards does.
    const fwd = solve({ f, y0: [exact(0)], tspan: [0, 5] }, { method, rtol: 1e-9, atol: 1e-12 });
    expect(sol.stats.nfev / fwd.stats.nfev).toBeGreaterThan(0.5);
    expect(sol.stats.nfev / fwd.stats.nfev).toBeLessThan(2);
  });

  it('serves descending saveAt points, dense output and events', () => {
    const saveAt = [5, 4, 3.5, 2, 0.25, 0];
    const sol = solve(
      { f, y0: [exact(5)], tspan: [5, 0] },
      {
        rtol: 1e-10,
        atol: 1e-12,
        saveAt,
        dense: true,
        // Going backwards, t − 2.5 falls through zero: a falling crossing in the integration direction.
        events: [{ g: (t) => t - 2.5, direction: -1 }],
      },
    );
    expect(Array.from(sol.t)).toEqual(saveAt);
    sol.t.forEach((t, k) => {
      expect(Math.abs(sol.y[k]![0]! - exact(t))).toBeLessThan(1e-8);
    });
    for (const t of [4.9, 3.3, 1.1, 0.01]) expect(Math.abs(sol.at!(t)[0]! - exact(t))).toBeLessThan(1e-8);
    expect(() => sol.at!(5.1)).toThrow(RangeError);
    expect(() => sol.at!(-0.1)).toThrow(RangeError);
    expect(sol.events).toHaveLength(1);
    expect(Math.abs(sol.events[0]!.t - 2.5)).toBeLessThan(1e-11);
  });

  it('fixed-step rk4 accepts h0 as a magnitude or with the backward sign', () => {
    for (const h0 of [0.1, -0.1]) {
      const sol = solve({ f, y0: [exact(5)], tspan: [5, 0] }, { method: 'rk4', h0 });
      expect(sol.stats.naccept).toBe(50);
      expect(sol.t[50]).toBe(0);
      expect(Math.abs(sol.y[50]![0]! - exact(0))).toBeLessThan(1e-5);
    }
  });
});
