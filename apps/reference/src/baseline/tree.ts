import type { Rng } from '@kinetica/autodiff-ode';

/**
 * One regression tree (CART, squared error), shared by the random forest, extra trees and
 * gradient boosting. A node splits on the candidate that most reduces the sum of squared errors:
 * - 'best' (Breiman's CART): every threshold between two consecutive distinct values of each tried
 *   feature, found by sorting the node's samples once per feature and sweeping prefix sums;
 * - 'random' (Geurts et al. 2006, extremely randomised trees): one threshold drawn uniformly
 *   between the node's smallest and largest value of each tried feature.
 * A threshold t sends x ≤ t left, and is always chosen so that both children hold at least
 * `minLeaf` samples: in particular never the midpoint of two adjacent doubles, which rounds up to
 * the larger one and would leave one child empty (its mean 0/0 = NaN).
 */

export type Splitter = 'best' | 'random';

export interface TreeOptions {
  splitter: Splitter;
  /** How many features are tried at each node (a random subset of that size, at least one). */
  tryCount: number;
  minLeaf: number;
  maxDepth: number;
}

export interface Tree {
  /** Split feature of each node; −1 at a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Mean target of the node's samples (the prediction at a leaf). */
  value: Float64Array;
}

export type Rows = ReadonlyArray<ArrayLike<number>>;

/**
 * A threshold that separates xa < xb: their midpoint when it lies strictly below xb, otherwise xa
 * (x ≤ xa goes left, xb goes right either way).
 */
export function splitThreshold(xa: number, xb: number): number {
  const mid = 0.5 * xa + 0.5 * xb;
  return mid >= xa && mid < xb ? mid : xa;
}

export function predictTree(t: Tree, x: ArrayLike<number>): number {
  let node = 0;
  while (t.feature[node]! >= 0)
    node = x[t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
  return t.value[node]!;
}

interface Split {
  gain: number;
  feature: number;
  threshold: number;
}

/** Grow one tree on the rows `sample` of X (repeats allowed, as in a bootstrap sample). */
export function growTree(
  X: Rows,
  y: ArrayLike<number>,
  sample: Int32Array,
  options: TreeOptions,
  rng: Rng,
): Tree {
  if (sample.length === 0) throw new RangeError('growTree: no samples');
  const d = X[0]!.length;
  const tryCount = Math.max(1, Math.min(d, options.tryCount));
  const { minLeaf, maxDepth } = options;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const features = Array.from({ length: d }, (_, j) => j);
  const order = new Int32Array(sample.length);

  /** Best 'best'-splitter candidate of feature j on idx, improving on `best`. */
  const sweep = (idx: Int32Array, j: number, sum: number, best: Split): void => {
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
      const gain = sseReduction(sl, nl, sum, m);
      if (gain > best.gain) Object.assign(best, { gain, feature: j, threshold: splitThreshold(xa, xb) });
    }
  };

  /** One random threshold of feature j on idx, kept when it improves on `best`. */
  const draw = (idx: Int32Array, j: number, sum: number, best: Split): void => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const i of idx) {
      const v = X[i]![j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(lo < hi)) return;
    let t = lo + rng.uniform() * (hi - lo);
    if (!(t >= lo && t < hi)) t = lo;
    let sl = 0;
    let nl = 0;
    for (const i of idx) {
      if (X[i]![j]! <= t) {
        sl += y[i]!;
        nl++;
      }
    }
    if (nl < minLeaf || idx.length - nl < minLeaf) return;
    const gain = sseReduction(sl, nl, sum, idx.length);
    if (gain > best.gain) Object.assign(best, { gain, feature: j, threshold: t });
  };
  const candidates = options.splitter === 'best' ? sweep : draw;

  const build = (idx: Int32Array, depth: number): number => {
    const node = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    let sum = 0;
    for (const i of idx) sum += y[i]!;
    value.push(idx.length > 0 ? sum / idx.length : 0);
    if (idx.length < 2 * minLeaf || depth >= maxDepth) return node;
    const best: Split = { gain: 1e-12 * idx.length, feature: -1, threshold: 0 };
    rng.shuffle(features);
    for (let f = 0; f < tryCount; f++) candidates(idx, features[f]!, sum, best);
    if (best.feature < 0) return node;
    const goesLeft = (i: number) => X[i]![best.feature]! <= best.threshold;
    const li = idx.filter(goesLeft);
    const ri = idx.filter((i) => !goesLeft(i));
    // Never an empty child, whatever the rounding.
    if (li.length === 0 || ri.length === 0) return node;
    feature[node] = best.feature;
    threshold[node] = best.threshold;
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

/** Reduction of the sum of squared errors by a split: sl²/nl + sr²/nr − sum²/m. */
function sseReduction(sl: number, nl: number, sum: number, m: number): number {
  const sr = sum - sl;
  return (sl * sl) / nl + (sr * sr) / (m - nl) - (sum * sum) / m;
}
