import * as tf from '@tensorflow/tfjs-core';
import { type ControlSeries, LinearControls } from '../field/controls';
import type { ParametricModel } from '../integrate/taped-model';
import { useCpuBackend } from './backend';

/** A vector field written with TensorFlow.js: any function or model of (x, u, t) and its variables. */
export interface TfjsFieldOptions {
  nStates: number;
  /**
   * dx/dt for x of shape [1, nStates] and u of shape [1, nControls] (null without controls):
   * a tensor with nStates entries. It may read any of `variables`.
   */
  fn: (x: tf.Tensor2D, u: tf.Tensor2D | null, t: number) => tf.Tensor;
  /** The trainable parameters θ, flattened in this order into the float64 parameter vector. */
  variables: tf.Variable[];
  controls?: ControlSeries;
}

/**
 * Wraps a user TensorFlow.js function as a parameterised vector field with VJPs from tfjs
 * autodiff (float32 inside, float64 at the boundary). Slow per call (tens of microseconds per
 * op) but general; the fused MLP kernel is the fast path for dense networks.
 */
export class TfjsField implements ParametricModel {
  readonly nStates: number;
  readonly nParams: number;
  readonly tstops: Float64Array;
  private readonly fn: TfjsFieldOptions['fn'];
  private readonly variables: tf.Variable[];
  private readonly controls: LinearControls | null;
  private readonly synced: Float64Array;
  private readonly uBuf: Float64Array;
  private readonly xVar: tf.Variable;

  constructor(options: TfjsFieldOptions) {
    useCpuBackend();
    this.nStates = options.nStates;
    this.fn = options.fn;
    this.variables = options.variables;
    this.nParams = options.variables.reduce((a, v) => a + v.size, 0);
    this.controls = options.controls ? new LinearControls(options.controls) : null;
    this.tstops = this.controls ? this.controls.tstops : new Float64Array(0);
    this.uBuf = new Float64Array(this.controls?.nControls ?? 0);
    this.synced = this.parameters();
    // Trainable only because tf.variableGrads differentiates trainable variables; nothing updates it.
    this.xVar = tf.variable(tf.zeros([1, this.nStates]), true);
  }

  /** The variables' current values as a float64 parameter vector. */
  parameters(): Float64Array {
    const p = new Float64Array(this.nParams);
    let o = 0;
    for (const v of this.variables) {
      p.set(v.dataSync(), o);
      o += v.size;
    }
    return p;
  }

  /** Write p into the variables when it differs from what they hold. */
  private sync(p: Float64Array): void {
    if (p.length !== this.nParams)
      throw new RangeError(`TfjsField: p has length ${p.length}, the variables hold ${this.nParams}`);
    let same = true;
    for (let k = 0; k < p.length && same; k++) same = p[k] === this.synced[k];
    if (same) return;
    let o = 0;
    for (const v of this.variables) {
      const part = Float32Array.from(p.subarray(o, o + v.size));
      tf.tidy(() => v.assign(tf.tensor(part, v.shape)));
      o += v.size;
    }
    this.synced.set(p);
  }

  private inputs(t: number, y: Float64Array): { x: tf.Tensor2D; u: tf.Tensor2D | null } {
    const x = tf.tensor2d(Float32Array.from(y), [1, this.nStates]);
    if (!this.controls) return { x, u: null };
    this.controls.evaluate(t, this.uBuf);
    return { x, u: tf.tensor2d(Float32Array.from(this.uBuf), [1, this.uBuf.length]) };
  }

  f(t: number, y: Float64Array, p: Float64Array, dydt: Float64Array): void {
    this.sync(p);
    const out = tf.tidy(() => {
      const { x, u } = this.inputs(t, y);
      return this.fn(x, u, t).dataSync();
    });
    if (out.length !== this.nStates)
      throw new RangeError(`TfjsField: fn returned ${out.length} values, expected ${this.nStates}`);
    for (let i = 0; i < this.nStates; i++) dydt[i] = out[i]!;
  }

  vjp(
    t: number,
    y: Float64Array,
    p: Float64Array,
    v: Float64Array,
    vJy: Float64Array,
    vJp: Float64Array,
  ): void {
    this.sync(p);
    this.xVar.assign(tf.tensor2d(Float32Array.from(y), [1, this.nStates]));
    tf.tidy(() => {
      const u = this.inputs(t, y).u;
      const vt = tf.tensor1d(Float32Array.from(v));
      const { grads } = tf.variableGrads(
        () =>
          tf.sum(
            tf.mul(tf.reshape(this.fn(this.xVar as tf.Tensor2D, u, t), [this.nStates]), vt),
          ) as tf.Scalar,
        [this.xVar, ...this.variables],
      );
      const gx = grads[this.xVar.name]!.dataSync();
      for (let i = 0; i < this.nStates; i++) vJy[i] = gx[i]!;
      let o = 0;
      for (const va of this.variables) {
        const g = grads[va.name];
        if (g) vJp.set(g.dataSync(), o);
        else vJp.fill(0, o, o + va.size);
        o += va.size;
      }
    });
  }

  dispose(): void {
    this.xVar.dispose();
  }
}
