import { describe, expect, it } from 'vitest';
import type { ParametricField } from '../field';
import { localSensitivities } from './local';

/** Cascade x' = u − k·x, y' = c·x − y with p = [k, u, c]. */
const cascade: ParametricField = {
  n: 2,
  p: [0.5, 2, 3],
  f(_t, y, p, d) {
    d[0] = p[1]! - p[0]! * y[0]!;
    d[1] = p[2]! * y[0]! - y[1]!;
  },
};

describe('local sensitivities ∂x(T)/∂p', () => {
  const [k, u, x0, T] = [0.5, 2, 1, 3];
  const e = Math.exp(-k * T);
  // x(T) = x0·e^{−kT} + (u/k)(1 − e^{−kT}).
  const dxdu = (1 - e) / k;
  const dxdk = -T * x0 * e - (u / (k * k)) * (1 - e) + (u / k) * T * e;
  const options = { y0: [x0, 0], tspan: [0, T] as const, rtol: 1e-10, atol: 1e-12 };

  it('match the analytic derivatives by forward sensitivity equations', () => {
    const s = localSensitivities(cascade, options);
    expect(s.status, s.message).toBe('success');
    expect(s.S[0 * 3 + 0]!).toBeCloseTo(dxdk, 7);
    expect(s.S[0 * 3 + 1]!).toBeCloseTo(dxdu, 7);
    expect(s.S[0 * 3 + 2]!).toBeCloseTo(0, 9);
  });

  it('agree between forward equations and finite differences on every entry', () => {
    const fwd = localSensitivities(cascade, options);
    const fd = localSensitivities(cascade, { ...options, approach: 'finite-difference' });
    for (let i = 0; i < 6; i++)
      expect(Math.abs(fwd.S[i]! - fd.S[i]!)).toBeLessThan(1e-6 * (1 + Math.abs(fwd.S[i]!)));
    expect(fd.x[0]!).toBeCloseTo(fwd.x[0]!, 9);
  });

  it('give ∂x/∂ln p under relative scaling, also for a driven control', () => {
    const rel = localSensitivities(cascade, { ...options, indices: [1], scale: 'relative' });
    expect(rel.S[0]!).toBeCloseTo(u * dxdu, 7);
    const driven: ParametricField = { ...cascade, drive: (_t, p) => void (p[1] = u) };
    const relDriven = localSensitivities(driven, {
      ...options,
      indices: [1],
      scale: 'relative',
      approach: 'finite-difference',
    });
    expect(relDriven.S[0]!).toBeCloseTo(u * dxdu, 6);
  });
});
