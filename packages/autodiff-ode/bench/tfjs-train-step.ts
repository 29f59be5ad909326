/**
 * B1 on the TensorFlow.js path: the same network (TfjsMLP, float32, CPU backend), rk4 on the
 * 200-point grid written with tf ops on a batch of the 2 trajectories, gradients by tfjs autodiff
 * (backprop through the steps), one Adam update. nfe counts calls of the batched f (4 per step).
 */
import * as tf from '@tensorflow/tfjs-core';
import { b1Data } from '../src/benchmarks/train-step';
import { createMLP } from '../src/mlp/mlp';
import { createRng } from '../src/random/rng';
import { TfjsMLP } from '../src/tfjs/mlp';

export function runTfjsTrainStep(steps: number) {
  const mlp = createMLP({ widths: [15, 64, 64, 6], activation: 'tanh' });
  const net = new TfjsMLP(mlp, mlp.initParams(createRng(0), 0.1));
  const data = b1Data();
  const times = data[0]!.times;
  const T = times.length;
  // Controls at every rk4 stage time: grid points and midpoints (linear interpolation = average).
  const uAt = (k: number, half: boolean) =>
    tf.tensor2d(
      data.flatMap((d) => {
        const a = d.controls.values[k]!;
        const b = d.controls.values[Math.min(k + 1, T - 1)]!;
        return a.map((v, j) => (half ? 0.5 * (v + b[j]!) : v));
      }),
      [2, 9],
    );
  const uGrid = Array.from({ length: T }, (_, k) => uAt(k, false));
  const uMid = Array.from({ length: T - 1 }, (_, k) => uAt(k, true));
  const target = tf.tensor3d(
    data.flatMap((d) => d.states.flatMap((r) => Array.from(r))),
    [2, T, 6],
  );
  const y0 = tf.tensor2d(
    data.flatMap((d) => Array.from(d.states[0]!)),
    [2, 6],
  );
  const f = (y: tf.Tensor2D, u: tf.Tensor2D) => net.apply(tf.concat([y, u], 1) as tf.Tensor2D);
  const opt = tf.train.adam(1e-3);
  let nfe = 0;
  const lossFn = () => {
    const ys: tf.Tensor2D[] = [y0];
    let y = y0;
    for (let k = 0; k < T - 1; k++) {
      const h = times[k + 1]! - times[k]!;
      const k1 = f(y, uGrid[k]!);
      const k2 = f(tf.add(y, tf.mul(k1, h / 2)) as tf.Tensor2D, uMid[k]!);
      const k3 = f(tf.add(y, tf.mul(k2, h / 2)) as tf.Tensor2D, uMid[k]!);
      const k4 = f(tf.add(y, tf.mul(k3, h)) as tf.Tensor2D, uGrid[k + 1]!);
      nfe += 4;
      y = tf.add(y, tf.mul(tf.add(tf.add(k1, k4), tf.mul(tf.add(k2, k3), 2)), h / 6)) as tf.Tensor2D;
      ys.push(y);
    }
    return tf.mean(tf.square(tf.sub(tf.stack(ys, 1), target))) as tf.Scalar;
  };
  opt.minimize(lossFn);
  nfe = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      opt.minimize(lossFn);
    });
  }
  const ms = (performance.now() - t0) / steps;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000 / steps;
  return {
    ms_per_step: ms,
    nfe_per_step: nfe / steps,
    method: 'rk4',
    grad: 'backprop',
    cpu_ms_per_step: cpu,
    path: 'tfjs-float32',
  };
}
