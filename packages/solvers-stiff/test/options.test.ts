import type { MethodName, ODEProblem, StiffMethodName } from '@kinetica/ode-core';
import { solve as solveExplicit } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { solve, stiffMethodNames } from '../src/index';

const STIFF: StiffMethodName[] = ['radau5', 'rodas5', 'ros23', 'bdf', 'auto'];

const decay: ODEProblem = {
  f: (_t, y, d) => {
    d[0] = -50 * (y[0]! - Math.cos(_t));
  },
  y0: [0],
  tspan: [0, 2],
};

describe('solve dispatch', () => {
  it('accepts every method name of the contract', () => {
    const methods: MethodName[] = ['dopri5', 'tsit5', 'bs3', 'radau5', 'bdf', 'rodas5', 'auto', 'ros23'];
    for (const method of methods) {
      expect(solve(decay, { method }).status).toBe('success');
    }
    expect(solve(decay, { method: 'rk4', h0: 0.001 }).status).toBe('success');
    expect(stiffMethodNames).toEqual(['radau5', 'bdf', 'rodas5', 'ros23', 'auto']);
  });

  it('delegates explicit methods to ode-core unchanged', () => {
    const a = solve(decay, { method: 'dopri5', rtol: 1e-7 });
    const b = solveExplicit(decay, { method: 'dopri5', rtol: 1e-7 });
    expect(a.method).toBe('dopri5');
    expect(a.stats).toEqual(b.stats);
    expect(Array.from(a.t)).toEqual(Array.from(b.t));
  });
});

describe('output options with stiff methods', () => {
  it.each(STIFF)('%s serves saveAt points and dense output consistent with each other', (method) => {
    const saveAt = [0.1, 0.5, 1.25, 2];
    const sol = solve(decay, { method, rtol: 1e-8, atol: 1e-10, saveAt, dense: true });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.t)).toEqual(saveAt);
    for (let k = 0; k < saveAt.length; k++) {
      expect(Math.abs(sol.at!(saveAt[k]!)[0]! - sol.y[k]![0]!)).toBeLessThan(1e-9);
    }
  });

  it.each(STIFF)('%s lands on tstops and handles a jump in f there', (method) => {
    // Forcing switches from 1 to 0 at t = 1: y' = −y + u(t).
    const problem: ODEProblem = {
      f: (t, y, d) => {
        d[0] = -y[0]! + (t < 1 ? 1 : 0);
      },
      y0: [0],
      tspan: [0, 3],
    };
    const sol = solve(problem, { method, rtol: 1e-8, atol: 1e-10, tstops: [1] });
    expect(sol.status).toBe('success');
    expect(Array.from(sol.t)).toContain(1);
    const exact = (1 - Math.exp(-1)) * Math.exp(-2);
    expect(Math.abs(sol.y[sol.y.length - 1]![0]! - exact)).toBeLessThan(method === 'ros23' ? 1e-5 : 1e-7);
  });

  it.each(STIFF)('%s locates a terminal event on its continuous extension', (method) => {
    const problem: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = -y[0]!;
      },
      y0: [1],
      tspan: [0, 5],
    };
    const sol = solve(problem, {
      method,
      rtol: 1e-8,
      atol: 1e-10,
      events: [{ g: (_t, y) => y[0]! - 0.5, terminal: true, name: 'half' }],
    });
    expect(sol.status).toBe('success');
    expect(sol.events).toHaveLength(1);
    expect(sol.events[0]!.t).toBeCloseTo(Math.LN2, method === 'ros23' ? 4 : 6);
    expect(sol.t[sol.t.length - 1]).toBe(sol.events[0]!.t);
  });

  it.each(STIFF)('%s integrates backwards in time', (method) => {
    const problem: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = y[0]!;
      },
      y0: [Math.E],
      tspan: [1, 0],
    };
    const sol = solve(problem, { method, rtol: 1e-8, atol: 1e-10, saveAt: [0.5, 0] });
    expect(sol.status).toBe('success');
    expect(sol.y[1]![0]!).toBeCloseTo(1, method === 'ros23' ? 4 : 6);
  });
});

describe('nonnegative', () => {
  // Michaelis–Menten depletion with K = 1e-6: the substrate runs out at t ≈ 1 with a sharp kink,
  // where unconstrained steps overshoot below zero.
  const depletion: ODEProblem = {
    f: (_t, y, d) => {
      d[0] = -y[0]! / (1e-6 + Math.max(y[0]!, -5e-7));
      d[1] = -d[0]!;
    },
    y0: [1, 0],
    tspan: [0, 2],
  };

  it.each(
    STIFF,
  )('%s keeps concentrations ≥ 0 where it would otherwise dip below, and stays accurate', (method) => {
    const free = solve(depletion, { method, rtol: 1e-3, atol: 1e-6 });
    expect(Math.min(...free.y.map((y) => y[0]!))).toBeLessThan(0);
    const sol = solve(depletion, { method, rtol: 1e-3, atol: 1e-6, nonnegative: true, saveAt: [0.5, 2] });
    expect(sol.status).toBe('success');
    expect(sol.y[0]![0]!).toBeCloseTo(0.5, 3);
    for (const y of sol.y) for (const v of y) expect(v).toBeGreaterThanOrEqual(0);
    expect(sol.y[1]![1]!).toBeCloseTo(1, 3);
    const dense = solve(depletion, { method, rtol: 1e-3, atol: 1e-6, nonnegative: true });
    for (const y of dense.y) expect(y[0]!).toBeGreaterThanOrEqual(0);
  });
});
