import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from './gradients';

/**
 * Select the TensorFlow.js CPU backend (the only one this package depends on) and make sure
 * the gradients of the common kernels are registered: `@tensorflow/tfjs-core` alone ships
 * none (the `@tensorflow/tfjs` umbrella package registers them).
 */
export function useCpuBackend(): void {
  if (tf.getBackend() !== 'cpu') tf.setBackend('cpu');
  registerGradients();
}
