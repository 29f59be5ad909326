import type { MethodName, ParametricProblem } from '@kinetica/ode-core';
import { solve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type { GradientModel, Observations } from '../src/types';
import { brusselator, lotkaVolterra, robertson } from './models';

/**
 * Issue acceptance 1: 'discrete' differentiates exactly the solution `solve` returns. Its loss is
 * that of `solve(problem, {method, rtol, atol, saveAt: times, tstops: times})` to round-off, and its
 * gradient matches central differences of that very loss.
 */

interface Case {
  name: string;
  model: (p: number[], y0: number[]) => GradientModel;
  p: number[];
  y0: number[];
  losses: Array<{ label: string; obs: Observations }>;
  methods: MethodName[];
  rtol: number;
  atol: number;
}

/** Weighted squared error Σ_i Σ_j w_j (y_j(t_i) − target_j(t_i))², targets a smooth function of i, j. */
function weighted(times: number[], n: number, w: number[], scale: number[]): Observations {
  const target = (i: number, j: number) => scale[j]! * (0.5 + 0.3 * Math.sin(1.3 * i + j));
  return {
    times,
    loss: (i, y) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += w[j]! * (y[j]! - target(i, j)) ** 2;
      return s;
    },
    lossGrad: (i, y, out) => {
      for (let j = 0; j < n; j++) out[j] = 2 * w[j]! * (y[j]! - target(i, j));
    },
  };
}

/** Σ_i (Σ_j y_j(t_i))²: a sum over states, as a total-mass readout. */
function sumOfStates(times: number[], n: number): Observations {
  return {
    times,
    loss: (_i, y) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += y[j]!;
      return s * s;
    },
    lossGrad: (_i, y, out) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += y[j]!;
      out.fill(2 * s);
    },
  };
}

/** Σ_i Σ_j y_j(t_i)²: a plain sum over the states. */
function sumOfSquares(times: number[], n: number): Observations {
  return {
    times,
    loss: (_i, y) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += y[j]! * y[j]!;
      return s;
    },
    lossGrad: (_i, y, out) => {
      for (let j = 0; j < n; j++) out[j] = 2 * y[j]!;
    },
  };
}

const ALL: MethodName[] = ['dopri5', 'tsit5', 'bs3', 'dop853', 'radau5', 'bdf', 'rodas5'];
const STIFF: MethodName[] = ['radau5', 'bdf', 'rodas5'];

const CASES: Case[] = [
  {
    name: 'Lotka–Volterra',
    model: lotkaVolterra,
    p: [1.5, 1, 1, 3],
    y0: [1, 1],
    losses: [
      { label: 'weighted, 4 times', obs: weighted([1, 2, 3, 5], 2, [1, 1], [1, 1]) },
      { label: 'sum of states, 7 times', obs: sumOfStates([0.3, 0.9, 1.7, 2.2, 3.1, 4, 4.5], 2) },
    ],
    methods: ALL,
    rtol: 1e-10,
    atol: 1e-12,
  },
  {
    name: 'Brusselator with a time-dependent feed',
    model: brusselator,
    p: [1, 3],
    y0: [1.5, 3],
    losses: [
      { label: 'heavy weight on x', obs: weighted([0.5, 2, 4, 6, 8], 2, [100, 1], [1, 3]) },
      { label: 'sum of states, from t0', obs: sumOfStates([0, 1, 3, 7], 2) },
    ],
    methods: ALL,
    rtol: 1e-10,
    atol: 1e-12,
  },
  {
    // Stiff enough that the explicit methods are stability-limited (|λ| up to ~2000), short enough
    // that they finish: every method on the same stiff problem.
    name: "Robertson's initial layer",
    model: robertson,
    p: [0.04, 3e7, 1e4],
    y0: [1, 0, 0],
    losses: [
      {
        label: 'heavy weight on the small y2',
        obs: weighted([0.01, 0.1, 0.3], 3, [1, 1e10, 1], [1, 3e-5, 0.01]),
      },
      { label: 'sum of squares over the states', obs: sumOfSquares([0.05, 0.2, 0.3], 3) },
    ],
    methods: ALL,
    rtol: 1e-10,
    atol: 1e-16,
  },
  {
    name: 'Robertson',
    model: robertson,
    p: [0.04, 3e7, 1e4],
    y0: [1, 0, 0],
    losses: [
      {
        label: 'heavy weight on the small y2',
        obs: weighted([0.1, 1, 10, 100, 1000], 3, [1, 1e10, 1], [1, 3e-5, 0.1]),
      },
      { label: 'sum of squares over the states', obs: sumOfSquares([1, 40, 400, 4000], 3) },
    ],
    methods: STIFF,
    rtol: 1e-10,
    atol: 1e-16,
  },
];

/** The loss computed on the output of `solve` itself, as a user would. */
function solveLoss(c: Case, obs: Observations, method: MethodName, p: number[], y0: number[]): number {
  const m = c.model(p, y0);
  const times = Array.from(obs.times);
  const problem: ParametricProblem = { f: m.f, y0, p, tspan: [m.t0, times.at(-1)!] };
  if (m.jac) problem.jac = m.jac;
  const sol = solve(problem, { method, rtol: c.rtol, atol: c.atol, saveAt: times, tstops: times });
  if (sol.status !== 'success') throw new Error(`${method}: ${sol.message}`);
  let l = 0;
  for (let i = 0; i < times.length; i++) l += obs.loss(i, sol.y[i]!);
  return l;
}

/** Largest |a − b| over the largest |b|: a scale-aware error of a whole gradient vector. */
function vecErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

describe("'discrete' is the derivative of the loss on solve's own solution", () => {
  for (const c of CASES) {
    for (const method of c.methods) {
      it(`${c.name}, ${method}`, () => {
        for (const { label, obs } of c.losses) {
          const g = odeGradient(c.model(c.p, c.y0), obs, {
            method,
            mode: 'discrete',
            rtol: c.rtol,
            atol: c.atol,
          });
          expect(g.status, `${label}: ${g.message}`).toBe('success');
          const ref = solveLoss(c, obs, method, c.p, c.y0);
          expect(Math.abs(g.loss - ref) / Math.abs(ref), label).toBeLessThan(1e-12);
          // Central differences of solve's loss. The step is large enough that an accept/reject
          // decision flipping under the perturbation (a jump of the order of the tolerance) is
          // negligible, small enough that the O(δ²) truncation is too.
          const fd = (vec: number[], k: number, at: (v: number[]) => number) => {
            const e = 1e-4 * Math.max(Math.abs(vec[k]!), 1e-2);
            const up = vec.slice();
            up[k]! += e;
            const dn = vec.slice();
            dn[k]! -= e;
            return (at(up) - at(dn)) / (2 * e);
          };
          const dp = c.p.map((_, k) => fd(c.p, k, (v) => solveLoss(c, obs, method, v, c.y0)));
          expect(vecErr(g.dp, dp), `${label}: dp ${Array.from(g.dp)} vs ${dp}`).toBeLessThan(1e-5);
          for (let k = 0; k < c.p.length; k++) {
            // Each entry on its own scale too, where it is not negligible.
            if (Math.abs(dp[k]!) > 1e-3 * Math.max(...dp.map(Math.abs))) {
              expect(Math.abs(g.dp[k]! - dp[k]!) / Math.abs(dp[k]!), `${label}: dp[${k}]`).toBeLessThan(1e-4);
            }
          }
          const dy0 = c.y0.map((_, k) => fd(c.y0, k, (v) => solveLoss(c, obs, method, c.p, v)));
          expect(vecErr(g.dy0, dy0), `${label}: dy0`).toBeLessThan(1e-5);
        }
      });
    }
  }
});

describe("a model's own tstops", () => {
  it('are landed on as options.tstops are, in every mode', () => {
    // A feed switched on at t = 1.3: f jumps there, so landing on it changes the steps taken.
    const knee = 1.3;
    const make = (withStops: boolean): GradientModel => {
      const m = lotkaVolterra([1.5, 1, 1, 3], [1, 1]);
      const f = m.f;
      const feed: GradientModel = {
        ...m,
        f(t, y, q, d) {
          f(t, y, q, d);
          if (t >= knee) d[0]! += 0.5;
        },
      };
      if (withStops) feed.tstops = [knee];
      return feed;
    };
    const obs = weighted([1, 2, 3], 2, [1, 1], [1, 1]);
    for (const mode of ['discrete', 'checkpointed', 'forward'] as const) {
      const own = odeGradient(make(true), obs, { mode, method: 'dopri5', rtol: 1e-9, atol: 1e-11 });
      const given = odeGradient(make(false), obs, {
        mode,
        method: 'dopri5',
        rtol: 1e-9,
        atol: 1e-11,
        tstops: [knee],
      });
      const none = odeGradient(make(false), obs, { mode, method: 'dopri5', rtol: 1e-9, atol: 1e-11 });
      expect(own.status).toBe('success');
      expect(own.loss, mode).toBe(given.loss);
      expect(Array.from(own.dp), mode).toEqual(Array.from(given.dp));
      expect(none.stats.steps.forward, mode).not.toBe(own.stats.steps.forward);
    }
  });
});
