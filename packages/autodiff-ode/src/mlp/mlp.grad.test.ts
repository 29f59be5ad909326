import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { ACTIVATIONS } from './activations';
import { createMLP, type MLP } from './mlp';
import { relErr } from '../../test/finite-difference';

function setup(mlp: MLP, seed: number) {
  const rng = createRng(seed);
  const p = mlp.initParams(rng, 0.5);
  for (let i = 0; i < p.length; i++) p[i] += 0.1 * rng.normal();
  const x = Float64Array.from({ length: mlp.nIn }, () => rng.normal());
  const v = Float64Array.from({ length: mlp.nOut }, () => rng.normal());
  return { rng, p, x, v };
}

/** Central differences of vᵀ net(·) along every coordinate of `z` (x or p). */
function fdGradient(mlp: MLP, p: Float64Array, x: Float64Array, v: Float64Array, wrt: 'x' | 'p', h = 1e-5) {
  const z = wrt === 'x' ? x : p;
  const g = new Float64Array(z.length);
  const y = new Float64Array(mlp.nOut);
  const dot = () => {
    mlp.forward(p, x, y);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += v[i]! * y[i]!;
    return s;
  };
  for (let k = 0; k < z.length; k++) {
    const z0 = z[k]!;
    z[k] = z0 + h;
    const fp = dot();
    z[k] = z0 - h;
    const fm = dot();
    z[k] = z0;
    g[k] = (fp - fm) / (2 * h);
  }
  return g;
}

describe('fused MLP kernel', () => {
  for (const activation of ACTIVATIONS) {
    it(`matches central finite differences for ${activation} (VJP in x and p, JVP, Jacobian)`, () => {
      const mlp = createMLP({ widths: [5, 8, 7, 3], activation });
      const { rng, p, x, v } = setup(mlp, 7);
      const vx = new Float64Array(mlp.nIn);
      const vp = new Float64Array(mlp.nParams);
      mlp.vjp(p, x, v, vx, vp);
      expect(relErr(vx, fdGradient(mlp, p, x, v, 'x'))).toBeLessThan(1e-7);
      expect(relErr(vp, fdGradient(mlp, p, x, v, 'p'))).toBeLessThan(1e-7);

      const dx = Float64Array.from({ length: mlp.nIn }, () => rng.normal());
      const dp = Float64Array.from({ length: mlp.nParams }, () => rng.normal());
      const y = new Float64Array(mlp.nOut);
      const dy = new Float64Array(mlp.nOut);
      mlp.jvp(p, x, dx, dp, y, dy);
      const h = 1e-5;
      const xp = x.map((xi, i) => xi + h * dx[i]!);
      const xm = x.map((xi, i) => xi - h * dx[i]!);
      const pp = p.map((pi, i) => pi + h * dp[i]!);
      const pm = p.map((pi, i) => pi - h * dp[i]!);
      const yp = new Float64Array(mlp.nOut);
      const ym = new Float64Array(mlp.nOut);
      mlp.forward(pp, xp, yp);
      mlp.forward(pm, xm, ym);
      expect(
        relErr(
          dy,
          yp.map((a, i) => (a - ym[i]!) / (2 * h)),
        ),
      ).toBeLessThan(1e-7);
      // ⟨v, J·dx⟩ = ⟨Jᵀv, dx⟩ ties forward and reverse mode together to round-off.
      mlp.jvp(p, x, dx, null, y, dy);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < mlp.nOut; i++) lhs += v[i]! * dy[i]!;
      for (let j = 0; j < mlp.nIn; j++) rhs += vx[j]! * dx[j]!;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * (1 + Math.abs(lhs)));

      const J = new Float64Array(mlp.nOut * mlp.nIn);
      mlp.jacobian(p, x, J);
      const Jfd = new Float64Array(J.length);
      for (let j = 0; j < mlp.nIn; j++) {
        const e = new Float64Array(mlp.nIn);
        e[j] = 1;
        const a = new Float64Array(mlp.nOut);
        const b = new Float64Array(mlp.nOut);
        mlp.forward(
          p,
          x.map((xi, k) => xi + h * e[k]!),
          a,
        );
        mlp.forward(
          p,
          x.map((xi, k) => xi - h * e[k]!),
          b,
        );
        for (let i = 0; i < mlp.nOut; i++) Jfd[i * mlp.nIn + j] = (a[i]! - b[i]!) / (2 * h);
      }
      expect(relErr(J, Jfd)).toBeLessThan(1e-7);
    });
  }

  it('backward over a stored tape equals a fresh VJP, and accumulate adds', () => {
    const mlp = createMLP({ widths: [4, 6, 2], activation: 'silu', outputActivation: 'softplus' });
    const { p, x, v } = setup(mlp, 3);
    const tape = new Float64Array(3 * mlp.tapeSize);
    const y = new Float64Array(2);
    mlp.forward(p, x, y, tape, 2 * mlp.tapeSize);
    const other = x.map((xi) => xi + 1);
    mlp.forward(p, other, y);
    const vx1 = new Float64Array(4);
    const vp1 = new Float64Array(mlp.nParams);
    mlp.backward(p, tape, 2 * mlp.tapeSize, v, vx1, vp1);
    const vx2 = new Float64Array(4);
    const vp2 = new Float64Array(mlp.nParams);
    mlp.vjp(p, x, v, vx2, vp2);
    expect(Array.from(vx1)).toEqual(Array.from(vx2));
    expect(Array.from(vp1)).toEqual(Array.from(vp2));
    mlp.backward(p, tape, 2 * mlp.tapeSize, v, vx1, vp1, true);
    expect(
      relErr(
        vp1,
        vp2.map((a) => 2 * a),
      ),
    ).toBeLessThan(1e-15);
  });

  it('a quadratic-activation network is an exact polynomial: second differences are constant', () => {
    const mlp = createMLP({ widths: [2, 3, 1], activation: 'quadratic' });
    const { p } = setup(mlp, 11);
    const y = new Float64Array(1);
    const f = (a: number) => {
      mlp.forward(p, [a, 0.3], y);
      return y[0]!;
    };
    const d2 = (a: number) => f(a + 1) - 2 * f(a) + f(a - 1);
    expect(Math.abs(d2(0) - d2(5))).toBeLessThan(1e-9 * Math.abs(d2(0)));
  });

  it('rejects malformed architectures with a clear message', () => {
    expect(() => createMLP({ widths: [3] })).toThrow(/at least input and output/);
    expect(() => createMLP({ widths: [3, 0, 2] })).toThrow(/widths\[1\]/);
    expect(() => createMLP({ widths: [3, 2], activation: 'gelu' as never })).toThrow(
      /unknown activation "gelu"/,
    );
  });
});
