import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type { GradientOptions } from '../src/types';
import { lotkaVolterra, quadraticLoss } from './models';

const obs = quadraticLoss([1, 2], 2);

describe('odeGradient input checks and failure values', () => {
  it('throws one-line errors naming the bad input', () => {
    expect(() => odeGradient({ ...lotkaVolterra(), y0: [1, Number.NaN] }, obs)).toThrow(
      /model\.y0\[1\] is not a finite number/,
    );
    expect(() => odeGradient(lotkaVolterra(), quadraticLoss([2, 1], 2))).toThrow(/increase strictly/);
    expect(() => odeGradient(lotkaVolterra(), { ...obs, times: [-1, 1] })).toThrow(RangeError);
    expect(() => odeGradient(lotkaVolterra(), obs, { rtol: -1 })).toThrow(/options\.rtol/);
    expect(() => odeGradient(lotkaVolterra(), obs, { atol: [1e-9] })).toThrow(/options\.atol has length 1/);
    expect(() => odeGradient(lotkaVolterra(), obs, { checkpoints: 0 })).toThrow(/checkpoints/);
    expect(() => odeGradient(lotkaVolterra(), obs, { mode: 'discrete', method: 'rk4' })).toThrow(
      /needs options\.h0/,
    );
    // @ts-expect-error: an unknown method name, rejected at run time
    expect(() => odeGradient(lotkaVolterra(), obs, { mode: 'discrete', method: 'nope' })).toThrow(
      /no transposed step for method .nope./,
    );
    expect(() => odeGradient({ ...lotkaVolterra(), vjp: undefined as never }, obs)).toThrow(TypeError);
  });

  it('reports a blow-up as status failed with the time, for every mode', () => {
    const blowUp = {
      ...lotkaVolterra(),
      f(_t: number, y: Float64Array, _p: Float64Array, d: Float64Array) {
        d[0] = y[0]! * y[0]!;
        d[1] = 0;
      },
    };
    for (const mode of ['discrete', 'backsolve', 'interpolating', 'checkpointed', 'forward'] as const) {
      const g = odeGradient(blowUp, quadraticLoss([2], 2), { method: 'dopri5', mode, maxSteps: 2000 });
      expect(g.status).toBe('failed');
      expect(g.message).toMatch(/t=/);
      expect(Number.isNaN(g.loss)).toBe(true);
    }
  });

  it("'auto' picks forward sensitivities when n + p ≤ 100 and the checkpointed adjoint above", () => {
    expect(odeGradient(lotkaVolterra(), obs).mode).toBe('forward');
    const p = new Array(99).fill(0.01);
    const big = {
      t0: 0,
      y0: [1, 1],
      p,
      f(_t: number, y: Float64Array, q: Float64Array, d: Float64Array) {
        d[0] = -q[0]! * y[0]!;
        d[1] = -q[98]! * y[1]!;
      },
      vjp(_t: number, y: Float64Array, q: Float64Array, v: Float64Array, vy: Float64Array, vp: Float64Array) {
        vp.fill(0);
        vy[0] = -q[0]! * v[0]!;
        vy[1] = -q[98]! * v[1]!;
        vp[0] = -y[0]! * v[0]!;
        vp[98] = -y[1]! * v[1]!;
      },
    };
    const g = odeGradient(big, obs);
    expect(g.mode).toBe('checkpointed');
    // L = Σ ½(yⱼ(t) − target)², y0(t) = e^{−q0 t}: dL/dq0 = Σᵢ (y0(tᵢ) − target) · (−tᵢ y0(tᵢ)).
    let expected = 0;
    for (const [i, t] of [1, 2].entries()) {
      const y = Math.exp(-0.01 * t);
      expected += (y - (0.3 + 0.1 * Math.sin(3 * i))) * -t * y;
    }
    expect(g.dp[0]!).toBeCloseTo(expected, 6);
    expect(Math.abs(g.dp[1]!)).toBe(0);
  });

  it('counts what each mode stores: O(steps) for discrete, O(K + segment) checkpointed, O(observations) backsolve', () => {
    const opts: GradientOptions = { method: 'dopri5', rtol: 1e-8, atol: 1e-10, hmax: 0.005, checkpoints: 20 };
    const d = odeGradient(lotkaVolterra(), obs, { ...opts, mode: 'discrete' });
    const c = odeGradient(lotkaVolterra(), obs, { ...opts, mode: 'checkpointed' });
    const b = odeGradient(lotkaVolterra(), obs, { ...opts, mode: 'backsolve' });
    expect(d.stats.steps.forward).toBeGreaterThanOrEqual(400);
    expect(d.stats.peakStoredStates).toBeGreaterThanOrEqual(6 * d.stats.steps.forward);
    expect(c.stats.peakStoredStates).toBeLessThan(d.stats.peakStoredStates / 5);
    expect(b.stats.peakStoredStates).toBe(2);
    for (const g of [c, b]) {
      for (let k = 0; k < 4; k++)
        expect(Math.abs(g.dp[k]! - d.dp[k]!)).toBeLessThan(1e-6 * Math.abs(d.dp[k]!) + 1e-9);
    }
  });

  it('lands on tstops: a kink of f in t at 1.3 is resolved by every mode alike', () => {
    const kinked = {
      t0: 0,
      y0: [1],
      p: [0.5],
      f(t: number, y: Float64Array, p: Float64Array, d: Float64Array) {
        d[0] = p[0]! * Math.abs(t - 1.3) * y[0]!;
      },
      vjp(t: number, y: Float64Array, p: Float64Array, v: Float64Array, vy: Float64Array, vp: Float64Array) {
        vy[0] = p[0]! * Math.abs(t - 1.3) * v[0]!;
        vp[0] = Math.abs(t - 1.3) * y[0]! * v[0]!;
      },
    };
    const o = {
      times: [2],
      loss: (_i: number, y: Float64Array) => y[0]!,
      lossGrad: (_i: number, _y: Float64Array, out: Float64Array) => out.fill(1),
    };
    // y(2) = exp(p ∫₀² |t − 1.3| dt) = exp(1.09 p), so dL/dp = 1.09 y(2).
    const exact = 1.09 * Math.exp(1.09 * 0.5);
    for (const mode of ['discrete', 'backsolve', 'interpolating', 'checkpointed', 'forward'] as const) {
      const g = odeGradient(kinked, o, { method: 'dopri5', mode, rtol: 1e-10, atol: 1e-12, tstops: [1.3] });
      expect(Math.abs(g.dp[0]! - exact)).toBeLessThan(1e-7);
      // A fixed-step method that does not land on the kink is only first-order accurate.
      const err = (tstops: number[]) =>
        Math.abs(odeGradient(kinked, o, { method: 'rk4', mode, h0: 0.25, tstops }).dp[0]! - exact);
      expect(err([1.3])).toBeLessThan(err([]) / 100);
    }
  });
});

describe('a model written as a class', () => {
  it('works in every mode: its prototype methods are called on the instance', () => {
    class Decay {
      readonly t0 = 0;
      readonly y0 = [1];
      readonly p = [0.7];
      private readonly scale = 1;
      f(_t: number, y: Float64Array, p: Float64Array, d: Float64Array): void {
        d[0] = -this.scale * p[0]! * y[0]!;
      }
      vjp(
        _t: number,
        y: Float64Array,
        p: Float64Array,
        v: Float64Array,
        vy: Float64Array,
        vp: Float64Array,
      ): void {
        vy[0] = -this.scale * p[0]! * v[0]!;
        vp[0] = -this.scale * y[0]! * v[0]!;
      }
      jac(_t: number, _y: Float64Array, p: Float64Array, J: Float64Array): void {
        J[0] = -this.scale * p[0]!;
      }
    }
    // L = y(2)² with y(2) = e^{−2k}: dL/dk = −4 e^{−4k}, dL/dy0 = 2 e^{−4k}.
    const obs = {
      times: [2],
      loss: (_i: number, y: Float64Array) => y[0]! ** 2,
      lossGrad: (_i: number, y: Float64Array, out: Float64Array) => void (out[0] = 2 * y[0]!),
    };
    for (const mode of ['discrete', 'backsolve', 'interpolating', 'checkpointed', 'forward'] as const) {
      for (const method of ['dopri5', 'radau5'] as const) {
        const g = odeGradient(new Decay(), obs, { mode, method, rtol: 1e-10, atol: 1e-12 });
        expect(g.status, `${mode}/${method}: ${g.message}`).toBe('success');
        expect(Math.abs(g.dp[0]! / (-4 * Math.exp(-2.8)) - 1), `${mode}/${method}`).toBeLessThan(1e-6);
        expect(Math.abs(g.dy0[0]! / (2 * Math.exp(-2.8)) - 1), `${mode}/${method}`).toBeLessThan(1e-6);
      }
    }
  });
});
