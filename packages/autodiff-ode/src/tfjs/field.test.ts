import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NeuralODE } from '../field/neural-ode';
import { createRng } from '../random/rng';
import { TfjsField } from './field';
import { TfjsMLP } from './mlp';
import { relErr } from '../../test/finite-difference';

describe('TfjsField (any tfjs function as f_θ)', () => {
  it('evaluates a tfjs network on [x; u(t)] and its VJPs like the fused neural field, to float32 precision', () => {
    const node = new NeuralODE({ nStates: 3, nControls: 2, hidden: [16], activation: 'silu' });
    const p = node.initParams(createRng(8), 0.5).map(Math.fround);
    const controls = {
      times: [0, 1, 2],
      values: [
        [0.5, 1],
        [1, -1],
        [0, 0],
      ],
    };
    const net = new TfjsMLP(node.mlp, p);
    const field = new TfjsField({
      nStates: 3,
      controls,
      variables: net.variables,
      fn: (x, u) => net.apply(tf.concat([x, u!], 1) as tf.Tensor2D),
    });
    const fused = node.field(controls);
    // tfjs variables are kernels [in, out]; map the fused vector onto that order.
    const pt = field.parameters();
    const y = Float64Array.of(0.2, -0.1, 0.7);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    field.f(1.3, y, pt, a);
    fused.f(1.3, y, p, b);
    expect(relErr(a, b)).toBeLessThan(1e-5);
    const v = Float64Array.of(1, -0.5, 0.25);
    const gy = new Float64Array(3);
    const gp = new Float64Array(pt.length);
    field.vjp(1.3, y, pt, v, gy, gp);
    const fy = new Float64Array(3);
    const fp = new Float64Array(p.length);
    fused.vjp(1.3, y, p, v, fy, fp);
    expect(relErr(gy, fy)).toBeLessThan(1e-5);
    // Same gradient, different layout: compare through the tfjs export of the fused one.
    const back = new TfjsMLP(node.mlp, fp);
    const fpTf = new Float64Array(pt.length);
    let o = 0;
    for (const vv of back.variables) {
      fpTf.set(vv.dataSync(), o);
      o += vv.size;
    }
    expect(relErr(gp, fpTf)).toBeLessThan(1e-5);
    // A new parameter vector reaches the variables.
    const p2 = pt.map((x) => x * 0.5);
    field.f(1.3, y, p2, a);
    net.assign(p.map((x) => x * 0.5));
    fused.f(
      1.3,
      y,
      p.map((x) => x * 0.5),
      b,
    );
    expect(relErr(a, b)).toBeLessThan(1e-5);
    field.dispose();
    net.dispose();
    back.dispose();
  });
});
