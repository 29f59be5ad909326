/**
 * `saveAt` rows are written a step at a time straight into the solution's block (the stiff
 * interpolants' `evaluateRows`). Each row must be the step's interpolant at that time, in its own
 * slot: the dense output (`sol.at`, the same polynomials through `snapshot`) is the independent
 * check, with repeated output times, one at t0, times landing on the end, a terminal event that
 * cuts the output short, and backwards integration.
 */
import type { ODEProblem, Solution, StiffMethodName } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { solve } from '../src/index';

const METHODS: StiffMethodName[] = ['radau5', 'rodas5', 'ros23', 'bdf', 'auto'];

// Robertson on [0, 40]: stiff, three components of very different size.
const rober: ODEProblem = {
  f: (_t, y, d) => {
    const [a, b, c] = [y[0]!, y[1]!, y[2]!];
    d[0] = -0.04 * a + 1e4 * b * c;
    d[1] = 0.04 * a - 1e4 * b * c - 3e7 * b * b;
    d[2] = 3e7 * b * b;
  },
  y0: [1, 0, 0],
  tspan: [0, 40],
};

function saveAt(t0: number, t1: number, n: number): Float64Array {
  const out: number[] = [t0, t0];
  for (let k = 1; k < n; k++) out.push(t0 + ((t1 - t0) * k) / n);
  out.push(out[out.length - 1]!, t1, t1);
  return Float64Array.from(out);
}

function expectRowsOnDense(sol: Solution, times: Float64Array, rows: number): void {
  expect(sol.status).toBe('success');
  const Y = sol.Y!;
  const n = Y.length / sol.t.length;
  expect(sol.t.length).toBe(rows);
  expect(Array.from(sol.t)).toEqual(Array.from(times.subarray(0, rows)));
  const at = new Float64Array(n);
  for (let k = 0; k < rows; k++) {
    sol.at!(sol.t[k]!, at);
    for (let i = 0; i < n; i++) {
      const y = Y[k * n + i]!;
      // Rows inside a step are the interpolant itself; a row on a step's end is the step's state,
      // which the interpolant reproduces to round-off.
      expect(Math.abs(y - at[i]!)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(at[i]!)));
    }
  }
}

describe('saveAt rows, written a step at a time', () => {
  for (const method of METHODS) {
    it(`${method}: every row is the dense output at its time, repeated times included`, () => {
      const times = saveAt(0, 40, 997);
      const sol = solve(rober, { method, rtol: 1e-6, atol: 1e-10, saveAt: times, dense: true });
      expectRowsOnDense(sol, times, times.length);
      // The rows are a block of n values per time, and y's views read the same numbers.
      expect(Array.from(sol.y[500]!)).toEqual(Array.from(sol.Y!.subarray(1500, 1503)));
      expect(Array.from(sol.y[0]!)).toEqual([1, 0, 0]);
      expect(Array.from(sol.y[1]!)).toEqual([1, 0, 0]);
    });

    it(`${method}: steps that cover thousands of rows (the rows are evaluated in chunks of 256)`, () => {
      // Three decays on [0, 50] at a loose tolerance: at most a few hundred steps for 60,000 rows.
      const decay: ODEProblem = {
        f: (_t, y, d) => {
          d[0] = -y[0]!;
          d[1] = -0.2 * y[1]!;
          d[2] = 0.05 * (1 - y[2]!);
        },
        y0: [1, 2, 0],
        tspan: [0, 50],
      };
      const times = saveAt(0, 50, 60_000);
      const sol = solve(decay, { method, rtol: 1e-3, atol: 1e-6, saveAt: times, dense: true });
      expect(times.length / sol.stats.naccept).toBeGreaterThan(256);
      expectRowsOnDense(sol, times, times.length);
    });

    it(`${method}: a terminal event ends the rows at the event`, () => {
      const times = saveAt(0, 40, 400);
      const sol = solve(rober, {
        method,
        rtol: 1e-6,
        atol: 1e-10,
        saveAt: times,
        dense: true,
        events: [{ g: (_t, y) => y[2]! - 0.05, terminal: true }],
      });
      expect(sol.events).toHaveLength(1);
      const tEvent = sol.events[0]!.t;
      const rows = times.findIndex((t) => t > tEvent);
      expect(rows).toBeGreaterThan(10);
      expectRowsOnDense(sol, times, rows);
    });

    it(`${method}: backwards in time`, () => {
      const decay: ODEProblem = {
        f: (t, y, d) => {
          // Stiff and stable in the direction of integration (t decreasing).
          d[0] = 50 * (y[0]! - Math.cos(t));
          d[1] = 0.5 * y[0]! * y[1]!;
        },
        y0: [1, 2],
        tspan: [3, 0],
      };
      const times = Float64Array.from({ length: 301 }, (_, k) => 3 - k / 100);
      const sol = solve(decay, { method, rtol: 1e-8, atol: 1e-10, saveAt: times, dense: true });
      expectRowsOnDense(sol, times, times.length);
    });
  }
});
