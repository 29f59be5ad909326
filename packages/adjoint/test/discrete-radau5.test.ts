import type { ParametricProblem } from '@kinetica/ode-core';
import { solve, solveTaped } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type { GradientModel, Observations } from '../src/types';
import { finiteDifferences, maxRelErr } from './compare';
import { lotkaVolterra, robertson } from './models';

/**
 * 'discrete' mode with radau5: the transposed Radau IIA step over the steps `solve` itself took.
 * The loss must be that of `solve`'s own solution, and dp, dy0 its derivatives (step sizes held
 * fixed, collocation equations taken as solved), so they match central differences of that very
 * solve to about the solve's tolerance, and forward sensitivities at a tight tolerance.
 * RADAU5_REPORT=1 prints the measured errors.
 */
const report = process.env.RADAU5_REPORT !== undefined;

/** E + S ⇌ C → E + P by mass action, y = [E, S, C, P], p = [k_on, k_off, k_cat] (stiff: fast binding). */
function enzyme(p = [1e3, 1e2, 10], y0 = [0.1, 1, 0, 0]): GradientModel {
  return {
    t0: 0,
    y0,
    p,
    f(_t, y, p, d) {
      const bind = p[0]! * y[0]! * y[1]!;
      const unbind = p[1]! * y[2]!;
      const cat = p[2]! * y[2]!;
      d[0] = -bind + unbind + cat;
      d[1] = -bind + unbind;
      d[2] = bind - unbind - cat;
      d[3] = cat;
    },
    vjp(_t, y, p, v, vy, vp) {
      // d = bind·(−1, −1, 1, 0) + unbind·(1, 1, −1, 0) + cat·(1, 0, −1, 1)
      const a = -v[0]! - v[1]! + v[2]!;
      const b = v[0]! + v[1]! - v[2]!;
      const c = v[0]! - v[2]! + v[3]!;
      vy[0] = a * p[0]! * y[1]!;
      vy[1] = a * p[0]! * y[0]!;
      vy[2] = b * p[1]! + c * p[2]!;
      vy[3] = 0;
      vp[0] = a * y[0]! * y[1]!;
      vp[1] = b * y[2]!;
      vp[2] = c * y[2]!;
    },
    jac(_t, y, p, J) {
      const kE = p[0]! * y[1]!;
      const kS = p[0]! * y[0]!;
      const k = p[1]! + p[2]!;
      J.set([-kE, -kS, k, 0, -kE, -kS, p[1]!, 0, kE, kS, -k, 0, 0, 0, p[2]!, 0]);
    },
  };
}

/**
 * A stiff forced linear system with explicit time dependence:
 * y0' = −p0·y0 + p1·sin(3t)·y1, y1' = p0·y0 − p2·y1 + cos(t)/2.
 */
function forced(p = [50, 2, 1], y0 = [1, 0.5]): GradientModel {
  return {
    t0: 0,
    y0,
    p,
    f(t, y, p, d) {
      d[0] = -p[0]! * y[0]! + p[1]! * Math.sin(3 * t) * y[1]!;
      d[1] = p[0]! * y[0]! - p[2]! * y[1]! + 0.5 * Math.cos(t);
    },
    vjp(t, y, p, v, vy, vp) {
      const s = Math.sin(3 * t);
      vy[0] = -p[0]! * v[0]! + p[0]! * v[1]!;
      vy[1] = p[1]! * s * v[0]! - p[2]! * v[1]!;
      vp[0] = (v[1]! - v[0]!) * y[0]!;
      vp[1] = v[0]! * s * y[1]!;
      vp[2] = -v[1]! * y[1]!;
    },
    jac(t, _y, p, J) {
      J.set([-p[0]!, p[1]! * Math.sin(3 * t), p[0]!, -p[2]!]);
    },
  };
}

/** L = Σᵢ Σⱼ wⱼ (y_j(tᵢ) − target_ij)² / 2, targets `ref` scaled by a fixed pseudo-random factor. */
function weightedLoss(times: number[], w: number[], ref: number[]): Observations {
  const n = w.length;
  const target = times.map((_, i) => w.map((_, j) => ref[j]! * (0.8 + 0.1 * Math.sin(3 * i + j))));
  return {
    times,
    loss(i, y) {
      let s = 0;
      for (let j = 0; j < n; j++) s += 0.5 * w[j]! * (y[j]! - target[i]![j]!) ** 2;
      return s;
    },
    lossGrad(i, y, out) {
      for (let j = 0; j < n; j++) out[j] = w[j]! * (y[j]! - target[i]![j]!);
    },
  };
}

/** L = Σᵢ Σⱼ y_j(tᵢ)² / 2. */
function sumOfSquares(times: number[], n: number): Observations {
  return {
    times,
    loss(_i, y) {
      let s = 0;
      for (let j = 0; j < n; j++) s += 0.5 * y[j]! ** 2;
      return s;
    },
    lossGrad(_i, y, out) {
      for (let j = 0; j < n; j++) out[j] = y[j]!;
    },
  };
}

type Make = (p: number[], y0: number[]) => GradientModel;

function problemOf(model: GradientModel, tEnd: number): ParametricProblem {
  const problem: ParametricProblem = { f: model.f, p: model.p, y0: model.y0, tspan: [model.t0, tEnd] };
  if (model.jac !== undefined) problem.jac = model.jac;
  return problem;
}

/** The loss on `solve`'s own radau5 solution, observation times as saveAt and tstops. */
function solveLoss(model: GradientModel, obs: Observations, rtol: number, atol: number): number {
  const times = Array.from(obs.times);
  const sol = solve(problemOf(model, times.at(-1)!), {
    method: 'radau5',
    rtol,
    atol,
    saveAt: times,
    tstops: times,
  });
  if (sol.status !== 'success') throw new Error(sol.message);
  let L = 0;
  for (let i = 0; i < times.length; i++) L += obs.loss(i, sol.y[i]!);
  return L;
}

/**
 * Central differences of `solveLoss` in p and y0, Richardson-extrapolated (steps e and 2e,
 * e = rel·max(|x|, floor)): cancelling the e² term lets e be large enough that the adaptive
 * solve's step-selection noise (about tolerance·L/e) stays far below the 1e-5 checked.
 */
function fdOfSolve(
  make: Make,
  p: number[],
  y0: number[],
  obs: Observations,
  rtol: number,
  atol: number,
  rel: number,
  y0Floor: number,
) {
  const diff = (vec: number[], k: number, floor: number, at: (v: number[]) => number) => {
    const e = rel * Math.max(Math.abs(vec[k]!), floor);
    const central = (e: number) => {
      const up = vec.slice();
      up[k]! += e;
      const dn = vec.slice();
      dn[k]! -= e;
      return (at(up) - at(dn)) / (2 * e);
    };
    return (4 * central(e) - central(2 * e)) / 3;
  };
  return {
    dp: p.map((_, k) => diff(p, k, 1e-12, (v) => solveLoss(make(v, y0), obs, rtol, atol))),
    dy0: y0.map((_, k) => diff(y0, k, y0Floor, (v) => solveLoss(make(p, v), obs, rtol, atol))),
  };
}

interface Case {
  name: string;
  make: Make;
  p: number[];
  y0: number[];
  losses: [string, Observations][];
  rtol: number;
  atol: number;
  /** Relative FD step. */
  fdRel: number;
  /** FD step of a zero initial state: fdRel·y0Floor. */
  y0Floor: number;
}

const both = (times: number[][], make: (t: number[]) => [string, Observations][]) => times.flatMap(make);

const cases: Case[] = [
  {
    name: 'Robertson',
    make: (p, y0) => robertson(p, y0),
    p: [0.04, 3e7, 1e4],
    y0: [1, 0, 0],
    losses: both(
      [
        [0.4, 4, 40, 400],
        [1e-3, 0.1, 10, 1e3, 1e4],
      ],
      (t) => [
        ['sum of squares', sumOfSquares(t, 3)],
        // y2 ≈ 1e-5: a weight of 1e10 makes its misfit dominate the loss.
        ['y2-weighted', weightedLoss(t, [1, 1e10, 1], [0.5, 1e-5, 0.5])],
      ],
    ),
    rtol: 1e-10,
    atol: 1e-14,
    fdRel: 1e-4,
    y0Floor: 1e-2,
  },
  {
    name: 'Lotka–Volterra',
    make: (p, y0) => lotkaVolterra(p, y0),
    p: [1.5, 1, 1, 3],
    y0: [1, 1],
    losses: both(
      [
        [1, 2, 3, 5],
        [0, 0.5, 2.5, 4, 7.5, 10],
      ],
      (t) => [
        ['sum of squares', sumOfSquares(t, 2)],
        ['weighted', weightedLoss(t, [1, 30], [2, 1])],
      ],
    ),
    rtol: 1e-10,
    atol: 1e-12,
    fdRel: 1e-3,
    y0Floor: 1e-2,
  },
  {
    // Some complex and product at t0: from exactly zero, the solve's step sizes depend on C0 and P0
    // through |y| in the error weights (a kink at 0), which central differences of the adaptive
    // solve would see; the zero start is checked against forward sensitivities below.
    name: 'enzyme',
    make: (p, y0) => enzyme(p, y0),
    p: [1e3, 1e2, 10],
    y0: [0.1, 1, 0.02, 0.2],
    losses: both(
      [
        [0.01, 0.1, 1, 5, 20],
        [0.002, 0.5, 3, 10],
      ],
      (t) => [
        ['sum of squares', sumOfSquares(t, 4)],
        ['complex-weighted', weightedLoss(t, [1, 1, 1e4, 1], [0.05, 0.5, 0.01, 0.5])],
      ],
    ),
    rtol: 1e-10,
    atol: 1e-13,
    fdRel: 1e-3,
    y0Floor: 1e-2,
  },
  {
    name: 'forced (time-dependent f)',
    make: (p, y0) => forced(p, y0),
    p: [50, 2, 1],
    y0: [1, 0.5],
    losses: both(
      [
        [0.5, 1, 2, 4],
        [0.05, 0.3, 3, 6],
      ],
      (t) => [
        ['sum of squares', sumOfSquares(t, 2)],
        ['weighted', weightedLoss(t, [1, 10], [0.1, 0.5])],
      ],
    ),
    rtol: 1e-10,
    atol: 1e-12,
    fdRel: 1e-3,
    y0Floor: 1e-2,
  },
];

describe("'discrete' radau5 is the exact gradient of solve's own radau5 solution", () => {
  for (const c of cases) {
    for (const [lossName, obs] of c.losses) {
      const label = `${c.name}, ${lossName}, times [${Array.from(obs.times).join(', ')}]`;
      it(`${label}: loss = solve's, dp and dy0 = central differences of that solve and forward sensitivities`, () => {
        const opts = { method: 'radau5', rtol: c.rtol, atol: c.atol } as const;
        const g = odeGradient(c.make(c.p, c.y0), obs, { ...opts, mode: 'discrete' });
        expect(g.status, g.message).toBe('success');
        expect(g.mode).toBe('discrete');
        const steps = g.stats.steps.forward;
        expect(steps).toBeGreaterThan(50);
        expect(g.stats.steps.backward).toBe(steps);
        // Three vjps per step (model.vjp, no accumulateVjp): one per collocation stage.
        expect(g.stats.nvjp).toBe(3 * steps);
        const L = solveLoss(c.make(c.p, c.y0), obs, c.rtol, c.atol);
        const lossRel = Math.abs(g.loss - L) / Math.abs(L);
        const fd = fdOfSolve(c.make, c.p, c.y0, obs, c.rtol, c.atol, c.fdRel, c.y0Floor);
        const fwd = odeGradient(c.make(c.p, c.y0), obs, { ...opts, mode: 'forward' });
        expect(fwd.status, fwd.message).toBe('success');
        const r = {
          lossRel,
          fdDp: maxRelErr(g.dp, fd.dp),
          fdDy0: maxRelErr(g.dy0, fd.dy0),
          fwdDp: maxRelErr(g.dp, fwd.dp),
          fwdDy0: maxRelErr(g.dy0, fwd.dy0),
        };
        if (report) console.log(`REPORT ${label} steps=${steps} ${JSON.stringify(r)}`);
        expect(lossRel).toBeLessThan(1e-12);
        expect(r.fdDp).toBeLessThan(1e-5);
        expect(r.fdDy0).toBeLessThan(1e-5);
        expect(r.fwdDp).toBeLessThan(1e-5);
        expect(r.fwdDy0).toBeLessThan(1e-5);
      });
    }
  }

  it('the taped solve is bit-identical to solve (same steps, same states, same counters)', () => {
    const runs: [GradientModel, number[], number, number][] = [
      [robertson(), [0.4, 4, 40, 400], 1e-10, 1e-14],
      [enzyme(), [0.01, 0.1, 1, 5, 20], 1e-8, 1e-10],
      [forced(), [0.05, 0.3, 3, 6], 1e-6, 1e-9],
    ];
    for (const [model, times, rtol, atol] of runs) {
      const problem = problemOf(model, times.at(-1)!);
      const opts = { method: 'radau5', rtol, atol, saveAt: times, tstops: times } as const;
      const plain = solve(problem, opts);
      const taped = solveTaped(problem, opts);
      const sol = taped.solution;
      expect(sol.status).toBe('success');
      expect(Array.from(sol.t)).toEqual(Array.from(plain.t));
      expect(sol.y.map((v) => Array.from(v))).toEqual(plain.y.map((v) => Array.from(v)));
      expect(sol.stats).toEqual(plain.stats);
      // One record per accepted step: y_n and the three stage increments, contiguous in time.
      const tape = taped.tape;
      const n = model.y0.length;
      expect(tape.steps).toBe(sol.stats.naccept);
      expect(tape.used).toBe(4 * n * tape.steps);
      expect(tape.t[0]).toBe(model.t0);
      expect(tape.tNew[tape.steps - 1]).toBe(times.at(-1));
      for (let k = 1; k < tape.steps; k++) expect(tape.t[k]).toBe(tape.tNew[k - 1]);
    }
  });

  it('enzyme from E + S only (C0 = P0 = 0) at rtol 1e-8 / atol 1e-10 succeeds and agrees with forward sensitivities', () => {
    const model = enzyme([1e3, 1e2, 10], [0.1, 1, 0, 0]);
    for (const obs of [
      sumOfSquares([0.01, 0.1, 1, 5, 20], 4),
      weightedLoss([0.002, 0.5, 3, 10], [1, 1, 1e4, 1], [0.05, 0.5, 0.01, 0.5]),
    ]) {
      const g = odeGradient(model, obs, { method: 'radau5', mode: 'discrete', rtol: 1e-8, atol: 1e-10 });
      expect(g.status, g.message).toBe('success');
      expect(Math.abs(g.loss - solveLoss(model, obs, 1e-8, 1e-10))).toBeLessThanOrEqual(
        1e-12 * Math.abs(g.loss),
      );
      const tight = odeGradient(model, obs, { method: 'radau5', mode: 'discrete', rtol: 1e-10, atol: 1e-13 });
      const fwd = odeGradient(model, obs, { method: 'radau5', mode: 'forward', rtol: 1e-10, atol: 1e-13 });
      expect(fwd.status, fwd.message).toBe('success');
      const r = {
        looseDp: maxRelErr(g.dp, fwd.dp),
        looseDy0: maxRelErr(g.dy0, fwd.dy0),
        tightDp: maxRelErr(tight.dp, fwd.dp),
        tightDy0: maxRelErr(tight.dy0, fwd.dy0),
      };
      if (report) console.log(`REPORT enzyme zero start ${JSON.stringify(r)}`);
      expect(r.looseDp).toBeLessThan(1e-4);
      expect(r.looseDy0).toBeLessThan(1e-4);
      expect(r.tightDp).toBeLessThan(1e-6);
      expect(r.tightDy0).toBeLessThan(1e-6);
    }
  });

  it('steps pinned by hmax (stiff and time-dependent fields): matches central differences of the same discrete map', () => {
    // Every step accepted at exactly hmax, so the computed solution is a smooth function of (p, y0)
    // and central differences see the derivative the transposed step computes, up to how far the
    // forward's simplified Newton left the collocation equations unsolved (small steps keep that
    // far below 1e-6). A wrong stage time or a stage Jacobian at the wrong point shows up far above.
    const pinned: [Case, number[], number, number, number][] = [
      // Binary steps and times, so that every landing on an observation is exact. The enzyme case
      // at rtol 6e-4: radau5's internal rtol' = 0.03·rtol^(2/3) is then 2.1e-4, what 1e-4 gave under
      // radau5.f's factor 0.1 (at 1e-4 now three of the pinned steps are rejected).
      [cases[0]!, [1 / 64, 1 / 16, 1 / 8], 2 ** -12, 1e-2, 1e-2],
      [cases[2]!, [1 / 64, 1 / 16, 1 / 8], 2 ** -12, 6e-4, 1e-8],
      [cases[3]!, [0.25, 0.5], 2 ** -9, 1e-2, 1e-2],
    ];
    for (const [c, times, h, rtol, atol] of pinned) {
      const weights = c.y0.map((_, j) => (j === 1 && c.name === 'Robertson' ? 1e10 : 1));
      const obs = weightedLoss(
        times,
        weights,
        c.y0.map((v) => v + 0.1),
      );
      const opts = { method: 'radau5', rtol, atol, h0: h, hmax: h } as const;
      const g = odeGradient(c.make(c.p, c.y0), obs, { ...opts, mode: 'discrete' });
      expect(g.status, g.message).toBe('success');
      expect(g.stats.steps.forward).toBe(Math.round(times.at(-1)! / h));
      const fd = finiteDifferences(c.make, c.p, c.y0, obs, opts, 1e-4);
      const r = { dp: maxRelErr(g.dp, fd.dp), dy0: maxRelErr(g.dy0, fd.dy0) };
      if (report) console.log(`REPORT pinned ${c.name} ${JSON.stringify(r)}`);
      expect(r.dp).toBeLessThan(1e-6);
      expect(r.dy0).toBeLessThan(1e-6);
    }
  });
});
