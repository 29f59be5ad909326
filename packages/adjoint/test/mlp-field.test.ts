import { describe, expect, it } from 'vitest';
import { b1Trajectory, GRID, initialWeights, mlpModel, mseObservations, NP, NX } from '../bench/mlp-field';
import { odeGradient } from '../src/index';
import type { GradientOptions } from '../src/types';

const p = initialWeights(3);
const traj = b1Trajectory(0);
const model = mlpModel(p, traj.u, traj.y0);

describe('the B1-size MLP field used by the speed benchmark', () => {
  it('has a vjp that matches central differences of f', () => {
    const y = Float64Array.from([0.3, -0.2, 0.5, 0.1, 0.7, -0.4]);
    const v = Float64Array.from([1, -2, 0.5, 0.3, -1, 2]);
    const vy = new Float64Array(NX);
    const vp = new Float64Array(NP);
    model.vjp(10.3, y, p, v, vy, vp);
    const d = new Float64Array(NX);
    const dot = (yy: Float64Array, pp: Float64Array) => {
      model.f(10.3, yy, pp, d);
      return d.reduce((s, di, i) => s + di * v[i]!, 0);
    };
    for (let j = 0; j < NX; j++) {
      const e = 1e-6;
      const up = y.slice();
      up[j]! += e;
      const dn = y.slice();
      dn[j]! -= e;
      expect(vy[j]!).toBeCloseTo((dot(up, p) - dot(dn, p)) / (2 * e), 7);
    }
    for (const k of [0, 500, 1000, 3000, 5000, NP - 1]) {
      const up = p.slice();
      up[k]! += 1e-6;
      const dn = p.slice();
      dn[k]! -= 1e-6;
      expect(vp[k]!).toBeCloseTo((dot(y, up) - dot(y, dn)) / 2e-6, 7);
    }
  });

  it('rk4 on the 200-point grid: discrete takes 199 steps and agrees with the continuous adjoints', () => {
    const obs = mseObservations(traj.target);
    const opts: GradientOptions = { method: 'rk4', h0: GRID[1]!, tstops: GRID };
    const d = odeGradient(model, obs, { ...opts, mode: 'discrete' });
    expect(d.stats.steps.forward).toBe(199);
    // 4 stages per step and f at t0 in the solve, then f at each of the 200 observations (dL/dtimes).
    expect(d.stats.nfev.forward).toBe(4 * 199 + 1 + 200);
    expect(d.stats.nvjp).toBe(4 * 199);
    const dense = odeGradient(model, obs, {
      method: 'dopri5',
      mode: 'checkpointed',
      rtol: 1e-9,
      atol: 1e-11,
      tstops: GRID,
    });
    let num = 0;
    let den = 0;
    for (let k = 0; k < NP; k++) {
      num += (d.dp[k]! - dense.dp[k]!) ** 2;
      den += dense.dp[k]! ** 2;
    }
    // rk4 with h = 0.36 is accurate to ~1e-6 on this slow field.
    expect(Math.sqrt(num / den)).toBeLessThan(1e-4);
  });

  it('a model whose vjp accumulates into vJp gets the same gradients in every mode', () => {
    const obs = mseObservations(traj.target);
    const acc = mlpModel(p, traj.u, traj.y0, true);
    for (const mode of ['discrete', 'backsolve', 'forward'] as const) {
      const opts: GradientOptions = { method: 'rk4', h0: GRID[1]!, tstops: GRID, mode };
      if (mode === 'forward') {
        // n + p is large here; compare on a short span instead.
        const short = { ...obs, times: GRID.subarray(0, 3) };
        const a = odeGradient(acc, short, opts);
        const b = odeGradient(model, short, opts);
        expect(Array.from(a.dy0)).toEqual(Array.from(b.dy0));
        continue;
      }
      const a = odeGradient(acc, obs, opts);
      const b = odeGradient(model, obs, opts);
      for (let k = 0; k < NP; k += 97) expect(a.dp[k]!).toBeCloseTo(b.dp[k]!, 14);
      expect(Array.from(a.dy0)).toEqual(Array.from(b.dy0));
    }
  });
});
