import type { ODEProblem } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { solve } from '../src/index';

/** Van der Pol with μ = 1000: slow stiff branches joined by fast non-stiff jumps. */
const vanDerPol: ODEProblem = {
  f: (_t, y, d) => {
    d[0] = y[1]!;
    d[1] = 1000 * (1 - y[0]! * y[0]!) * y[1]! - y[0]!;
  },
  y0: [2, 0],
  tspan: [0, 3000],
};

describe("'auto' method switching", () => {
  it('switches to Rodas5P on a stiff problem and back to Tsit5 on its fast jumps, and logs every switch', () => {
    const sol = solve(vanDerPol, { method: 'auto', rtol: 1e-6, atol: 1e-6, saveAt: [3000] });
    expect(sol.status).toBe('success');
    const { nswitch, switches } = sol.stats;
    expect(nswitch).toBe(switches!.length);
    expect(switches![0]!.to).toBe('rodas5');
    expect(switches!.some((s) => s.to === 'tsit5')).toBe(true);
    for (let k = 1; k < switches!.length; k++) {
      expect(switches![k]!.t).toBeGreaterThanOrEqual(switches![k - 1]!.t);
      expect(switches![k]!.to).not.toBe(switches![k - 1]!.to);
    }
    const ref = solve(vanDerPol, { method: 'radau5', rtol: 1e-10, atol: 1e-10, saveAt: [3000] });
    expect(Math.abs(sol.y[0]![0]! - ref.y[0]![0]!)).toBeLessThan(1e-3);
    // A pure explicit method needs far more steps (stability-limited on the slow branches).
    const explicit = solve(vanDerPol, {
      method: 'tsit5',
      rtol: 1e-6,
      atol: 1e-6,
      saveAt: [3000],
      maxSteps: 20_000,
    });
    expect(explicit.status).toBe('failed');
    expect(sol.stats.nsteps).toBeLessThan(5_000);
  });

  it('detects stiffness in the weighted norm, early even at tight tolerances', () => {
    // Robertson: the stiff mode lives in the 1e-5-sized y2, invisible in a plain Euclidean ratio.
    const rober: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = -0.04 * y[0]! + 1e4 * y[1]! * y[2]!;
        d[2] = 3e7 * y[1]! * y[1]!;
        d[1] = -d[0]! - d[2]!;
      },
      y0: [1, 0, 0],
      tspan: [0, 1e5],
    };
    const sol = solve(rober, { method: 'auto', rtol: 1e-9, atol: 1e-15, saveAt: [1e5] });
    expect(sol.status).toBe('success');
    expect(sol.stats.switches![0]!.to).toBe('rodas5');
    expect(sol.stats.switches![0]!.t).toBeLessThan(1);
  });

  it('never switches on a non-stiff problem and then costs exactly what tsit5 costs', () => {
    const osc: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = y[1]!;
        d[1] = -y[0]!;
      },
      y0: [1, 0],
      tspan: [0, 20],
    };
    const a = solve(osc, { method: 'auto', rtol: 1e-8, atol: 1e-10 });
    const b = solve(osc, { method: 'tsit5', rtol: 1e-8, atol: 1e-10 });
    expect(a.stats.nswitch).toBe(0);
    expect(a.stats.nfev).toBe(b.stats.nfev);
    expect(Array.from(a.y[a.y.length - 1]!)).toEqual(Array.from(b.y[b.y.length - 1]!));
  });

  it('stays explicit on the chaotic but non-stiff Lorenz system at loose and tight tolerances', () => {
    const lorenz: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = 10 * (y[1]! - y[0]!);
        d[1] = y[0]! * (28 - y[2]!) - y[1]!;
        d[2] = y[0]! * y[1]! - (8 / 3) * y[2]!;
      },
      y0: [1, 1, 1],
      tspan: [0, 20],
    };
    for (const rtol of [1e-3, 1e-6, 1e-9]) {
      expect(solve(lorenz, { method: 'auto', rtol, atol: rtol }).stats.nswitch).toBe(0);
    }
  });

  it('keeps dense output continuous across switches', () => {
    const sol = solve(vanDerPol, { method: 'auto', rtol: 1e-6, atol: 1e-6, dense: true });
    expect(sol.status).toBe('success');
    for (const s of sol.stats.switches!) {
      const before = sol.at!(s.t - 1e-9);
      const at = sol.at!(s.t);
      expect(Math.abs(before[0]! - at[0]!)).toBeLessThan(1e-6);
    }
  });
});
