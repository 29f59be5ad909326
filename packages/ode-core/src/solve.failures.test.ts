import { describe, expect, it } from 'vitest';
import { solve } from './solve';
import type { ExplicitMethodName } from './types';

function tOf(message: string): number {
  const m = /at t=(\S+)$/.exec(message);
  expect(m).not.toBeNull();
  return Number(m![1]);
}

describe('failures are values', () => {
  it.each<ExplicitMethodName>([
    'dopri5',
    'tsit5',
    'bs3',
    'dop853',
  ])("%s: blow-up of y' = y² at t = 1 ends with a message naming t ≈ 1", (method) => {
    const sol = solve({ f: (_t, y, d) => void (d[0] = y[0]! * y[0]!), y0: [1], tspan: [0, 2] }, { method });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^(step size underflow|NaN or Inf in f) at t=/);
    expect(Math.abs(tOf(sol.message) - 1)).toBeLessThan(1e-3);
    // What was integrated before the failure is kept.
    expect(sol.t.length).toBeGreaterThan(10);
    expect(Math.abs(sol.t[sol.t.length - 1]! - 1)).toBeLessThan(1e-3);
    expect(sol.y[sol.y.length - 1]![0]).toBeGreaterThan(1e4);
  });

  it('NaN from f beyond t = 1 is reported as such, at t ≈ 1, after backing off', () => {
    const sol = solve({ f: (t, _y, d) => void (d[0] = t > 1 ? Number.NaN : 1), y0: [0], tspan: [0, 3] });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^NaN or Inf in f at t=/);
    expect(Math.abs(tOf(sol.message) - 1)).toBeLessThan(1e-6);
  });

  it('NaN in f at the initial point fails at once', () => {
    const sol = solve({ f: (_t, _y, d) => void (d[0] = Number.POSITIVE_INFINITY), y0: [0], tspan: [0, 1] });
    expect(sol.status).toBe('failed');
    expect(sol.message).toBe('NaN or Inf in f at t=0');
    expect(sol.t.length).toBe(1);
  });

  it('a fixed-step method fails on the first non-finite step', () => {
    const sol = solve(
      { f: (t, _y, d) => void (d[0] = t >= 0.5 ? Number.NaN : 1), y0: [0], tspan: [0, 1] },
      { method: 'rk4', h0: 0.1 },
    );
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^NaN or Inf in f at t=0\.4/);
  });

  it('maxSteps ends the solve with the count and t in the message', () => {
    const sol = solve(
      { f: (t, _y, d) => void (d[0] = Math.cos(50 * t)), y0: [0], tspan: [0, 100] },
      { maxSteps: 10 },
    );
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^maxSteps \(10\) reached at t=/);
    expect(sol.stats.nsteps).toBe(10);
    expect(tOf(sol.message)).toBe(sol.t[sol.t.length - 1]);
    expect(sol.message).not.toMatch(/t=100$/);
  });

  it('success leaves the message empty and counts consistently', () => {
    const sol = solve(
      { f: (_t, y, d) => void (d[0] = -y[0]!), y0: [1], tspan: [0, 1] },
      { method: 'dopri5' },
    );
    expect(sol.status).toBe('success');
    expect(sol.message).toBe('');
    expect(sol.method).toBe('dopri5');
    const { nfev, nsteps, naccept, nreject } = sol.stats;
    expect(nsteps).toBe(naccept + nreject);
    // f0, the initial-step probe, then 6 new stages per attempted step (FSAL).
    expect(nfev).toBe(2 + 6 * nsteps);
  });
});
