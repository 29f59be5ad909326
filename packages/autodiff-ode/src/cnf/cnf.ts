import { FusedSolver } from '../integrate/fused-solver';
import { MLP } from '../mlp/mlp';
import { createRng, type Rng } from '../random/rng';
import { Adam } from '../training/adam';
import { TraceField } from './trace-field';

/** Options of a continuous normalizing flow. */
export interface CNFOptions {
  /** Dimension of the data. */
  dim: number;
  /** Hidden widths of g(z, t) (default [32, 32]). */
  hidden?: number[];
  activation?: 'tanh' | 'softplus';
  /** Trace used in training: 'exact' (d tangent passes) or 'hutchinson' (one Rademacher probe). Default 'exact'. */
  trace?: 'exact' | 'hutchinson';
  /** rk4 steps over t ∈ [0, 1] (default 8). */
  steps?: number;
  seed?: number;
}

export interface CNFTrainOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  onProgress?: (p: { epoch: number; nll: number }) => void;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * A continuous normalizing flow: data x at t = 0 flows along dz/dt = g_θ(z, t) to z(1), which
 * should look standard normal; log p(x) = log N(z(1); 0, I) + ∫₀¹ tr(∂g/∂z) dt (the
 * instantaneous change of variables, Chen et al. 2018). Trained by maximum likelihood with
 * exact gradients through the rk4 steps.
 */
export class CNF {
  readonly dim: number;
  readonly mlp: MLP;
  readonly params: Float64Array;
  readonly steps: number;
  private readonly trainField: TraceField;
  private readonly exactField: TraceField;
  private readonly trainSolver: FusedSolver;
  private readonly exactSolver: FusedSolver;
  private readonly rng: Rng;
  private readonly hutchinson: boolean;
  private readonly times = Float64Array.of(0, 1);
  private readonly y0: Float64Array;
  private readonly dLdY: Float64Array;
  private readonly dy0: Float64Array;
  private readonly eps: Float64Array;

  constructor(options: CNFOptions) {
    const d = options.dim;
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`CNF: dim must be a positive integer, got ${d}`);
    this.dim = d;
    this.steps = options.steps ?? 8;
    this.mlp = new MLP({
      widths: [d + 1, ...(options.hidden ?? [32, 32]), d],
      activation: options.activation ?? 'tanh',
    });
    this.rng = createRng(options.seed ?? 0);
    this.params = this.mlp.initParams(this.rng);
    this.hutchinson = (options.trace ?? 'exact') === 'hutchinson';
    this.exactField = new TraceField(this.mlp, 'exact');
    this.trainField = this.hutchinson ? new TraceField(this.mlp, 'hutchinson') : this.exactField;
    this.trainSolver = new FusedSolver(this.trainField, { method: 'rk4', substeps: this.steps });
    this.exactSolver =
      this.trainField === this.exactField
        ? this.trainSolver
        : new FusedSolver(this.exactField, { method: 'rk4', substeps: this.steps });
    this.y0 = new Float64Array(d + 1);
    this.dLdY = new Float64Array(2 * (d + 1));
    this.dy0 = new Float64Array(d + 1);
    this.eps = new Float64Array(d);
  }

  /** log p(x) with the exact trace. */
  logDensity(x: ArrayLike<number>): number {
    const d = this.dim;
    for (let k = 0; k < d; k++) this.y0[k] = x[k]!;
    this.y0[d] = 0;
    const r = this.exactSolver.forward(this.params, this.y0, this.times, false);
    if (r.status === 'failed') return Number.NEGATIVE_INFINITY;
    let q = 0;
    for (let k = 0; k < d; k++) q += r.Y[d + 1 + k]! ** 2;
    return -0.5 * q - 0.5 * d * LOG_2PI + r.Y[2 * (d + 1) - 1]!;
  }

  /** Mean negative log-likelihood of samples (exact trace). */
  nll(samples: ReadonlyArray<ArrayLike<number>>): number {
    let s = 0;
    for (const x of samples) s -= this.logDensity(x);
    return s / samples.length;
  }

  /** −log p(x) for one sample and its gradient added into g (with the training trace). */
  private sampleGradient(x: ArrayLike<number>, g: Float64Array, w: number): number {
    const d = this.dim;
    for (let k = 0; k < d; k++) this.y0[k] = x[k]!;
    this.y0[d] = 0;
    if (this.hutchinson) {
      for (let k = 0; k < d; k++) this.eps[k] = this.rng.uniform() < 0.5 ? -1 : 1;
      this.trainField.setProbe(this.eps);
    }
    const r = this.trainSolver.forward(this.params, this.y0, this.times, true);
    if (r.status === 'failed') return Number.NaN;
    let q = 0;
    this.dLdY.fill(0);
    for (let k = 0; k < d; k++) {
      const z = r.Y[d + 1 + k]!;
      q += z * z;
      this.dLdY[d + 1 + k] = w * z;
    }
    this.dLdY[2 * d + 1] = -w;
    this.trainSolver.backward(this.params, this.dLdY, g, this.dy0);
    return 0.5 * q + 0.5 * d * LOG_2PI - r.Y[2 * d + 1]!;
  }

  /** Maximum-likelihood training with Adam on shuffled mini-batches; returns the NLL per epoch. */
  train(samples: ReadonlyArray<ArrayLike<number>>, options: CNFTrainOptions = {}): number[] {
    const epochs = options.epochs ?? 100;
    const bs = Math.min(options.batchSize ?? 64, samples.length);
    const adam = new Adam(this.params.length);
    const g = new Float64Array(this.params.length);
    const order = samples.map((_, i) => i);
    const history: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      this.rng.shuffle(order);
      let total = 0;
      let count = 0;
      for (let b = 0; b + bs <= order.length; b += bs) {
        g.fill(0);
        let L = 0;
        for (let i = b; i < b + bs; i++) L += this.sampleGradient(samples[order[i]!]!, g, 1 / bs);
        if (!Number.isFinite(L)) continue;
        adam.step(this.params, g, options.lr ?? 5e-3);
        total += L;
        count += bs;
      }
      history.push(total / count);
      options.onProgress?.({ epoch, nll: total / count });
    }
    return history;
  }
}

/** Two interleaved half circles with Gaussian noise (the scikit-learn "two moons"), seeded. */
export function twoMoons(n: number, noise: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const a = Math.PI * rng.uniform();
    const upper = i % 2 === 0;
    const x = upper ? Math.cos(a) : 1 - Math.cos(a);
    const y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
    return Float64Array.of(x + noise * rng.normal(), y + noise * rng.normal());
  });
}

/** Mean negative log-likelihood of samples under the maximum-likelihood Gaussian of `fit`. */
export function gaussianNLL(
  fit: ReadonlyArray<ArrayLike<number>>,
  samples: ReadonlyArray<ArrayLike<number>>,
): number {
  const d = fit[0]!.length;
  const mu = new Float64Array(d);
  for (const x of fit) for (let k = 0; k < d; k++) mu[k] += x[k]! / fit.length;
  const C = new Float64Array(d * d);
  for (const x of fit) {
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) C[i * d + j] += ((x[i]! - mu[i]!) * (x[j]! - mu[j]!)) / fit.length;
  }
  // Cholesky C = LLᵀ.
  const Lc = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = C[i * d + j]!;
      for (let k = 0; k < j; k++) s -= Lc[i * d + k]! * Lc[j * d + k]!;
      Lc[i * d + j] = i === j ? Math.sqrt(s) : s / Lc[j * d + j]!;
    }
  }
  let logdet = 0;
  for (let i = 0; i < d; i++) logdet += 2 * Math.log(Lc[i * d + i]!);
  let total = 0;
  const z = new Float64Array(d);
  for (const x of samples) {
    for (let i = 0; i < d; i++) {
      let s = x[i]! - mu[i]!;
      for (let k = 0; k < i; k++) s -= Lc[i * d + k]! * z[k]!;
      z[i] = s / Lc[i * d + i]!;
    }
    let q = 0;
    for (let i = 0; i < d; i++) q += z[i]! * z[i]!;
    total += 0.5 * q + 0.5 * logdet + 0.5 * d * LOG_2PI;
  }
  return total / samples.length;
}
