import type { ODEProblem, StiffMethodName } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { e5, mescd, solve } from '../src/index';

const STIFF = ['radau5', 'rodas5', 'bdf', 'ros23', 'auto'] as const;

const robertson: ODEProblem = {
  f: (_t, y, d) => {
    d[0] = -0.04 * y[0]! + 1e4 * y[1]! * y[2]!;
    d[2] = 3e7 * y[1]! * y[1]!;
    d[1] = -d[0]! - d[2]!;
  },
  y0: [1, 0, 0],
  tspan: [0, 40],
};
// Hairer & Wanner II, IV.10 (ROBER at t = 40, computed with tight tolerances).
const ROBER_40 = [0.715827068719394, 9.18553476455734e-6, 0.284163745745841];

const lotkaVolterra: ODEProblem = {
  f: (_t, y, d) => {
    d[0] = 1.5 * y[0]! - y[0]! * y[1]!;
    d[1] = -3 * y[1]! + y[0]! * y[1]!;
  },
  y0: [1, 1],
  tspan: [0, 10],
};

describe('stiff methods agree with the reference and with each other', () => {
  it.each(
    STIFF,
  )('%s reproduces ROBER at t = 40 (finite-difference Jacobian) and conserves mass', (method) => {
    const rtol = method === 'ros23' ? 1e-5 : 1e-8;
    const sol = solve(robertson, { method, rtol, atol: 1e-12, saveAt: [40] });
    expect(sol.status).toBe('success');
    const y = sol.y[0]!;
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(y[i]! - ROBER_40[i]!) / (1e-4 + Math.abs(ROBER_40[i]!))).toBeLessThan(
        method === 'ros23' ? 1e-3 : 1e-5,
      );
    }
    // The three rates sum to zero, so every linearly implicit step conserves y1 + y2 + y3 to round-off.
    expect(Math.abs(y[0]! + y[1]! + y[2]! - 1)).toBeLessThan(1e-13);
    expect(sol.stats.njev).toBeGreaterThan(method === 'auto' ? 0 : 1);
  });

  it.each(STIFF)('%s matches dopri5 on a non-stiff oscillator', (method) => {
    const saveAt = [2.5, 5, 7.5, 10];
    const ref = solve(lotkaVolterra, { method: 'dopri5', rtol: 1e-12, atol: 1e-12, saveAt });
    const sol = solve(lotkaVolterra, { method, rtol: 1e-8, atol: 1e-10, saveAt });
    expect(sol.status).toBe('success');
    const tol = method === 'ros23' ? 1e-4 : 1e-5;
    for (let k = 0; k < saveAt.length; k++) {
      for (let i = 0; i < 2; i++) expect(Math.abs(sol.y[k]![i]! - ref.y[k]![i]!)).toBeLessThan(tol);
    }
  });
});

describe('sparse Jacobians', () => {
  /** k Robertson blocks with rate constants varied per block so that the blocks differ. */
  function blocks(k: number, withPattern: boolean): ODEProblem {
    const problem: ODEProblem = {
      f: (_t, y, d) => {
        for (let b = 0; b < k; b++) {
          const i = 3 * b;
          const k1 = 0.04 * (1 + b / k);
          d[i] = -k1 * y[i]! + 1e4 * y[i + 1]! * y[i + 2]!;
          d[i + 2] = 3e7 * y[i + 1]! * y[i + 1]!;
          d[i + 1] = -d[i]! - d[i + 2]!;
        }
      },
      y0: Array.from({ length: 3 * k }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      tspan: [0, 100],
    };
    if (withPattern) {
      problem.jacSparsity = Array.from({ length: 3 * k }, (_, i) => {
        const b = 3 * Math.floor(i / 3);
        return [b, b + 1, b + 2];
      });
    }
    return problem;
  }

  it.each<StiffMethodName>([
    'radau5',
    'rodas5',
    'bdf',
  ])('%s gives the same answer with grouped differences and the band LU', (method) => {
    const k = 40;
    const opts = { method, rtol: 1e-7, atol: 1e-12, saveAt: [100] };
    const dense = solve(blocks(k, false), opts);
    const sparse = solve(blocks(k, true), opts);
    expect(dense.status).toBe('success');
    expect(sparse.status).toBe('success');
    for (let i = 0; i < 3 * k; i++) {
      expect(Math.abs(sparse.y[0]![i]! - dense.y[0]![i]!)).toBeLessThan(
        1e-8 * Math.max(1e-4, Math.abs(dense.y[0]![i]!)) + 1e-12,
      );
    }
    // Dense differences cost 3k evaluations per Jacobian, grouped ones 3.
    expect(sparse.stats.nfev).toBeLessThan(dense.stats.nfev);
  });
});

describe('sparse LU on a network with a hub species', () => {
  /**
   * n − 1 species converted along a chain and by long-range reactions, every reaction catalysed
   * by a cofactor (species 0) that is slowly consumed and regenerated: no narrow band exists.
   */
  function hubNetwork(n: number, withPattern: boolean): ODEProblem {
    const reactions: Array<[number, number, number]> = [];
    for (let i = 1; i < n - 1; i++) reactions.push([i, i + 1, 10 ** ((6 * i) / n)]);
    for (let i = 1; i < n; i++) reactions.push([i, 1 + ((7 * i + 3) % (n - 1)), 0.5]);
    const problem: ODEProblem = {
      f: (_t, y, d) => {
        d.fill(0);
        d[0] = 1 - y[0]!;
        for (const [from, to, k] of reactions) {
          const r = k * y[from]! * y[0]!;
          d[from]! -= r;
          d[to]! += r;
          d[0]! -= 1e-3 * r;
        }
      },
      y0: Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 1 / n)),
      tspan: [0, 10],
    };
    if (withPattern) {
      const rows: number[][] = Array.from({ length: n }, (_, i) => [0, i]);
      for (const [from, to] of reactions) {
        rows[to]!.push(from);
        rows[0]!.push(from);
      }
      problem.jacSparsity = rows;
    }
    return problem;
  }

  it.each<StiffMethodName>(['radau5', 'rodas5', 'bdf'])('%s agrees with the dense solve', (method) => {
    const n = 120;
    const opts = { method, rtol: 1e-7, atol: 1e-10, saveAt: [10] };
    const dense = solve(hubNetwork(n, false), opts);
    const sparse = solve(hubNetwork(n, true), opts);
    expect(dense.status).toBe('success');
    expect(sparse.status).toBe('success');
    for (let i = 0; i < n; i++) {
      expect(Math.abs(sparse.y[0]![i]! - dense.y[0]![i]!)).toBeLessThan(
        1e-7 * Math.abs(dense.y[0]![i]!) + 1e-10,
      );
    }
  });
});

describe('trace species near zero', () => {
  // E5 ends with y2 = y3 ≈ 8.9e-23 under atol = 1e-20; once y2, y3 < 0 the kinetics blow up in
  // finite time, so a method that lets them change sign within a loosened atol fails.
  it.each<StiffMethodName>([
    'radau5',
    'rodas5',
  ])('%s solves E5 on [0, 1e13] at every tolerance from 1e-4 to 1e-10', (method) => {
    for (let e = 4; e <= 10; e++) {
      const rtol = 10 ** -e;
      const sol = solve(e5.problem, { method, rtol, atol: 1e-20, saveAt: [1e13] });
      expect(sol.status).toBe('success');
      expect(mescd(sol.y[0]!, e5.reference, 1e-20, rtol)).toBeGreaterThan(e - 2);
    }
  });
});
