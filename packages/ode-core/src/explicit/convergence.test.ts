import { describe, expect, it } from 'vitest';
import { detestProblems } from '../../test/problems/detest';
import { fixedStepSolve, observedOrder } from '../../test/helpers/fixed-step';
import { solve } from '../solve';
import type { ExplicitMethodName } from '../types';
import { explicitMethods, isExplicitMethod } from './registry';

// DETEST B5 (Euler's rigid body, nonlinear) on [0, 20]; step counts chosen per method so that the
// errors sit in the asymptotic range, above round-off.
const B5 = detestProblems.find((p) => p.name === 'B5')!;
const T = 20;
const reference = solve(
  { f: B5.f, y0: B5.y0, tspan: [0, T] },
  { method: 'dop853', rtol: 1e-14, atol: 1e-14, saveAt: [T] },
).y[0]!;

const stepCounts: Record<string, number[]> = {
  euler: [1024, 2048, 4096, 8192],
  rk4: [128, 256, 512, 1024],
  bs3: [256, 512, 1024, 2048],
  dopri5: [128, 256, 512, 1024],
  tsit5: [128, 256, 512, 1024],
  dop853: [32, 48, 64, 96, 128],
};

function maxError(y: Float64Array): number {
  return Math.max(...Array.from(y, (v, i) => Math.abs(v - reference[i]!)));
}

describe('fixed-step convergence on DETEST B5', () => {
  it.each(Object.keys(stepCounts))('%s has its nominal order within 0.3', (name) => {
    const tableau = explicitMethods[name]!;
    const Ns = stepCounts[name]!;
    const errs = Ns.map((N) => maxError(fixedStepSolve(tableau, B5.f, B5.y0, 0, T, N)));
    const order = observedOrder(
      Ns.map((N) => T / N),
      errs,
    );
    expect(Math.abs(order - tableau.order)).toBeLessThan(0.3);
  });

  it.each<ExplicitMethodName>([
    'euler',
    'rk4',
  ])('solve with method %s and h0 takes exactly the fixed steps', (method) => {
    const N = 512;
    const sol = solve({ f: B5.f, y0: B5.y0, tspan: [0, T] }, { method, h0: T / N });
    expect(sol.status).toBe('success');
    expect(sol.stats.naccept).toBe(N);
    expect(sol.t.length).toBe(N + 1);
    expect(sol.t[N]).toBe(T);
    const direct = fixedStepSolve(explicitMethods[method]!, B5.f, B5.y0, 0, T, N);
    expect(maxError(sol.y[N]!)).toBeCloseTo(maxError(direct), 12);
  });
});

describe('adaptive error control', () => {
  const D2 = detestProblems.find((p) => p.name === 'D2')!;
  const T2 = 2 * Math.PI; // one period of the e = 0.3 Kepler orbit
  const exact = D2.exact!(T2);
  const tolerances: Record<string, number[]> = {
    bs3: [1e-4, 1e-5, 1e-6, 1e-7, 1e-8],
    dopri5: [1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10],
    tsit5: [1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10],
    dop853: [1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12],
  };
  it.each(
    Object.keys(tolerances).filter(isExplicitMethod),
  )('%s: the global error falls in proportion to the tolerance and stays within 150·tol', (method) => {
    const tols = tolerances[method]!;
    const errs = tols.map((tol) => {
      const sol = solve(
        { f: D2.f, y0: D2.y0, tspan: [0, T2] },
        { method, rtol: tol, atol: tol, saveAt: [T2] },
      );
      expect(sol.status).toBe('success');
      return Math.max(...exact.map((v, i) => Math.abs(sol.y[0]![i]! - v)));
    });
    // Local control lets the phase error of the orbit accumulate: the global error after one
    // period is 2–90·tol (measured), never more.
    errs.forEach((e, i) => {
      expect(e).toBeLessThan(150 * tols[i]!);
    });
    const slope = observedOrder(tols, errs);
    expect(slope).toBeGreaterThan(0.75);
    expect(slope).toBeLessThan(1.25);
  });
});
