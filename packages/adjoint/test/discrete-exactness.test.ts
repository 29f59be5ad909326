import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type { GradientOptions } from '../src/types';
import { finiteDifferences, maxRelErr } from './compare';
import { lotkaVolterra, quadraticLoss } from './models';

const P = [1.5, 1, 1, 3];
const Y0 = [1, 1];
const obs = quadraticLoss([1, 2, 3, 5], 2);

describe("'discrete' is the exact gradient of the computed solution", () => {
  it('rk4 on a coarse fixed grid: matches finite differences of the same discrete solution, not the exact ODE', () => {
    const opts: GradientOptions = { method: 'rk4', mode: 'discrete', h0: 0.05 };
    const g = odeGradient(lotkaVolterra(P, Y0), obs, opts);
    const fd = finiteDifferences((p, y0) => lotkaVolterra(p, y0), P, Y0, obs, opts, 1e-5);
    expect(maxRelErr(g.dp, fd.dp)).toBeLessThan(1e-8);
    expect(maxRelErr(g.dy0, fd.dy0)).toBeLessThan(1e-8);
    // The coarse grid's truncation error is far larger than that agreement.
    const exact = odeGradient(lotkaVolterra(P, Y0), obs, {
      method: 'dopri5',
      mode: 'forward',
      rtol: 1e-12,
      atol: 1e-14,
    });
    expect(maxRelErr(g.dp, exact.dp)).toBeGreaterThan(1e-6);
  });

  it('stores every stage of every step, as its memory count says', () => {
    const g = odeGradient(lotkaVolterra(P, Y0), obs, { method: 'rk4', mode: 'discrete', h0: 0.01 });
    expect(g.stats.steps.forward).toBe(500);
    expect(g.stats.peakStoredStates).toBe(4 * 500 + 4);
    expect(g.stats.nvjp).toBe(4 * 500);
    // The solve's 4 stages per step and f at t0, then f at each of the 4 observations (dL/dtimes).
    expect(g.stats.nfev.forward).toBe(4 * 500 + 1 + 4);
  });

  it('adaptive bs3 and dopri5 at rtol 1e-9 agree with forward sensitivities at rtol 1e-12 to 1e-6', () => {
    for (const method of ['bs3', 'dopri5'] as const) {
      const g = odeGradient(lotkaVolterra(P, Y0), obs, { method, mode: 'discrete', rtol: 1e-9, atol: 1e-11 });
      const ref = odeGradient(lotkaVolterra(P, Y0), obs, {
        method: 'dopri5',
        mode: 'forward',
        rtol: 1e-12,
        atol: 1e-14,
      });
      expect(maxRelErr(g.dp, ref.dp)).toBeLessThan(1e-6);
    }
  });

  it('rodas5 with steps pinned by hmax: matches finite differences of the same discrete solution', () => {
    // Loose rtol, hmax = h0 = 0.02: every step is accepted at exactly 0.02, so the computed
    // solution is a smooth function of (p, y0) and central differences see its exact derivative.
    // Rosenbrock stages are linear solves, so the transposed step is that derivative (up to the
    // central differences of vjp it takes for ∂J/∂(y, p)).
    const opts = {
      method: 'rodas5' as const,
      mode: 'discrete' as const,
      rtol: 1e-2,
      atol: 1e-2,
      h0: 0.02,
      hmax: 0.02,
    };
    const g = odeGradient(lotkaVolterra(P, Y0), obs, opts);
    expect(g.stats.steps.forward).toBe(250);
    const fd = finiteDifferences((p, y0) => lotkaVolterra(p, y0), P, Y0, obs, opts, 1e-5);
    expect(maxRelErr(g.dp, fd.dp)).toBeLessThan(1e-7);
    expect(maxRelErr(g.dy0, fd.dy0)).toBeLessThan(1e-7);
  });

  it('radau5 and bdf with steps pinned: exact to the Newton tolerance of the implicit stages', () => {
    // The stage (radau5) and corrector (bdf) equations are differentiated as if solved exactly (the
    // implicit function theorem, as diffrax's implicit adjoint does), on solve's own steps. solve's
    // Newton iterations stop at a fraction of the local tolerance, so the derivative of the
    // *computed* solution differs from that by the Newton error: small, and shrinking with rtol.
    const bounds = { radau5: [1e-6, 1e-7], bdf: [1e-2, 1e-5] } as const;
    for (const method of ['radau5', 'bdf'] as const) {
      const [loose, tight] = bounds[method];
      // bdf at the user tolerance whose internal one is what its error test used before its
      // calibration (a third then, a hundredth now): at 1e-2 a few pinned steps are rejected.
      const tol = method === 'bdf' ? (1e-2 / 3) * 100 : 1e-2;
      const opts = { method, mode: 'discrete' as const, rtol: tol, atol: tol, h0: 0.02, hmax: 0.02 };
      const g = odeGradient(lotkaVolterra(P, Y0), obs, opts);
      expect(g.stats.steps.forward).toBe(250);
      const fd = finiteDifferences((p, y0) => lotkaVolterra(p, y0), P, Y0, obs, opts, 1e-5);
      expect(maxRelErr(g.dp, fd.dp), method).toBeLessThan(loose);
      expect(maxRelErr(g.dy0, fd.dy0), method).toBeLessThan(10 * loose);
      const tightOpts = { ...opts, rtol: 1e-8, atol: 1e-8 };
      const gt = odeGradient(lotkaVolterra(P, Y0), obs, tightOpts);
      const fdt = finiteDifferences((p, y0) => lotkaVolterra(p, y0), P, Y0, obs, tightOpts, 1e-5);
      expect(maxRelErr(gt.dp, fdt.dp), method).toBeLessThan(tight);
      expect(maxRelErr(gt.dy0, fdt.dy0), method).toBeLessThan(10 * tight);
    }
  });
});
