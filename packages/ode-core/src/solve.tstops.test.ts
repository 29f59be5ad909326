import { describe, expect, it } from 'vitest';
import { solve } from './solve';
import type { RhsFunction } from './types';

// A linearly interpolated control u(t) on a grid: f = u(t) has kinks at the grid times, so y is
// piecewise quadratic, integrated exactly by dopri5 whenever no step straddles a kink.
const grid = [0, 0.3, 0.7, 1.2, 2];
const values = [1, -2, 3, 0.5, 4];
function u(t: number): number {
  let i = 0;
  while (i < grid.length - 2 && t > grid[i + 1]!) i++;
  const s = (t - grid[i]!) / (grid[i + 1]! - grid[i]!);
  return values[i]! + s * (values[i + 1]! - values[i]!);
}
function exactIntegral(t: number): number {
  let acc = 0;
  for (let i = 0; i < grid.length - 1 && grid[i]! < t; i++) {
    const b = Math.min(t, grid[i + 1]!);
    acc += (b - grid[i]!) * (u(grid[i]!) + u(b)) * 0.5;
  }
  return acc;
}
const f: RhsFunction = (t, _y, d) => void (d[0] = u(t));

describe('tstops', () => {
  it('lands exactly on every kink, restarts its error history there and integrates without rejections', () => {
    const tstops = grid.slice(1, -1);
    const sol = solve({ f, y0: [0], tspan: [0, 2] }, { rtol: 1e-10, atol: 1e-12, tstops });
    expect(sol.status).toBe('success');
    for (const s of tstops) expect(Array.from(sol.t)).toContain(s);
    sol.t.forEach((t, k) => {
      expect(Math.abs(sol.y[k]![0]! - exactIntegral(t))).toBeLessThan(1e-13);
    });
    expect(sol.stats.nreject).toBe(0);
    // f0, the initial-step probe and 6 stages per step: the FSAL stage already is f at exactly the
    // tstop (f is a function of (t, y); evaluating it there again would give the same value).
    expect(sol.stats.nfev).toBe(2 + 6 * sol.stats.nsteps);
  });

  it('crossing the kinks instead costs rejected steps and accuracy', () => {
    const without = solve({ f, y0: [0], tspan: [0, 2] }, { rtol: 1e-10, atol: 1e-12 });
    const withStops = solve(
      { f, y0: [0], tspan: [0, 2] },
      { rtol: 1e-10, atol: 1e-12, tstops: grid.slice(1, -1) },
    );
    expect(without.stats.nreject).toBeGreaterThan(0);
    expect(without.stats.nfev).toBeGreaterThan(withStops.stats.nfev);
  });

  it('ignores tstops outside the span, duplicates and order; works backwards', () => {
    const sol = solve(
      { f, y0: [exactIntegral(2)], tspan: [2, 0] },
      { tstops: [5, 0.7, 1.2, 0.3, 0.7, -1, 2, 0] },
    );
    expect(sol.status).toBe('success');
    for (const s of [1.2, 0.7, 0.3]) expect(Array.from(sol.t)).toContain(s);
    expect(Math.abs(sol.y[sol.y.length - 1]![0]!)).toBeLessThan(1e-12);
  });

  it('a fixed-step method shortens the step that would cross a tstop', () => {
    const sol = solve({ f, y0: [0], tspan: [0, 2] }, { method: 'rk4', h0: 0.25, tstops: [0.3, 0.7, 1.2] });
    expect(Array.from(sol.t.slice(0, 4))).toEqual([0, 0.25, 0.3, 0.55]);
    expect(Math.abs(sol.y[sol.y.length - 1]![0]! - exactIntegral(2))).toBeLessThan(1e-13);
  });
});

describe('tstops closer together than a step can be', () => {
  it('are merged instead of leaving a step too short to take', () => {
    const t1 = 1e6;
    const g: RhsFunction = (_t, y, d) => void (d[0] = -y[0]! / t1);
    const eps = Number.EPSILON * t1;
    const tstops = [5e5, 5e5 + 3 * eps, t1 - 2 * eps];
    const sol = solve({ f: g, y0: [1], tspan: [0, t1] }, { tstops, rtol: 1e-8 });
    expect(sol.status, sol.message).toBe('success');
    expect(sol.y.at(-1)![0]).toBeCloseTo(Math.exp(-1), 7);
    expect(Array.from(sol.t)).toContain(5e5);
  });
});
