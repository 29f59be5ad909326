/**
 * Issue acceptance 1, measured: for each method, 'discrete' against the loss computed on
 * `solve(problem, {method, rtol, atol, saveAt: times, tstops: times})` (relative difference of the
 * losses) and against central differences of that loss in p and y0 (largest error over the
 * entries, relative to the largest entry). Lotka–Volterra and a Brusselator with a time-dependent
 * feed for every method; Robertson for the stiff ones. rtol 1e-10.
 * Run from the repository root: npx tsx --conditions=source packages/adjoint/bench/discrete-vs-solve.ts
 */
import type { MethodName, ParametricProblem } from '@kinetica/ode-core';
import { solve } from '@kinetica/solvers-stiff';
import { odeGradient } from '../src/index';
import type { Observations } from '../src/types';
import { brusselator, lotkaVolterra, robertson } from '../test/models';

/** Σᵢ Σⱼ wⱼ (y_j(tᵢ) − 0.3)². */
function loss(times: number[], w: number[]): Observations {
  return {
    times,
    loss: (_i, y) => w.reduce((s, wj, j) => s + wj * (y[j]! - 0.3) ** 2, 0),
    lossGrad: (_i, y, out) => {
      for (let j = 0; j < w.length; j++) out[j] = 2 * w[j]! * (y[j]! - 0.3);
    },
  };
}

const ALL: MethodName[] = ['dopri5', 'tsit5', 'bs3', 'dop853', 'radau5', 'bdf', 'rodas5'];
const STIFF: MethodName[] = ['radau5', 'bdf', 'rodas5'];
const cases = [
  {
    name: 'Lotka–Volterra',
    make: lotkaVolterra,
    p: [1.5, 1, 1, 3],
    y0: [1, 1],
    obs: loss([1, 2, 3, 5], [1, 1]),
    methods: ALL,
    atol: 1e-12,
  },
  {
    name: 'Brusselator, A(t)',
    make: brusselator,
    p: [1, 3],
    y0: [1.5, 3],
    obs: loss([0.5, 2, 4, 8], [100, 1]),
    methods: ALL,
    atol: 1e-12,
  },
  {
    name: 'Robertson, y2 weighted 1e10',
    make: robertson,
    p: [0.04, 3e7, 1e4],
    y0: [1, 0, 0],
    obs: loss([0.1, 1, 10, 100, 1000], [1, 1e10, 1]),
    methods: STIFF,
    atol: 1e-16,
  },
];

const rtol = 1e-10;
console.log(
  "| problem | method | steps | loss − solve's loss (relative) | dp vs central differences | dy0 vs central differences |",
);
console.log('|---|---|---|---|---|---|');
for (const c of cases) {
  for (const method of c.methods) {
    const solveLoss = (p: number[], y0: number[]) => {
      const m = c.make(p, y0);
      const times = Array.from(c.obs.times);
      const problem: ParametricProblem = { f: m.f, p, y0, tspan: [m.t0, times.at(-1)!] };
      if (m.jac) problem.jac = m.jac;
      const sol = solve(problem, { method, rtol, atol: c.atol, saveAt: times, tstops: times });
      return times.reduce((s, _, i) => s + c.obs.loss(i, sol.y[i]!), 0);
    };
    const g = odeGradient(c.make(c.p, c.y0), c.obs, { method, mode: 'discrete', rtol, atol: c.atol });
    const fd = (v: number[], k: number, at: (x: number[]) => number) => {
      const e = 1e-4 * Math.max(Math.abs(v[k]!), 1e-2);
      const up = v.slice();
      up[k]! += e;
      const dn = v.slice();
      dn[k]! -= e;
      return (at(up) - at(dn)) / (2 * e);
    };
    const err = (a: ArrayLike<number>, b: number[]) =>
      Math.max(...b.map((bk, k) => Math.abs(a[k]! - bk))) / Math.max(...b.map(Math.abs));
    const dp = c.p.map((_, k) => fd(c.p, k, (v) => solveLoss(v, c.y0)));
    const dy0 = c.y0.map((_, k) => fd(c.y0, k, (v) => solveLoss(c.p, v)));
    const ref = solveLoss(c.p, c.y0);
    console.log(
      `| ${c.name} | ${method} | ${g.stats.steps.forward} | ${(Math.abs(g.loss - ref) / Math.abs(ref)).toExponential(1)} | ${err(g.dp, dp).toExponential(1)} | ${err(g.dy0, dy0).toExponential(1)} |`,
    );
  }
}
