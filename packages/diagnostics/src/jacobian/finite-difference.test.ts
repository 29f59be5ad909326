import { describe, expect, it } from 'vitest';
import { jacobianOf } from './finite-difference';

describe('finite-difference Jacobian', () => {
  const f = (_t: number, y: Float64Array, d: Float64Array) => {
    d[0] = Math.sin(y[0]!) * y[1]!;
    d[1] = Math.tanh(y[1]! / 1e-6);
  };

  it('matches the analytic Jacobian to about 1e-10 relative', () => {
    const J = new Float64Array(4);
    jacobianOf(f, 2, undefined, [1, 1e-6])(0, Float64Array.of(0.7, 1e-6), J);
    expect(J[0]!).toBeCloseTo(Math.cos(0.7) * 1e-6, 15);
    expect(J[1]!).toBeCloseTo(Math.sin(0.7), 9);
    expect(J[2]!).toBe(0);
    expect(J[3]! / (1 / Math.cosh(1) ** 2 / 1e-6)).toBeCloseTo(1, 8);
  });

  it('needs the state scale for a species that lives around 1e-6', () => {
    // With the default scale 1 the step (6e-6) is six times the state and the slope is lost.
    const J = new Float64Array(4);
    jacobianOf(f, 2)(0, Float64Array.of(0.7, 1e-6), J);
    expect(Math.abs(J[3]! / (1 / Math.cosh(1) ** 2 / 1e-6) - 1)).toBeGreaterThan(0.3);
  });

  it('returns the analytic Jacobian untouched when given', () => {
    const jac = () => {};
    expect(jacobianOf(f, 2, jac)).toBe(jac);
  });

  it('rejects a non-positive scale', () => {
    expect(() => jacobianOf(f, 2, undefined, [1, 0])).toThrow(/scale\[1\] must be a finite number > 0/);
  });
});
