import { describe, expect, it } from 'vitest';
import { solve } from '../src/index';

const METHODS = ['bdf', 'radau5', 'rodas5', 'auto', 'dopri5', 'tsit5', 'dop853', 'bs3'] as const;
const decay = (_t: number, y: Float64Array, d: Float64Array) => {
  d[0] = -y[0]!;
};

describe('spans and first steps at the scale of round-off', () => {
  // An event located a few ulps before an output time leaves such a piece to integrate.
  it.each(METHODS)('%s integrates a span of 3 ulps in one step instead of reporting underflow', (method) => {
    const t0 = 5.3;
    const t1 = t0 + 3 * 2 ** -50;
    const sol = solve({ f: decay, y0: [1], tspan: [t0, t1] }, { method });
    expect(sol.status, sol.message).toBe('success');
    expect(sol.t.at(-1)).toBe(t1);
    expect(sol.y.at(-1)![0]).toBeCloseTo(Math.exp(-(t1 - t0)), 15);
    expect(sol.stats.naccept).toBeLessThanOrEqual(2);
  });

  it.each(METHODS)('%s fails fast with a status when f is NaN on such a span', (method) => {
    const t0 = 5.3;
    const t1 = t0 + 3 * 2 ** -50;
    const f = (t: number, y: Float64Array, d: Float64Array) => {
      d[0] = t > t0 ? Number.NaN : -y[0]!;
    };
    const sol = solve({ f, y0: [1], tspan: [t0, t1] }, { method });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/NaN or Inf|underflow/);
    expect(sol.stats.nsteps).toBeLessThan(100);
  });

  // A restart at an event's time: the state is a rounding residue of 0 (trig = t − 5.3 just past
  // 5.3) and the Hairer–Wanner estimate answers |y|/|f|, a few ulps of t.
  it.each(METHODS)('%s starts at t = 5.3 from a state of 4.4e-15 with a tight atol', (method) => {
    const t0 = 5.300000000000006;
    const sol = solve(
      {
        f: (_t, _y, d) => {
          d[0] = 1;
        },
        y0: [4.440892098500626e-15],
        tspan: [t0, 22],
      },
      { method, rtol: 3.3e-9, atol: 3.3e-10, saveAt: [22] },
    );
    expect(sol.status, sol.message).toBe('success');
    expect(sol.y[0]![0]).toBeCloseTo(22 - 5.3, 9);
  });
});
