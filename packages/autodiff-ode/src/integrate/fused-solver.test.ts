import { describe, expect, it } from 'vitest';
import { FusedSolver } from './fused-solver';
import { type ParametricModel, tapeByRecompute } from './taped-model';

/** y' = p0·y + sin(t): linear, with exact solution, and a kink-free forcing. */
function linear(stops: number[] = [], seen?: number[]): ParametricModel {
  return {
    nStates: 1,
    nParams: 1,
    tstops: Float64Array.from(stops),
    f(t, y, p, d) {
      seen?.push(t);
      d[0] = p[0]! * y[0]! + Math.sin(t);
    },
    vjp(_t, _y, p, v, vJy, vJp) {
      vJy[0] = v[0]! * p[0]!;
      vJp[0] = v[0]! * _y[0]!;
    },
  };
}
const exact = (a: number, t: number, y0: number) => {
  // y = C e^{at} + (−a sin t − cos t)/(a² + 1)
  const part = (tt: number) => (-a * Math.sin(tt) - Math.cos(tt)) / (a * a + 1);
  return (y0 - part(0)) * Math.exp(a * t) + part(t);
};

describe('FusedSolver', () => {
  it('rk4 converges with order 4', () => {
    const p = Float64Array.of(-0.7);
    const err = (m: number) => {
      const s = new FusedSolver(tapeByRecompute(linear()), { method: 'rk4', substeps: m });
      const r = s.forward(p, [1], [0, 2], false);
      return Math.abs(r.Y[1]! - exact(-0.7, 2, 1));
    };
    // Pre-asymptotic below 40 steps (the error changes sign between 5 and 10).
    const order = Math.log2(err(40) / err(80));
    expect(order).toBeGreaterThan(3.8);
    expect(order).toBeLessThan(4.2);
  });

  it('dopri5 meets its tolerance, lands on output times and tstops, and restarts there', () => {
    const p = Float64Array.of(-0.7);
    for (const rtol of [1e-5, 1e-8]) {
      const seen: number[] = [];
      const s = new FusedSolver(tapeByRecompute(linear([1.234], seen)), {
        method: 'dopri5',
        rtol,
        atol: rtol * 1e-2,
      });
      const times = [0, 0.5, 3];
      const r = s.forward(p, [1], times, false);
      expect(r.status).toBe('success');
      for (let i = 0; i < 3; i++)
        expect(Math.abs(r.Y[i]! - exact(-0.7, times[i]!, 1))).toBeLessThan(50 * rtol);
      expect(seen).toContain(1.234);
    }
  });

  it('reports a blow-up as a failed status naming t, without throwing', () => {
    const blowUp: ParametricModel = {
      nStates: 1,
      nParams: 0,
      f(_t, y, _p, d) {
        d[0] = y[0]! * y[0]!;
      },
      vjp() {},
    };
    for (const method of ['dopri5', 'rk4'] as const) {
      const r = new FusedSolver(tapeByRecompute(blowUp), { method, substeps: 50, maxSteps: 5000 }).forward(
        new Float64Array(0),
        [1],
        [0, 2],
        false,
      );
      expect(r.status).toBe('failed');
      expect(r.message).toMatch(/t=/);
    }
  });
});
