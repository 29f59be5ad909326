import { createRng, type Rng } from '@kinetica/autodiff-ode';

/**
 * Random-forest regression (Breiman 2001): bootstrap samples, CART trees split on the largest
 * reduction of squared error, a random subset of features tried at each node, predictions averaged.
 * Written here because ml-random-forest 2.1 needs minutes for the baseline's few hundred samples
 * (its split search is quadratic) and throws on empty out-of-bag sets. Each node sorts its samples
 * once per candidate feature and sweeps prefix sums, so a tree costs O(n log² n · features).
 */

export interface ForestOptions {
  trees?: number;
  /** Fraction of the features tried at each split (default 1/3, at least one). */
  featureFraction?: number;
  minLeaf?: number;
  maxDepth?: number;
  seed?: number;
}

interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export class RandomForest {
  private readonly trees: Tree[] = [];

  constructor(
    X: ReadonlyArray<ArrayLike<number>>,
    y: ArrayLike<number>,
    private readonly options: ForestOptions = {},
  ) {
    if (X.length === 0 || X.length !== y.length)
      throw new RangeError(`RandomForest: ${X.length} rows and ${y.length} targets`);
    const rng = createRng(options.seed ?? 0);
    const nTrees = options.trees ?? 50;
    for (let k = 0; k < nTrees; k++) this.trees.push(this.grow(X, y, rng));
  }

  predict(x: ArrayLike<number>): number {
    let sum = 0;
    for (const t of this.trees) {
      let node = 0;
      while (t.feature[node]! >= 0)
        node = x[t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
      sum += t.value[node]!;
    }
    return sum / this.trees.length;
  }

  private grow(X: ReadonlyArray<ArrayLike<number>>, y: ArrayLike<number>, rng: Rng): Tree {
    const n = X.length;
    const d = X[0]!.length;
    const minLeaf = this.options.minLeaf ?? 3;
    const maxDepth = this.options.maxDepth ?? 24;
    const tryCount = Math.max(1, Math.round(d * (this.options.featureFraction ?? 1 / 3)));
    const sample = Int32Array.from({ length: n }, () => rng.int(n));
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const features = Array.from({ length: d }, (_, j) => j);
    const order = new Int32Array(n);
    const build = (idx: Int32Array, depth: number): number => {
      const node = feature.length;
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      let sum = 0;
      for (const i of idx) sum += y[i]!;
      value.push(sum / idx.length);
      if (idx.length < 2 * minLeaf || depth >= maxDepth) return node;
      let bestGain = 1e-12 * idx.length;
      let bestFeature = -1;
      let bestThreshold = 0;
      rng.shuffle(features);
      for (let f = 0; f < tryCount; f++) {
        const j = features[f]!;
        const m = idx.length;
        const ord = order.subarray(0, m);
        ord.set(idx);
        ord.sort((a, b) => X[a]![j]! - X[b]![j]!);
        let sl = 0;
        for (let k = 0; k < m - 1; k++) {
          sl += y[ord[k]!]!;
          const nl = k + 1;
          if (nl < minLeaf || m - nl < minLeaf) continue;
          const xa = X[ord[k]!]![j]!;
          const xb = X[ord[k + 1]!]![j]!;
          if (xa === xb) continue;
          const sr = sum - sl;
          // Reduction of the sum of squared errors: sl²/nl + sr²/nr − sum²/m.
          const gain = (sl * sl) / nl + (sr * sr) / (m - nl) - (sum * sum) / m;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = j;
            bestThreshold = 0.5 * (xa + xb);
          }
        }
      }
      if (bestFeature < 0) return node;
      let nl = 0;
      for (const i of idx) if (X[i]![bestFeature]! <= bestThreshold) nl++;
      const li = new Int32Array(nl);
      const ri = new Int32Array(idx.length - nl);
      let a = 0;
      let b = 0;
      for (const i of idx) {
        if (X[i]![bestFeature]! <= bestThreshold) li[a++] = i;
        else ri[b++] = i;
      }
      feature[node] = bestFeature;
      threshold[node] = bestThreshold;
      left[node] = build(li, depth + 1);
      right[node] = build(ri, depth + 1);
      return node;
    };
    build(sample, 0);
    return {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    };
  }
}
