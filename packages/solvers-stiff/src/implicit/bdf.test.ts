import { prepareSolve } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { blockRober, e5, hires, mescd, orego, pollu, rober, type TestProblem, vdpol } from '../testset/index';
import { bdf } from './bdf';

// Prothero–Robinson y' = λ(y − g) + g' with g = e^{t/2}, λ = −1e4 (stiff: |hλ| ≥ 100 on every grid).
const lambda = -1e4;
const g = (t: number) => Math.exp(t / 2);
const pr = {
  f: (t: number, y: Float64Array, dy: Float64Array) => {
    dy[0] = lambda * (y[0]! - g(t)) + 0.5 * g(t);
  },
  jac: (_t: number, _y: Float64Array, J: Float64Array) => {
    J[0] = lambda;
  },
  y0: [1],
  tspan: [0, 4] as const,
};

function fixedStepError(order: number, formula: 'bdf' | 'ndf', steps: number): number {
  const prep = prepareSolve(pr, { h0: 4 / steps, saveAt: [4], rtol: 1e-14, atol: 1e-14 });
  const sol = bdf(prep, { order, fixedStep: true, formula });
  expect(sol.status).toBe('success');
  return Math.abs(sol.y[0]![0]! - g(4));
}

/** Least-squares slope of log(error) against log(1/steps). */
function observedOrder(order: number, formula: 'bdf' | 'ndf', grid: number[]): number {
  const xs = grid.map((s) => Math.log(1 / s));
  const ys = grid.map((s) => Math.log(fixedStepError(order, formula, s)));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

describe('bdf convergence order', () => {
  for (const formula of ['bdf', 'ndf'] as const) {
    for (let k = 1; k <= 5; k++) {
      it(`${formula} of fixed order ${k} has order ${k} on the stiff Prothero–Robinson problem`, () => {
        // Order 5 reaches round-off beyond 120 steps; its grid stays coarser.
        const grid = k === 5 ? [40, 56, 80, 113] : [40, 80, 160, 320];
        expect(Math.abs(observedOrder(k, formula, grid) - k)).toBeLessThan(0.3);
      });
    }
  }

  it('reaches errors that shrink in proportion to the tolerance when adaptive', () => {
    const errs = [1e-5, 1e-7, 1e-9].map((tol) => {
      const sol = bdf(prepareSolve(pr, { rtol: tol, atol: tol, saveAt: [4] }));
      return Math.abs(sol.y[0]![0]! - g(4));
    });
    // Two decades of tolerance buy at least 1.5 decades of accuracy each.
    expect(Math.log10(errs[0]! / errs[1]!)).toBeGreaterThan(1.5);
    expect(Math.log10(errs[1]! / errs[2]!)).toBeGreaterThan(1.5);
  });
});

describe('bdf on the stiff test set', () => {
  const cases: Array<[TestProblem, boolean]> = [
    [rober, false],
    [hires, false],
    [pollu, false],
    [orego, false],
    [vdpol, false],
    // E5's y2 = y3 ≈ 1e-22 sit below atol; a negative excursion makes y2' = −c·y2² blow up.
    [e5, true],
  ];
  for (const [tp, nonnegative] of cases) {
    it(`reaches mescd ≥ 5.5 on ${tp.name} at rtol 1e-7${nonnegative ? ' (nonnegative)' : ''}`, () => {
      const rtol = 1e-7;
      const atol = tp.atol ?? rtol;
      const t1 = tp.problem.tspan[1] as number;
      const sol = bdf(prepareSolve(tp.problem, { rtol, atol, saveAt: [t1], nonnegative }));
      expect(sol.status, sol.message).toBe('success');
      expect(mescd(sol.y[0]!, tp.reference, atol, rtol)).toBeGreaterThanOrEqual(5.5);
      expect(sol.stats.nlu).toBeLessThan(sol.stats.naccept);
    });
  }

  // A single Newton correction made with a stale Jacobian once let a large late step carry y2, y3
  // (≈ 1e-21, below atol) negative, after which the kinetics blow up to a step-size underflow.
  it('bdf solves E5 with default options at rtol 1e-7 with mescd ≥ 5.5', () => {
    const sol = bdf(prepareSolve(e5.problem, { rtol: 1e-7, atol: 1e-20, saveAt: [1e13] }));
    expect(sol.status, sol.message).toBe('success');
    expect(mescd(sol.y[0]!, e5.reference, 1e-20, 1e-7)).toBeGreaterThanOrEqual(5.5);
  });

  it('gives the same answer from finite-difference Jacobians, with and without a sparsity pattern', () => {
    const { f, jacSparsity, y0, tspan } = pollu.problem;
    const opts = { rtol: 1e-8, atol: 1e-8, saveAt: [60] };
    const analytic = bdf(prepareSolve(pollu.problem, opts));
    const dense = bdf(prepareSolve({ f, y0, tspan }, opts));
    const grouped = bdf(prepareSolve({ f, y0, tspan, jacSparsity }, opts));
    for (const sol of [dense, grouped]) {
      expect(sol.status).toBe('success');
      expect(mescd(sol.y[0]!, analytic.y[0]!, 1e-8, 1e-8)).toBeGreaterThan(6.5);
    }
    // Column grouping: POLLU's 20 columns fit in far fewer f evaluations per Jacobian.
    expect(grouped.stats.nfev / grouped.stats.njev).toBeLessThan(dense.stats.nfev / dense.stats.njev);
  });

  it('solves block-diagonal ROBER with each block at the ROBER reference', () => {
    const copies = 50;
    const { f, jacSparsity, y0, tspan } = blockRober(copies);
    const sol = bdf(prepareSolve({ f, jacSparsity, y0, tspan }, { rtol: 1e-7, atol: 1e-13, saveAt: [1e11] }));
    expect(sol.status).toBe('success');
    const y = sol.y[0]!;
    for (let b = 0; b < copies; b++) {
      expect(mescd(y.subarray(3 * b, 3 * b + 3), rober.reference, 1e-13, 1e-7)).toBeGreaterThanOrEqual(5.5);
    }
  });
});

describe('bdf output and failures', () => {
  it('interpolates between steps with its own polynomial (dense output)', () => {
    const sol = bdf(prepareSolve(pr, { rtol: 1e-9, atol: 1e-9, dense: true }));
    const out = new Float64Array(1);
    for (const t of [0.123, 1.5, 2.71, 3.999]) {
      sol.at!(t, out);
      expect(Math.abs(out[0]! - g(t))).toBeLessThan(1e-6);
    }
  });

  it('serves saveAt points and integrates backwards', () => {
    // y' = y/2 backwards from t = 4 (the stiff Prothero–Robinson problem is unstable backwards).
    const growth = { f: (_t: number, y: Float64Array, dy: Float64Array) => void (dy[0] = 0.5 * y[0]!) };
    const sol = bdf(
      prepareSolve(
        { ...growth, y0: [g(4)], tspan: [4, 0] },
        { rtol: 1e-9, atol: 1e-9, saveAt: [3, 2, 1, 0] },
      ),
    );
    expect(Array.from(sol.t)).toEqual([3, 2, 1, 0]);
    sol.t.forEach((t, i) => {
      expect(Math.abs(sol.y[i]![0]! - g(t))).toBeLessThan(1e-6);
    });
  });

  it('locates events on its interpolating polynomial', () => {
    const decay = {
      f: (_t: number, y: Float64Array, dy: Float64Array) => void (dy[0] = -y[0]!),
      y0: [1],
      tspan: [0, 3] as const,
    };
    const sol = bdf(
      prepareSolve(decay, {
        rtol: 1e-8,
        atol: 1e-10,
        events: [{ g: (_t, y) => y[0]! - 0.5, terminal: true }],
      }),
    );
    expect(sol.status).toBe('success');
    expect(sol.events).toHaveLength(1);
    expect(Math.abs(sol.events[0]!.t - Math.LN2)).toBeLessThan(1e-6);
    expect(sol.t[sol.t.length - 1]).toBe(sol.events[0]!.t);
  });

  it('lands on tstops and restarts there', () => {
    const kink = {
      f: (t: number, _y: Float64Array, dy: Float64Array) => void (dy[0] = t <= 1 ? 1 : -2),
      y0: [0],
      tspan: [0, 2] as const,
    };
    const sol = bdf(prepareSolve(kink, { rtol: 1e-8, atol: 1e-10, tstops: [1] }));
    expect(sol.status).toBe('success');
    expect(Array.from(sol.t)).toContain(1);
    expect(Math.abs(sol.y[sol.y.length - 1]![0]! - -1)).toBeLessThan(1e-7);
  });

  it('reports NaN in f as a failure value naming t', () => {
    const sol = bdf(
      prepareSolve(
        { f: (t, y, dy) => void (dy[0] = t > 1 ? Number.NaN : -y[0]!), y0: [1], tspan: [0, 2] },
        {},
      ),
    );
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^NaN or Inf in f at t=1\./);
  });

  it('stops at maxSteps with a failure value', () => {
    const sol = bdf(prepareSolve(rober.problem, { maxSteps: 20 }));
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^maxSteps \(20\) reached at t=/);
    expect(sol.stats.nsteps).toBe(20);
  });

  it('reports a blow-up as step size underflow', () => {
    const sol = bdf(
      prepareSolve({ f: (_t, y, dy) => void (dy[0] = y[0]! * y[0]!), y0: [1], tspan: [0, 2] }, {}),
    );
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(
      /(step size underflow|NaN or Inf in f|Newton iteration did not converge) at t=0\.99/,
    );
  });

  it('rejects bad settings with a RangeError', () => {
    expect(() => bdf(prepareSolve(pr, {}), { maxOrder: 6 })).toThrow(RangeError);
    expect(() => bdf(prepareSolve(pr, {}), { fixedStep: true })).toThrow(/h0/);
  });
});
