import type { RateFunction } from './rate-function';

export interface MlpRatesOptions {
  nSpecies: number;
  nControls?: number;
  nReactions: number;
  /** Hidden layer widths, e.g. [16, 16]. */
  hidden: readonly number[];
}

/**
 * A float64 multilayer perceptron r_θ([x; u]) with tanh hidden layers and a linear output, for
 * tests, small models and as a reference for other RateFunction implementations.
 * θ layout: for each layer, its weights (row-major out × in) then its biases.
 */
export interface MlpRates extends RateFunction {
  /** Layer sizes, input first. */
  readonly sizes: readonly number[];
  /** θ with weights ~ N(0, scale²) from `random` (uniform on [0, 1)) and zero biases. */
  initParams(random: () => number, scale?: number): Float64Array;
}

export function mlpRates(o: MlpRatesOptions): MlpRates {
  const nc = o.nControls ?? 0;
  for (const [v, what] of [
    [o.nSpecies, 'nSpecies'],
    [nc, 'nControls'],
    [o.nReactions, 'nReactions'],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`mlpRates: ${what} must be a non-negative integer`);
  }
  o.hidden.forEach((h, k) => {
    if (!Number.isInteger(h) || h < 1)
      throw new RangeError(`mlpRates: hidden[${k}] must be a positive integer`);
  });
  const sizes = [o.nSpecies + nc, ...o.hidden, o.nReactions];
  const layers = sizes.length - 1;
  const wOffset: number[] = [];
  const bOffset: number[] = [];
  let nParams = 0;
  for (let l = 0; l < layers; l++) {
    wOffset.push(nParams);
    nParams += sizes[l]! * sizes[l + 1]!;
    bOffset.push(nParams);
    nParams += sizes[l + 1]!;
  }
  // acts[l] is the input of layer l (acts[0] = [x; u]); the last entry holds the output.
  const acts = sizes.map((s) => new Float64Array(s));
  const grads = sizes.map((s) => new Float64Array(s));
  const forward = (x: Float64Array, u: Float64Array, theta: Float64Array): void => {
    if (theta.length !== nParams)
      throw new RangeError(`mlpRates: θ has length ${theta.length}, expected ${nParams}`);
    const a0 = acts[0]!;
    for (let i = 0; i < o.nSpecies; i++) a0[i] = x[i]!;
    for (let i = 0; i < nc; i++) a0[o.nSpecies + i] = u[i]!;
    for (let l = 0; l < layers; l++) {
      const nin = sizes[l]!;
      const nout = sizes[l + 1]!;
      const a = acts[l]!;
      const z = acts[l + 1]!;
      const W = wOffset[l]!;
      const B = bOffset[l]!;
      const last = l === layers - 1;
      for (let j = 0; j < nout; j++) {
        let s = theta[B + j]!;
        for (let i = 0; i < nin; i++) s += theta[W + j * nin + i]! * a[i]!;
        z[j] = last ? s : Math.tanh(s);
      }
    }
  };
  return {
    nSpecies: o.nSpecies,
    nControls: nc,
    nReactions: o.nReactions,
    nParams,
    sizes,
    rates(x, u, theta, out) {
      forward(x, u, theta);
      out.set(acts[layers]!);
    },
    vjp(x, u, theta, v, outX, outTheta) {
      forward(x, u, theta);
      outTheta.fill(0, 0, nParams);
      grads[layers]!.set(v.subarray(0, o.nReactions));
      for (let l = layers - 1; l >= 0; l--) {
        const nin = sizes[l]!;
        const nout = sizes[l + 1]!;
        const a = acts[l]!;
        const gz = grads[l + 1]!;
        const ga = grads[l]!;
        const W = wOffset[l]!;
        const B = bOffset[l]!;
        if (l < layers - 1) {
          // Output of a hidden layer is tanh(z): back through tanh' = 1 − tanh².
          const h = acts[l + 1]!;
          for (let j = 0; j < nout; j++) gz[j] = gz[j]! * (1 - h[j]! * h[j]!);
        }
        ga.fill(0);
        for (let j = 0; j < nout; j++) {
          const g = gz[j]!;
          outTheta[B + j] = g;
          for (let i = 0; i < nin; i++) {
            outTheta[W + j * nin + i] = g * a[i]!;
            ga[i]! += g * theta[W + j * nin + i]!;
          }
        }
      }
      const g0 = grads[0]!;
      for (let i = 0; i < o.nSpecies; i++) outX[i] = g0[i]!;
    },
    initParams(random, scale = 0.1) {
      const theta = new Float64Array(nParams);
      for (let l = 0; l < layers; l++) {
        for (let k = wOffset[l]!; k < bOffset[l]!; k++) theta[k] = scale * gaussian(random);
      }
      return theta;
    },
  };
}

/** Box–Muller standard normal from a uniform generator. */
function gaussian(random: () => number): number {
  const a = 1 - random();
  const b = random();
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
}
