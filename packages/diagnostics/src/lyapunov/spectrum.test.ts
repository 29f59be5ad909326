import { describe, expect, it } from 'vitest';
import { BETA, lorenz, lorenzJac, SIGMA } from '../../test/lorenz';
import { lyapunovSpectrum } from './spectrum';

describe('lyapunovSpectrum', () => {
  // The t = 1000 figure of the contract (λ1 = 0.9065) is in bench/lyapunov-lorenz.ts; at t = 300 the
  // finite-time estimate still wanders by about ±0.01, well inside the acceptance band of ±0.02.
  it('gives the Lorenz spectrum: λ1 = 0.906 ± 0.02, λ2 ≈ 0, sum = −(σ + 1 + β) within 1%', () => {
    const l = lyapunovSpectrum({ f: lorenz, jac: lorenzJac, y0: [1, 1, 1] }, { t: 300, transient: 50 });
    expect(l).toBeInstanceOf(Float64Array);
    expect(l).toHaveLength(3);
    expect(Math.abs(l[0]! - 0.906)).toBeLessThan(0.02);
    expect(Math.abs(l[1]!)).toBeLessThan(0.01);
    const sum = l[0]! + l[1]! + l[2]!;
    const exact = -(SIGMA + 1 + BETA);
    expect(Math.abs(sum - exact) / Math.abs(exact)).toBeLessThan(0.01);
    expect(l[0]!).toBeGreaterThan(l[1]!);
    expect(l[1]!).toBeGreaterThan(l[2]!);
  });

  it('agrees with and without an analytic Jacobian', () => {
    const a = lyapunovSpectrum({ f: lorenz, jac: lorenzJac, y0: [1, 1, 1] }, { t: 20, transient: 5 });
    const b = lyapunovSpectrum({ f: lorenz, y0: [1, 1, 1] }, { t: 20, transient: 5 });
    for (let i = 0; i < 3; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-6);
  });

  it('returns the real parts of the eigenvalues for a linear system', () => {
    // y' = A·y with A upper triangular: exponents are the diagonal, whatever the coupling.
    const A = [0.3, 2, 0, 0, -0.5, 1, 0, 0, -2];
    const f = (_t: number, y: Float64Array, d: Float64Array) => {
      for (let i = 0; i < 3; i++) d[i] = A[3 * i]! * y[0]! + A[3 * i + 1]! * y[1]! + A[3 * i + 2]! * y[2]!;
    };
    const l = lyapunovSpectrum({ f, y0: [1, 1, 1] }, { t: 200, transient: 20, dt: 0.05 });
    expect(l[0]!).toBeCloseTo(0.3, 2);
    expect(l[1]!).toBeCloseTo(-0.5, 2);
    expect(l[2]!).toBeCloseTo(-2, 2);
  });

  it('computes only the leading exponents when count < n', () => {
    const l = lyapunovSpectrum(
      { f: lorenz, jac: lorenzJac, y0: [1, 1, 1] },
      { t: 20, transient: 5, count: 1 },
    );
    const full = lyapunovSpectrum({ f: lorenz, jac: lorenzJac, y0: [1, 1, 1] }, { t: 20, transient: 5 });
    expect(l).toHaveLength(1);
    expect(l[0]!).toBeCloseTo(full[0]!, 12);
  });

  it('rejects bad options with one-line RangeErrors', () => {
    expect(() => lyapunovSpectrum({ f: lorenz, y0: [1, 1, 1] }, { t: -1 })).toThrow(
      /lyapunovSpectrum: t must be/,
    );
    expect(() => lyapunovSpectrum({ f: lorenz, y0: [1, Number.NaN, 1] }, { t: 1 })).toThrow(
      /component 1 is not finite/,
    );
    expect(() => lyapunovSpectrum({ f: lorenz, y0: [1, 1, 1] }, { t: 1, count: 4 })).toThrow(/count must be/);
  });

  it('reports a blow-up with the time at which it happened', () => {
    const f = (_t: number, y: Float64Array, d: Float64Array) => {
      d[0] = y[0]! * y[0]!;
    };
    expect(() => lyapunovSpectrum({ f, y0: [1] }, { t: 5, dt: 0.01 })).toThrow(/at t=/);
  });
});
