import { solve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type { GradientModel, GradientOptions, Observations } from '../src/types';
import { lotkaVolterra, quadraticLoss, robertson } from './models';

/**
 * 'discrete' mode with method 'bdf' differentiates exactly the NDF solution `solve` returns: the
 * loss is solve's loss to the last bit, and dp, dy0 are the derivatives of that computed solution
 * (steps, orders and rescalings held fixed), so they match finite differences of solve's loss.
 * Set KINETICA_REPORT=1 to print the measured agreement.
 */

const report = process.env.KINETICA_REPORT === '1';

/** E + S ⇌ C → E + P by mass action, y = [S, E, C], p = [k1 (binding), k2 (unbinding), k3 (catalysis)]. */
function enzyme(p = [1e4, 1e2, 10], y0 = [1, 1e-2, 0]): GradientModel {
  return {
    t0: 0,
    y0,
    p,
    f(_t, y, p, d) {
      const r1 = p[0]! * y[0]! * y[1]!;
      const r2 = p[1]! * y[2]!;
      const r3 = p[2]! * y[2]!;
      d[0] = -r1 + r2;
      d[1] = -r1 + r2 + r3;
      d[2] = r1 - r2 - r3;
    },
    vjp(_t, y, p, v, vy, vp) {
      const a = v[2]! - v[0]! - v[1]!; // ∂(vᵀf)/∂r1
      const b = v[0]! + v[1]! - v[2]!; // ∂(vᵀf)/∂r2
      const c = v[1]! - v[2]!; // ∂(vᵀf)/∂r3
      vy[0] = a * p[0]! * y[1]!;
      vy[1] = a * p[0]! * y[0]!;
      vy[2] = b * p[1]! + c * p[2]!;
      vp[0] = a * y[0]! * y[1]!;
      vp[1] = b * y[2]!;
      vp[2] = c * y[2]!;
    },
    jac(_t, y, p, J) {
      const [k1, k2, k3] = [p[0]!, p[1]!, p[2]!];
      J[0] = -k1 * y[1]!;
      J[1] = -k1 * y[0]!;
      J[2] = k2;
      J[3] = -k1 * y[1]!;
      J[4] = -k1 * y[0]!;
      J[5] = k2 + k3;
      J[6] = k1 * y[1]!;
      J[7] = k1 * y[0]!;
      J[8] = -k2 - k3;
    },
  };
}

interface Case {
  name: string;
  make: (p: number[], y0: number[]) => GradientModel;
  p: number[];
  y0: number[];
  /** Two observation sets. */
  times: number[][];
  /** Two losses: plain sum of squares, and heavy weights on the small components. */
  weights: number[][];
  /** atol = rtol·atolScale (the small components set it). */
  atolScale: number;
}

const cases: Case[] = [
  {
    name: 'Robertson',
    make: (p, y0) => robertson(p, y0),
    p: [0.04, 3e7, 1e4],
    y0: [1, 0, 0],
    times: [
      [1, 10, 100, 1000, 1e4],
      [0.1, 3, 40, 400, 4e4],
    ],
    weights: [
      [1, 1, 1],
      [1, 1e4, 1],
    ],
    atolScale: 1e-4,
  },
  {
    name: 'Lotka–Volterra',
    make: (p, y0) => lotkaVolterra(p, y0),
    p: [1.5, 1, 1, 3],
    y0: [1, 1],
    times: [
      [1, 2, 3, 5],
      [0.5, 1.5, 4, 7, 10],
    ],
    weights: [
      [1, 1],
      [1, 100],
    ],
    atolScale: 1e-2,
  },
  {
    name: 'enzyme E + S ⇌ C → E + P',
    make: (p, y0) => enzyme(p, y0),
    p: [1e4, 1e2, 10],
    y0: [1, 1e-2, 0],
    times: [
      [0.01, 0.1, 1, 5, 10, 20],
      [0.001, 2, 8, 15],
    ],
    weights: [
      [1, 1, 1],
      [1, 1e4, 1e4],
    ],
    atolScale: 1e-4,
  },
];

/** The loss on `solve(problem, {method: 'bdf', saveAt: times, tstops: times})`, the solve 'discrete' differentiates. */
function solveLoss(
  c: Case,
  p: number[],
  y0: number[],
  obs: Observations,
  rtol: number,
  atol: number,
): number {
  const m = c.make(p, y0);
  const times = Array.from(obs.times);
  const problem = { f: m.f, p, y0, tspan: [m.t0, times.at(-1)!] as const, jac: m.jac! };
  const sol = solve(problem, { method: 'bdf', rtol, atol, saveAt: times, tstops: times });
  if (sol.status !== 'success') throw new Error(sol.message);
  let loss = 0;
  for (let i = 0; i < times.length; i++) loss += obs.loss(i, sol.y[i]!);
  return loss;
}

/**
 * Fourth-order central differences of solve's loss in each p and y0 component, with relative step
 * `rel` (absolute `rel·floor` for components near 0): the larger step a fourth-order formula allows
 * keeps the adaptive solver's round-off and decision noise (≈ rtol·L) far below 1e-5.
 */
function finiteDifferences(
  c: Case,
  obs: Observations,
  rtol: number,
  atol: number,
  rel = 1e-3,
  floor = 1e-3,
): { dp: number[]; dy0: number[] } {
  const diff = (vec: number[], k: number, loss: (v: number[]) => number) => {
    const e = rel * Math.max(Math.abs(vec[k]!), floor);
    const at = (s: number) => {
      const v = vec.slice();
      v[k]! += s * e;
      return loss(v);
    };
    return (8 * (at(1) - at(-1)) - (at(2) - at(-2))) / (12 * e);
  };
  return {
    dp: c.p.map((_, k) => diff(c.p, k, (v) => solveLoss(c, v, c.y0, obs, rtol, atol))),
    dy0: c.y0.map((_, k) => diff(c.y0, k, (v) => solveLoss(c, c.p, v, obs, rtol, atol))),
  };
}

/** Largest componentwise relative difference. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return m;
}

const fmt = (x: number) => x.toExponential(1);

for (const c of cases) {
  describe(`discrete bdf on ${c.name}`, () => {
    for (const [ti, times] of c.times.entries()) {
      for (const [wi, weights] of c.weights.entries()) {
        const label = `observations ${ti + 1}, ${wi === 0 ? 'sum of squares' : `weights ${weights.join(', ')}`}`;
        const obs = quadraticLoss(times, c.y0.length, weights);

        it(`${label}: loss is solve's, gradient matches finite differences of it and forward sensitivities`, () => {
          const rtol = 1e-10;
          const atol = rtol * c.atolScale;
          const opts: GradientOptions = { method: 'bdf', mode: 'discrete', rtol, atol };
          const g = odeGradient(c.make(c.p, c.y0), obs, opts);
          expect(g.status, g.message).toBe('success');
          // (a) The loss of solve's own solution (bit-identical: the same loop produced it).
          const loss = solveLoss(c, c.p, c.y0, obs, rtol, atol);
          expect(Math.abs(g.loss - loss)).toBeLessThanOrEqual(1e-12 * Math.abs(loss));
          // (b) The derivative of that loss.
          const fd = finiteDifferences(c, obs, rtol, atol);
          const eFdP = relErr(g.dp, fd.dp);
          const eFdY = relErr(g.dy0, fd.dy0);
          expect(eFdP).toBeLessThan(1e-5);
          expect(eFdY).toBeLessThan(1e-5);
          // (c) Forward sensitivities at the same tolerance.
          const fwd = odeGradient(c.make(c.p, c.y0), obs, { ...opts, mode: 'forward' });
          expect(fwd.status, fwd.message).toBe('success');
          const eFwP = relErr(g.dp, fwd.dp);
          const eFwY = relErr(g.dy0, fwd.dy0);
          expect(eFwP).toBeLessThan(1e-6);
          expect(eFwY).toBeLessThan(1e-6);
          if (report) {
            console.log(
              `${c.name} | ${label} | rtol 1e-10 | steps ${g.stats.steps.forward} | loss−solve ${g.loss - loss} | ` +
                `vs FD dp ${fmt(eFdP)} dy0 ${fmt(eFdY)} | vs forward dp ${fmt(eFwP)} dy0 ${fmt(eFwY)}`,
            );
          }
        });
      }
    }
  });
}

describe('discrete bdf at working tolerances', () => {
  it('Robertson at rtol 1e-4 and 1e-6: the loss is solve’s, and the gradient is within the tolerance of the exact one', () => {
    const c = cases[0]!;
    const obs = quadraticLoss(c.times[0]!, 3, c.weights[1]!);
    const exact = odeGradient(c.make(c.p, c.y0), obs, {
      method: 'bdf',
      mode: 'forward',
      rtol: 1e-10,
      atol: 1e-14,
    });
    for (const [rtol, bound] of [
      [1e-4, 2e-3],
      [1e-6, 1e-4],
    ] as const) {
      const atol = rtol * c.atolScale;
      const g = odeGradient(c.make(c.p, c.y0), obs, { method: 'bdf', mode: 'discrete', rtol, atol });
      expect(g.status, g.message).toBe('success');
      expect(g.loss).toBe(solveLoss(c, c.p, c.y0, obs, rtol, atol));
      expect(relErr(g.dp, exact.dp)).toBeLessThan(bound);
      expect(relErr(g.dy0, exact.dy0)).toBeLessThan(bound);
      if (report) {
        // Finite differences of an adaptive solve at loose tolerance also see the step sizes
        // move with p: reported, not asserted.
        for (const rel of [1e-2, 1e-3, 1e-4]) {
          const fd = finiteDifferences(c, obs, rtol, atol, rel);
          console.log(
            `Robertson rtol ${rtol} atol ${atol} | FD rel step ${rel} | dp vs FD ${fmt(relErr(g.dp, fd.dp))} ` +
              `dy0[0] vs FD ${fmt(relErr(g.dy0.subarray(0, 1), fd.dy0.slice(0, 1)))} | dp vs exact ${fmt(relErr(g.dp, exact.dp))} dy0 vs exact ${fmt(relErr(g.dy0, exact.dy0))}`,
          );
        }
      }
    }
  });

  it('enzyme model at rtol 1e-8, atol 1e-10 succeeds and agrees with forward sensitivities', () => {
    const c = cases[2]!;
    for (const weights of c.weights) {
      const obs = quadraticLoss(c.times[0]!, 3, weights);
      const opts: GradientOptions = { method: 'bdf', rtol: 1e-8, atol: 1e-10 };
      const g = odeGradient(c.make(c.p, c.y0), obs, { ...opts, mode: 'discrete' });
      expect(g.status, g.message).toBe('success');
      expect(g.loss).toBe(solveLoss(c, c.p, c.y0, obs, 1e-8, 1e-10));
      const ref = odeGradient(c.make(c.p, c.y0), obs, {
        method: 'bdf',
        mode: 'forward',
        rtol: 1e-11,
        atol: 1e-15,
      });
      // The computed solution is accurate to about rtol; measured 5e-6 (dp) and 1e-6 (dy0).
      expect(relErr(g.dp, ref.dp)).toBeLessThan(5e-5);
      expect(relErr(g.dy0, ref.dy0)).toBeLessThan(5e-5);
      if (report) {
        console.log(
          `enzyme rtol 1e-8 atol 1e-10 weights ${weights.join(',')} | steps ${g.stats.steps.forward} | dp vs forward(1e-11) ${fmt(relErr(g.dp, ref.dp))} dy0 ${fmt(relErr(g.dy0, ref.dy0))}`,
        );
      }
    }
  });

  it('steps capped by hmax (hmax rescalings on the tape) still give the derivative of the computed solution', () => {
    const c = cases[1]!;
    const obs = quadraticLoss(c.times[0]!, 2, c.weights[0]!);
    const rtol = 1e-9;
    const atol = 1e-11;
    const g = odeGradient(c.make(c.p, c.y0), obs, {
      method: 'bdf',
      mode: 'discrete',
      rtol,
      atol,
      hmax: 0.01,
    });
    expect(g.status, g.message).toBe('success');
    const fwd = odeGradient(c.make(c.p, c.y0), obs, {
      method: 'bdf',
      mode: 'forward',
      rtol: 1e-11,
      atol: 1e-13,
    });
    expect(relErr(g.dp, fwd.dp)).toBeLessThan(1e-6);
    expect(relErr(g.dy0, fwd.dy0)).toBeLessThan(1e-6);
  });
});
