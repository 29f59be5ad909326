import type { ODEProblem, StiffMethodName } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { solve } from '../src/index';

function failureTime(message: string): number {
  const m = /at t=([-+0-9.e]+)/.exec(message);
  if (m === null) throw new Error(`no time in '${message}'`);
  return Number(m[1]);
}

const METHODS: StiffMethodName[] = ['radau5', 'rodas5', 'ros23', 'bdf', 'auto'];

const decay: ODEProblem = {
  f: (_t, y, d) => {
    d[0] = -y[0]!;
  },
  y0: [1],
  tspan: [0, 10],
};

describe('failures are values with a message naming t', () => {
  it.each(METHODS)('%s reports NaN in f', (method) => {
    const problem: ODEProblem = {
      f: (t, y, d) => {
        d[0] = t > 1 ? Number.NaN : -y[0]!;
      },
      y0: [1],
      tspan: [0, 5],
    };
    const sol = solve(problem, { method });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/NaN or Inf in f/);
    expect(failureTime(sol.message)).toBeCloseTo(1, 6);
    // Everything up to the failure is kept.
    expect(sol.t.length).toBeGreaterThan(1);
    expect(sol.t[sol.t.length - 1]!).toBeLessThanOrEqual(1);
  });

  it.each(METHODS)('%s reports NaN in f at the initial point', (method) => {
    const sol = solve({ f: (_t, _y, d) => d.fill(Number.NaN), y0: [1], tspan: [0, 1] }, { method });
    expect(sol.status).toBe('failed');
    expect(sol.message).toBe('NaN or Inf in f at t=0');
  });

  it.each(METHODS)('%s stops at maxSteps', (method) => {
    const sol = solve(decay, { method, rtol: 1e-10, atol: 1e-12, maxSteps: 5 });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^maxSteps \(5\) reached at t=/);
    expect(sol.stats.nsteps).toBe(5);
  });

  it.each<StiffMethodName>([
    'radau5',
    'rodas5',
    'ros23',
  ])('%s reports a finite-time blow-up as step size underflow', (method) => {
    // y' = y², y(0) = 1 has the solution 1/(1 − t), which leaves every float before t = 1.
    const sol = solve({ f: (_t, y, d) => void (d[0] = y[0]! * y[0]!), y0: [1], tspan: [0, 2] }, { method });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^(step size underflow|NaN or Inf in f) at t=/);
    // Implicit methods may step a little past the pole before the step collapses.
    expect(Math.abs(failureTime(sol.message) - 1)).toBeLessThan(1e-3);
  });

  it.each<StiffMethodName>([
    'radau5',
    'rodas5',
    'ros23',
  ])('%s reports a singular iteration matrix', (method) => {
    const problem: ODEProblem = { ...decay, jac: (_t, _y, J) => void (J[0] = Number.NaN) };
    const sol = solve(problem, { method });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^singular iteration matrix \(5 times in a row\) at t=0$/);
  });

  it('throws on bad input instead of failing later', () => {
    // @ts-expect-error: an unknown method name, rejected at run time
    expect(() => solve(decay, { method: 'radau6' })).toThrow(/unknown method 'radau6'/);
    expect(() => solve({ ...decay, jacSparsity: [[0], [1]] }, { method: 'radau5' })).toThrow(RangeError);
    expect(() => solve({ ...decay, jacSparsity: [[3]] }, { method: 'rodas5' })).toThrow(
      /jacSparsity\[0\]\[0\] = 3/,
    );
    expect(() => solve(decay, { method: 'rodas5', rtol: -1 })).toThrow(RangeError);
  });
});

describe('Rosenbrock methods never evaluate f outside the span', () => {
  it('the ∂f/∂t probe of a step shorter than √ε·|t| stays inside the step', () => {
    // A control defined only on [0, 1e6] (data-driven inputs are like this): f throws outside.
    const t1 = 1e6;
    const f = (t: number, y: Float64Array, d: Float64Array) => {
      if (t < 0 || t > t1) throw new RangeError(`f evaluated at t=${t}, outside [0, ${t1}]`);
      d[0] = -y[0]! + 1 / (1 + t);
    };
    // A stop 1e-6 before the end forces a last step far shorter than √ε·t1 ≈ 0.015.
    for (const method of ['rodas5', 'ros23'] as const) {
      const sol = solve({ f, y0: [1], tspan: [0, t1] }, { method, tstops: [t1 - 1e-6], rtol: 1e-6 });
      expect(sol.status, `${method}: ${sol.message}`).toBe('success');
      expect(sol.t.at(-1)).toBe(t1);
    }
  });
});
