import { createRng } from '@kinetica/autodiff-ode';
import { growTree, predictTree, type Rows, type Splitter, type Tree } from './tree';

/**
 * Averaged ensembles of regression trees (./tree.ts):
 * - the random forest (Breiman 2001): bootstrap samples, CART splits, a random third of the
 *   features tried at each node;
 * - extra trees (Geurts, Ernst & Wehenkel 2006): every sample, one random threshold per feature,
 *   every feature tried (scikit-learn's ExtraTreesRegressor defaults).
 * Written here because ml-random-forest 2.1 needs minutes for the baseline's few hundred samples
 * (its split search is quadratic) and throws on empty out-of-bag sets.
 */

export interface ForestOptions {
  trees?: number;
  /** Fraction of the features tried at each split (at least one). */
  featureFraction?: number;
  minLeaf?: number;
  maxDepth?: number;
  seed?: number;
  /** Grow each tree on a bootstrap sample (default) or on every sample. */
  bootstrap?: boolean;
  splitter?: Splitter;
}

export class RandomForest {
  private readonly trees: Tree[] = [];

  constructor(X: Rows, y: ArrayLike<number>, options: ForestOptions = {}) {
    if (X.length === 0 || X.length !== y.length)
      throw new RangeError(`RandomForest: ${X.length} rows and ${y.length} targets`);
    const rng = createRng(options.seed ?? 0);
    const n = X.length;
    const treeOptions = {
      splitter: options.splitter ?? 'best',
      tryCount: Math.round(X[0]!.length * (options.featureFraction ?? 1 / 3)),
      minLeaf: options.minLeaf ?? 3,
      maxDepth: options.maxDepth ?? 24,
    };
    const everyRow = Int32Array.from({ length: n }, (_, i) => i);
    for (let k = 0; k < (options.trees ?? 50); k++) {
      const sample =
        (options.bootstrap ?? true) ? Int32Array.from({ length: n }, () => rng.int(n)) : everyRow;
      this.trees.push(growTree(X, y, sample, treeOptions, rng));
    }
  }

  predict(x: ArrayLike<number>): number {
    let sum = 0;
    for (const t of this.trees) sum += predictTree(t, x);
    return sum / this.trees.length;
  }
}

/** Extremely randomised trees: a forest without bootstrap, random thresholds, all features tried. */
export function extraTrees(X: Rows, y: ArrayLike<number>, options: ForestOptions = {}): RandomForest {
  return new RandomForest(X, y, { bootstrap: false, splitter: 'random', featureFraction: 1, ...options });
}
