import { describe, expect, it } from 'vitest';
import { interpolateOneStep, observedOrder } from '../../test/helpers/fixed-step';
import { detestProblems } from '../../test/problems/detest';
import { solve } from '../solve';
import type { ExplicitMethodName, SolveOptions } from '../types';
import { explicitMethods } from './registry';

// Kepler orbits (DETEST D1, e = 0.1, and D2, e = 0.3), exact through Kepler's equation.
const D1 = detestProblems.find((p) => p.name === 'D1')!;
const D2 = detestProblems.find((p) => p.name === 'D2')!;
const exact = D2.exact!;

// Local error of the continuous extension after one step from the exact state: O(h^(r+1)) with
// r = min(interpolant order, method order) (Hermite: r = 3, dopri5/tsit5: 4, dop853: 7).
const cases: Array<{ method: ExplicitMethodName; r: number; hs: number[] }> = [
  { method: 'euler', r: 1, hs: [0.02, 0.01, 0.005, 0.0025] },
  { method: 'rk4', r: 3, hs: [0.1, 0.05, 0.025, 0.0125] },
  { method: 'bs3', r: 3, hs: [0.1, 0.05, 0.025, 0.0125] },
  { method: 'dopri5', r: 4, hs: [0.1, 0.05, 0.025, 0.0125] },
  { method: 'tsit5', r: 4, hs: [0.1, 0.05, 0.025, 0.0125] },
  { method: 'dop853', r: 7, hs: [0.8, 0.4, 0.2, 0.1] },
];

describe('continuous extensions', () => {
  it.each(cases)('$method interpolates with local order $r + 1 (within 0.3)', ({ method, r, hs }) => {
    const t0 = 0.7;
    const y0 = D1.exact!(t0);
    const errs = hs.map((h) =>
      Math.max(
        ...[0.3, 0.5, 0.8].map((theta) => {
          const y = interpolateOneStep(explicitMethods[method]!, D1.f, y0, t0, h, theta);
          const ye = D1.exact!(t0 + theta * h);
          return Math.max(...ye.map((v, i) => Math.abs(y[i]! - v)));
        }),
      ),
    );
    expect(Math.abs(observedOrder(hs, errs) - (r + 1))).toBeLessThan(0.3);
  });

  it.each<ExplicitMethodName>([
    'bs3',
    'dopri5',
    'tsit5',
    'dop853',
  ])('%s: dense output over the whole span is as accurate as the steps themselves', (method) => {
    const T = 2 * Math.PI;
    const tol = 1e-8;
    const sol = solve({ f: D2.f, y0: D2.y0, tspan: [0, T] }, { method, rtol: tol, atol: tol, dense: true });
    expect(sol.status).toBe('success');
    let stepErr = 0;
    sol.t.forEach((t, k) => {
      stepErr = Math.max(stepErr, ...exact(t).map((v, i) => Math.abs(sol.y[k]![i]! - v)));
    });
    let denseErr = 0;
    const out = new Float64Array(4);
    for (let j = 0; j <= 2000; j++) {
      const t = (T * j) / 2000;
      sol.at!(t, out);
      denseErr = Math.max(denseErr, ...exact(t).map((v, i) => Math.abs(out[i]! - v)));
    }
    // dop853's 7th-order extension is coarser than its 8th-order steps: up to 22·tol measured.
    expect(denseErr).toBeLessThan(2 * stepErr + 50 * tol);
    // At the step ends the interpolant reproduces the steps (θ = 1 gives the weights b).
    sol.t.forEach((t, k) => {
      const y = sol.at!(t);
      y.forEach((v, i) => {
        expect(Math.abs(v - sol.y[k]![i]!)).toBeLessThan(1e-13 * (1 + Math.abs(v)));
      });
    });
  });

  it('serves saveAt points from the same interpolant as sol.at', () => {
    const saveAt = Array.from({ length: 37 }, (_, j) => j * 0.17);
    const opts: SolveOptions = { method: 'dopri5', rtol: 1e-7, atol: 1e-9 };
    const a = solve({ f: D2.f, y0: D2.y0, tspan: [0, 6.12] }, { ...opts, saveAt });
    const b = solve({ f: D2.f, y0: D2.y0, tspan: [0, 6.12] }, { ...opts, dense: true });
    expect(Array.from(a.t)).toEqual(saveAt);
    saveAt.forEach((t, j) => {
      const y = b.at!(t);
      y.forEach((v, i) => {
        expect(Math.abs(v - a.y[j]![i]!)).toBeLessThan(1e-14);
      });
    });
    expect(a.stats.nfev).toBe(b.stats.nfev);
  });

  it('sol.at throws a RangeError outside the integrated span, and works at both ends', () => {
    const sol = solve({ f: D2.f, y0: D2.y0, tspan: [0, 1] }, { dense: true });
    expect(Array.from(sol.at!(0))).toEqual(D2.y0);
    sol.at!(1).forEach((v, i) => {
      expect(Math.abs(v - sol.y[sol.y.length - 1]![i]!)).toBeLessThan(1e-14);
    });
    expect(() => sol.at!(-1e-9)).toThrow(RangeError);
    expect(() => sol.at!(1.000001)).toThrow(RangeError);
    expect(() => sol.at!(Number.NaN)).toThrow(RangeError);
  });

  it('leaves sol.at undefined without dense: true', () => {
    expect(solve({ f: D2.f, y0: D2.y0, tspan: [0, 1] }).at).toBeUndefined();
  });
});
