import type { ODEProblem, StiffMethodName } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { solve } from '../src/index';

/**
 * Prothero–Robinson: y' = λ(y − sin t) + cos t, y(0) = 0, exact solution sin t for every λ.
 * Steps are held constant (h0 = hmax = 2/N, tolerances too loose to reject), so the error ratio
 * between N and 2N measures the order.
 */
function protheroRobinson(lambda: number): ODEProblem {
  return {
    f: (t, y, dy) => {
      dy[0] = lambda * (y[0]! - Math.sin(t)) + Math.cos(t);
    },
    jac: (_t, _y, J) => {
      J[0] = lambda;
    },
    y0: [0],
    tspan: [0, 2],
  };
}

const GRID = [10, 20, 40, 80];

/** Observed orders log2(e_N / e_2N) of the end-point error and of the dense output over the span. */
function observedOrders(
  method: StiffMethodName,
  lambda: number,
): { end: number[]; dense: number[]; errors: number[] } {
  const problem = protheroRobinson(lambda);
  const endErr: number[] = [];
  const denseErr: number[] = [];
  for (const N of GRID) {
    const h = 2 / N;
    const sol = solve(problem, { method, rtol: 1, atol: 1, h0: h, hmax: h, dense: true });
    expect(sol.status).toBe('success');
    endErr.push(Math.abs(sol.y[sol.y.length - 1]![0]! - Math.sin(2)));
    let e = 0;
    for (let k = 0; k <= 997; k++) {
      const t = (2 * k) / 997;
      e = Math.max(e, Math.abs(sol.at!(t)[0]! - Math.sin(t)));
    }
    denseErr.push(e);
  }
  const orders = (err: number[]) => err.slice(1).map((e, i) => Math.log2(err[i]! / e));
  return { end: orders(endErr), dense: orders(denseErr), errors: endErr };
}

describe('order of convergence on Prothero–Robinson', () => {
  it.each<[StiffMethodName, number]>([
    ['radau5', 5],
    ['rodas5', 5],
    ['ros23', 2],
  ])('%s has order %i at λ = −1', (method, order) => {
    const { end } = observedOrders(method, -1);
    for (const p of end) expect(Math.abs(p - order)).toBeLessThan(0.3);
  });

  // In the stiff limit |hλ| ≫ 1 the error of Radau IIA and Rodas5P behaves like h³/|λ|
  // (the order reduction of Hairer & Wanner II, VI.15), while the 2nd-order ROS23 keeps 2.
  it.each<[StiffMethodName, number]>([
    ['radau5', 3],
    ['rodas5', 3],
    ['ros23', 2],
  ])('%s shows the known stiff-limit order %i at λ = −1e6, with errors damped by 1/|λ|', (method, order) => {
    const { end, errors } = observedOrders(method, -1e6);
    for (const p of end) expect(Math.abs(p - order)).toBeLessThan(0.3);
    if (order === 3) expect(errors[0]!).toBeLessThan(1e-9);
  });

  it.each<[StiffMethodName, number]>([
    ['radau5', 4],
    ['rodas5', 4],
    ['ros23', 2],
  ])('%s dense output converges with order ≥ %i over the whole span', (method, order) => {
    for (const lambda of [-1, -1e6]) {
      const { dense } = observedOrders(method, lambda);
      for (const p of dense) expect(p).toBeGreaterThan(order - 0.3);
    }
  });
});
