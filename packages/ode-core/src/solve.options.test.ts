import { describe, expect, it } from 'vitest';
import { solve } from './solve';
import type { ExplicitMethodName, RhsFunction } from './types';

const oscillator: RhsFunction = (_t, y, d) => {
  d[0] = y[1]!;
  d[1] = -y[0]!;
};

describe('step-size options', () => {
  it.each<ExplicitMethodName>([
    'bs3',
    'dopri5',
    'tsit5',
    'dop853',
  ])('%s never steps further than hmax', (method) => {
    const sol = solve({ f: oscillator, y0: [1, 0], tspan: [0, 3] }, { method, hmax: 0.05, rtol: 1e-3 });
    for (let k = 1; k < sol.t.length; k++)
      expect(sol.t[k]! - sol.t[k - 1]!).toBeLessThanOrEqual(0.05 * (1 + 1e-12));
    expect(sol.stats.naccept).toBeGreaterThanOrEqual(60);
  });

  it('honours a per-component atol: the loosely controlled component does not drive the steps', () => {
    // Component 1 is tiny; with a scalar atol far below it, it sets the step size.
    const f: RhsFunction = (t, y, d) => {
      d[0] = -y[0]!;
      d[1] = 1e-6 * Math.cos(40 * t);
    };
    const tight = solve({ f, y0: [1, 0], tspan: [0, 5] }, { rtol: 1e-6, atol: 1e-14 });
    const loose = solve({ f, y0: [1, 0], tspan: [0, 5] }, { rtol: 1e-6, atol: [1e-14, 1e-6] });
    expect(loose.stats.nfev).toBeLessThan(tight.stats.nfev / 3);
    expect(Math.abs(loose.y[loose.y.length - 1]![0]! - Math.exp(-5))).toBeLessThan(1e-7);
  });

  it('the controller option reaches the PI controller (I controller: beta2 = 0)', () => {
    const p = { f: oscillator, y0: [1, 0], tspan: [0, 20] as [number, number] };
    const pi = solve(p, { rtol: 1e-8 });
    const i = solve(p, { rtol: 1e-8, controller: { beta1: 0.2, beta2: 0 } });
    expect(pi.stats.nfev).not.toBe(i.stats.nfev);
    expect(i.status).toBe('success');
  });

  it('a given h0 is used for the first step of an adaptive method', () => {
    const sol = solve({ f: oscillator, y0: [1, 0], tspan: [0, 1] }, { h0: 1e-3 });
    expect(sol.t[1]).toBe(1e-3);
    // No initial-step probe: f0 plus 6 evaluations per attempted step.
    expect(sol.stats.nfev).toBe(1 + 6 * sol.stats.nsteps);
  });
});
