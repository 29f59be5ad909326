import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { ACTIVATIONS } from '../mlp/activations';
import { createMLP } from '../mlp/mlp';
import { paramsFromTensors, TfjsMLP } from './mlp';
import { relErr } from '../../test/finite-difference';

describe('TensorFlow.js path', () => {
  for (const activation of ACTIVATIONS) {
    it(`computes the same function and gradients as the fused kernel to float32 precision (${activation})`, () => {
      const mlp = createMLP({ widths: [5, 16, 16, 3], activation });
      const rng = createRng(5);
      const p = mlp.initParams(rng, 0.4);
      // Round the weights to float32 first so that both paths evaluate the same network.
      for (let i = 0; i < p.length; i++) p[i] = Math.fround(p[i]! + 0.05 * rng.normal());
      const x = Float64Array.from({ length: 5 }, () => Math.fround(rng.normal()));
      const v = Float64Array.from({ length: 3 }, () => Math.fround(rng.normal()));
      const net = new TfjsMLP(mlp, p);
      const y = new Float64Array(3);
      const vx = new Float64Array(5);
      const vp = new Float64Array(mlp.nParams);
      mlp.vjp(p, x, v, vx, vp, y);

      const xt = tf.tensor2d(Float32Array.from(x), [1, 5]);
      const vt = tf.tensor2d(Float32Array.from(v), [1, 3]);
      const yt = net.apply(xt);
      expect(relErr(yt.dataSync(), y)).toBeLessThan(1e-5);
      const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(net.apply(xx as tf.Tensor2D), vt)))(xt);
      expect(relErr(gx.dataSync(), vx)).toBeLessThan(1e-5);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(xt), vt)) as tf.Scalar, net.variables);
      const gp = paramsFromTensors(
        mlp,
        net.variables.map((vv) => grads[vv.name]!),
      );
      expect(relErr(gp, vp)).toBeLessThan(1e-5);
      tf.dispose([xt, vt, yt, gx, ...Object.values(grads)]);
      net.dispose();
    });
  }

  it('moves weights both ways without change beyond float32 rounding', () => {
    const mlp = createMLP({ widths: [3, 4, 2] });
    const p = mlp.initParams(createRng(1));
    const net = new TfjsMLP(mlp, p);
    const back = net.toParams();
    expect(Array.from(back)).toEqual(Array.from(p, Math.fround));
    const q = p.map((a) => Math.fround(a * 2 + 0.25));
    net.assign(q);
    expect(Array.from(net.toParams())).toEqual(Array.from(q));
    // Kernel layout is Keras Dense ([in, out]); our row-major W is [out, in].
    const k0 = net.variables[0]!.arraySync() as number[][];
    expect(k0[2]![1]).toBe(q[mlp.weightOffset[0]! + 1 * 3 + 2]);
    net.dispose();
  });

  it('rejects a parameter vector of the wrong length', () => {
    const mlp = createMLP({ widths: [3, 4, 2] });
    expect(() => new TfjsMLP(mlp, new Float64Array(5))).toThrow(/length 5.*needs 26/);
  });
});
