import type { ODEProblem } from '@kinetica/ode-core';
import { prepareSolve } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { radau5, solve } from '../src/index';

// y1' = −1000·y1 + y2, y2' = −y2/2: exact solution in closed form.
const linear: ODEProblem = {
  f: (_t, y, d) => {
    d[0] = -1000 * y[0]! + y[1]!;
    d[1] = -0.5 * y[1]!;
  },
  y0: [1, 1],
  tspan: [0, 20],
};
const exact = (t: number) => {
  const c = 1 / 999.5;
  return [(1 - c) * Math.exp(-1000 * t) + c * Math.exp(-0.5 * t), Math.exp(-0.5 * t)];
};

describe('radau5', () => {
  it('reuses one Jacobian and most LU factorisations on a linear problem', () => {
    const sol = radau5(prepareSolve(linear, { rtol: 1e-8, atol: 1e-10, saveAt: [20] }));
    expect(sol.status).toBe('success');
    expect(sol.stats.njev).toBe(1);
    // Two LUs (real and complex) per refactorisation, far fewer than the steps taken.
    expect(sol.stats.nlu).toBeLessThan(sol.stats.nsteps / 2);
    const [y1, y2] = exact(20);
    expect(Math.abs(sol.y[0]![0]! - y1!)).toBeLessThan(1e-12);
    expect(Math.abs(sol.y[0]![1]! - y2!)).toBeLessThan(1e-10);
  });

  it('recomputes the Jacobian every step when asked to (jacobianReuseThreshold 0) and agrees', () => {
    const reuse = radau5(prepareSolve(linear, { rtol: 1e-8, atol: 1e-10, saveAt: [20] }));
    const fresh = radau5(prepareSolve(linear, { rtol: 1e-8, atol: 1e-10, saveAt: [20] }), {
      jacobianReuseThreshold: 0,
    });
    expect(fresh.stats.njev).toBeGreaterThan(reuse.stats.njev);
    expect(Math.abs(fresh.y[0]![1]! - reuse.y[0]![1]!)).toBeLessThan(1e-10);
  });

  it('rejects fewer steps with the predictive controller than with the classical one on a stiff transient', () => {
    const vdp: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = y[1]!;
        d[1] = ((1 - y[0]! * y[0]!) * y[1]! - y[0]!) / 1e-6;
      },
      y0: [2, 0],
      tspan: [0, 2],
    };
    const pred = radau5(prepareSolve(vdp, { rtol: 1e-4, atol: 1e-4 }));
    const classic = radau5(prepareSolve(vdp, { rtol: 1e-4, atol: 1e-4 }), { predictive: false });
    expect(pred.status).toBe('success');
    expect(classic.status).toBe('success');
    // Gustafsson (1994): fewer rejections after sharp changes of the step (39 vs 60 here).
    expect(pred.stats.nreject).toBeLessThan(classic.stats.nreject);
  });

  it('validates its options', () => {
    expect(() => radau5(prepareSolve(linear, {}), { maxNewtonIterations: 1 })).toThrow(RangeError);
    expect(() => radau5(prepareSolve(linear, {}), { jacobianReuseThreshold: 1 })).toThrow(RangeError);
  });
});

describe('radau5 restarting at tstops', () => {
  // E + S ⇌ C → E + P (E = 1 − C): fast binding, then a slow, smooth turnover of S.
  const f = (_t: number, y: Float64Array, d: Float64Array) => {
    const bind = 1e3 * (1 - y[1]!) * y[0]!;
    d[0] = -bind + 1e2 * y[1]!;
    d[1] = bind - 1e2 * y[1]! - y[1]!;
    d[2] = y[1]!;
  };
  const times = [0.5, 1, 2, 3, 5, 5.5, 6];
  const ref = solve(
    { f, y0: [10, 0, 0], tspan: [0, 6] },
    { method: 'radau5', rtol: 1e-13, atol: 1e-15, saveAt: times },
  );

  it('is as accurate with the output times as tstops as without them', () => {
    // Before the fix, Newton started from zeros with the step the controller had reached, and the
    // contraction test accepted an unconverged iterate: 232 tolerance units at t = 1 (rtol 1e-8).
    for (const rtol of [1e-6, 1e-8, 1e-10]) {
      const atol = 1e-2 * rtol;
      for (const tstops of [[], times, [0.5, 1]]) {
        const sol = solve(
          { f, y0: [10, 0, 0], tspan: [0, 6] },
          { method: 'radau5', rtol, atol, saveAt: times, tstops },
        );
        expect(sol.status).toBe('success');
        let worst = 0;
        for (let i = 0; i < times.length; i++) {
          for (let j = 0; j < 3; j++) {
            worst = Math.max(
              worst,
              Math.abs(sol.y[i]![j]! - ref.y[i]![j]!) / (atol + rtol * Math.abs(ref.y[i]![j]!)),
            );
          }
        }
        expect(worst, `rtol ${rtol}, tstops ${JSON.stringify(tstops)}`).toBeLessThan(40);
      }
    }
  });
});
