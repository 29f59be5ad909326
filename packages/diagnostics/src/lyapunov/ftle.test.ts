import { describe, expect, it } from 'vitest';
import { lorenz, lorenzJac } from '../../test/lorenz';
import { singularValues } from '../linalg/eigen';
import { ftle, ftleAlongTrajectory } from './ftle';

describe('finite-time Lyapunov exponents', () => {
  it('match the singular values of the exact flow map of a shear', () => {
    // y' = [[0, 1], [0, 0]]·y has Φ(T) = [[1, T], [0, 1]], with σ_max = (T + √(T² + 4))/2.
    const f = (_t: number, y: Float64Array, d: Float64Array) => {
      d[0] = y[1]!;
      d[1] = 0;
    };
    for (const T of [0.5, 3, 40]) {
      const r = ftle({ f, y0: [0, 0] }, { T });
      const sigma = (T + Math.sqrt(T * T + 4)) / 2;
      expect(r.max).toBeCloseTo(Math.log(sigma) / T, 10);
      // det Φ = 1, so the two exponents cancel.
      expect(r.exponents[0]! + r.exponents[1]!).toBeCloseTo(0, 10);
    }
  });

  it('does not overflow over long windows of an expanding flow', () => {
    const f = (_t: number, y: Float64Array, d: Float64Array) => {
      d[0] = 5 * y[0]!;
      d[1] = -y[1]!;
    };
    // Φ(T) = diag(e^{500}, e^{-100}) overflows without rescaling; both exponents stay accurate.
    const r = ftle({ f, y0: [0, 0] }, { T: 100, dt: 0.01 });
    expect(r.exponents[0]!).toBeCloseTo(5, 6);
    expect(r.exponents[1]!).toBeCloseTo(-1, 6);
  });

  it('agrees with a finite-difference flow map on Lorenz and sums to the trace of the Jacobian', () => {
    const y0 = [1, 1, 20];
    const T = 0.5;
    const r = ftle({ f: lorenz, jac: lorenzJac, y0 }, { T });
    // Columns of Φ by central differences of the same RK4 flow map.
    const delta = 1e-6;
    const phi = new Float64Array(9);
    for (let j = 0; j < 3; j++) {
      const plus = ftle({ f: lorenz, y0: y0.map((v, i) => v + (i === j ? delta : 0)) }, { T }).y;
      const minus = ftle({ f: lorenz, y0: y0.map((v, i) => v - (i === j ? delta : 0)) }, { T }).y;
      for (let i = 0; i < 3; i++) phi[3 * i + j] = (plus[i]! - minus[i]!) / (2 * delta);
    }
    expect(r.max).toBeCloseTo(Math.log(singularValues(phi, 3, 3)[0]!) / T, 6);
    // Volume contracts at the constant rate tr J = −(σ + 1 + β): Σ exponents = ln|det Φ|/T.
    const sum = r.exponents[0]! + r.exponents[1]! + r.exponents[2]!;
    expect(sum).toBeCloseTo(-(10 + 1 + 8 / 3), 6);
    const along = ftleAlongTrajectory(
      { n: 3, f: lorenz, jac: lorenzJac },
      { t: [0, 0], y: [y0, r.y] },
      { T },
    );
    expect(along[0]!).toBeCloseTo(r.max, 12);
  });
});
