import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type { GradientModel } from '../src/types';
import { maxRelErr } from './compare';
import { quadraticLoss } from './models';

/** y0' = −k·y0, y1' = −y1 + y0 with p = [k, 1]: strongly damped, so its backward flow grows as e^{kt}. */
function damped(k: number): GradientModel {
  return {
    t0: 0,
    y0: [1, 0.5],
    p: [k, 1],
    f(_t, y, p, d) {
      d[0] = -p[0]! * y[0]!;
      d[1] = -p[1]! * y[1]! + y[0]!;
    },
    vjp(_t, y, p, v, vy, vp) {
      vy[0] = -p[0]! * v[0]! + v[1]!;
      vy[1] = -p[1]! * v[1]!;
      vp[0] = -y[0]! * v[0]!;
      vp[1] = -y[1]! * v[1]!;
    },
  };
}

const obs = quadraticLoss([2, 5], 2);

/** Normwise relative error over [dp, dy0]: dL/dk is ~e^{-2k} here, below any absolute tolerance. */
function gradErr(g: { dp: Float64Array; dy0: Float64Array }, ref: { dp: Float64Array; dy0: Float64Array }) {
  const a = [...g.dp, ...g.dy0];
  const b = [...ref.dp, ...ref.dy0];
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / Math.max(...b.map(Math.abs));
}
const opts = { rtol: 1e-8, atol: 1e-10 };
const reference = (k: number) =>
  odeGradient(damped(k), obs, { method: 'dop853', mode: 'forward', rtol: 1e-13, atol: 1e-15 });

describe('backsolve measures how far its backward state drifts from the forward one', () => {
  it('mild damping: small drift, accurate gradient', () => {
    const ref = reference(5);
    for (const method of ['dopri5', 'radau5'] as const) {
      const g = odeGradient(damped(5), obs, { ...opts, method, mode: 'backsolve' });
      expect(g.status).toBe('success');
      expect(g.stats.backsolveDrift).toBeGreaterThan(0);
      expect(g.stats.backsolveDrift).toBeLessThan(1000);
      expect(gradErr(g, ref)).toBeLessThan(1e-6);
    }
  });

  it('strong damping: the backward state leaves the trajectory and the result fails instead of lying', () => {
    const ref = reference(50);
    for (const method of ['dopri5', 'radau5'] as const) {
      const g = odeGradient(damped(50), obs, { ...opts, method, mode: 'backsolve' });
      expect(g.status).toBe('failed');
      expect(g.message).toMatch(/drifted .* tolerances from the forward state at t=.*'interpolating'/);
      expect(g.stats.backsolveDrift).toBeGreaterThan(1e6);
      expect(Number.isNaN(g.dp[0]!)).toBe(true);
      // Without the check the same computation returns dL/dk (1.8e-5) wrong in sign or by 1e48…
      const unchecked = odeGradient(damped(50), obs, {
        ...opts,
        method,
        mode: 'backsolve',
        maxDrift: Infinity,
      });
      expect(unchecked.status).toBe('success');
      expect(maxRelErr(unchecked.dp, ref.dp)).toBeGreaterThan(0.5);
      // …while a mode that keeps the forward state gets it right.
      const interp = odeGradient(damped(50), obs, { ...opts, method, mode: 'interpolating' });
      expect(gradErr(interp, ref)).toBeLessThan(1e-5);
    }
  });

  it('rejects a maxDrift that is not a positive number', () => {
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => odeGradient(damped(5), obs, { ...opts, mode: 'backsolve', maxDrift: bad })).toThrow(
        /options\.maxDrift must be a positive number/,
      );
    }
  });
});
