import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../mlp/activations';
import type { MLP } from '../mlp/mlp';
import { useCpuBackend } from './backend';

function activate(kind: Activation, z: tf.Tensor): tf.Tensor {
  switch (kind) {
    case 'tanh':
      return tf.tanh(z);
    case 'softplus':
      return tf.softplus(z);
    case 'silu':
      return tf.mul(z, tf.sigmoid(z));
    case 'relu':
      return tf.relu(z);
    case 'quadratic':
      return tf.square(z);
    case 'identity':
      return z;
  }
}

/**
 * The same network as a fused `MLP`, written with TensorFlow.js ops on tf.Variables (float32):
 * per layer a kernel of shape [in, out] and a bias of shape [out], the Keras Dense layout.
 * Weights move between the two with `toParams` / `assign`.
 */
export class TfjsMLP {
  readonly mlp: MLP;
  /** [kernel_0, bias_0, kernel_1, bias_1, …]. */
  readonly variables: tf.Variable[];

  constructor(mlp: MLP, params: Float64Array, trainable = true) {
    useCpuBackend();
    if (params.length !== mlp.nParams) {
      throw new RangeError(`TfjsMLP: params has length ${params.length}, the network needs ${mlp.nParams}`);
    }
    this.mlp = mlp;
    this.variables = [];
    const w = mlp.widths;
    for (let l = 0; l < mlp.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      this.variables.push(tf.variable(tf.zeros([nin, nout]), trainable, undefined, 'float32'));
      this.variables.push(tf.variable(tf.zeros([nout]), trainable, undefined, 'float32'));
    }
    this.assign(params);
  }

  /** Copy a flat float64 parameter vector (MLP layout) into the tf.Variables. */
  assign(params: Float64Array): void {
    const m = this.mlp;
    const w = m.widths;
    for (let l = 0; l < m.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const k = new Float32Array(nin * nout);
      const wo = m.weightOffset[l]!;
      for (let i = 0; i < nout; i++)
        for (let j = 0; j < nin; j++) k[j * nout + i] = params[wo + i * nin + j]!;
      const b = Float32Array.from(params.subarray(m.biasOffset[l]!, m.biasOffset[l]! + nout));
      tf.tidy(() => {
        this.variables[2 * l]!.assign(tf.tensor2d(k, [nin, nout]));
        this.variables[2 * l + 1]!.assign(tf.tensor1d(b));
      });
    }
  }

  /** The tf.Variables as a flat float64 parameter vector in MLP layout. */
  toParams(): Float64Array {
    return paramsFromTensors(this.mlp, this.variables);
  }

  /** y = net(x) for a batch x of shape [batch, nIn]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let a: tf.Tensor = x;
      const m = this.mlp;
      for (let l = 0; l < m.nLayers; l++) {
        const z = tf.add(
          tf.matMul(a as tf.Tensor2D, this.variables[2 * l] as tf.Tensor2D),
          this.variables[2 * l + 1]!,
        );
        a = activate(l === m.nLayers - 1 ? m.outputActivation : m.activation, z);
      }
      return a as tf.Tensor2D;
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * Read Keras-layout tensors ([kernel [in, out], bias [out]] per layer) into a flat float64
 * parameter vector for `mlp`; the shapes must match the architecture.
 */
export function paramsFromTensors(mlp: MLP, tensors: readonly tf.Tensor[]): Float64Array {
  if (tensors.length !== 2 * mlp.nLayers) {
    throw new RangeError(
      `paramsFromTensors: expected ${2 * mlp.nLayers} tensors (kernel, bias per layer), got ${tensors.length}`,
    );
  }
  const p = new Float64Array(mlp.nParams);
  const w = mlp.widths;
  for (let l = 0; l < mlp.nLayers; l++) {
    const nin = w[l]!;
    const nout = w[l + 1]!;
    const kt = tensors[2 * l]!;
    const bt = tensors[2 * l + 1]!;
    if (kt.shape.length !== 2 || kt.shape[0] !== nin || kt.shape[1] !== nout) {
      throw new RangeError(
        `paramsFromTensors: kernel ${l} has shape [${kt.shape}], expected [${nin}, ${nout}]`,
      );
    }
    if (bt.shape.length !== 1 || bt.shape[0] !== nout) {
      throw new RangeError(`paramsFromTensors: bias ${l} has shape [${bt.shape}], expected [${nout}]`);
    }
    const k = kt.dataSync();
    const b = bt.dataSync();
    const wo = mlp.weightOffset[l]!;
    for (let i = 0; i < nout; i++) for (let j = 0; j < nin; j++) p[wo + i * nin + j] = k[j * nout + i]!;
    for (let i = 0; i < nout; i++) p[mlp.biasOffset[l]! + i] = b[i]!;
  }
  return p;
}
