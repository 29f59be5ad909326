import { createRng } from '@kinetica/autodiff-ode';
import { growTree, predictTree, type Rows, type Tree } from './tree';

/**
 * Gradient boosting for squared error (Friedman 2001), with scikit-learn's
 * GradientBoostingRegressor defaults: start from the mean, then `rounds` shallow CART trees
 * (depth 3), each fitted to the current residuals and added with the learning rate. Every feature
 * is tried at each node; the seed only orders them (it breaks ties), or draws the rows of each
 * round when `subsample` < 1 (stochastic gradient boosting).
 */

export interface BoostingOptions {
  rounds?: number;
  learningRate?: number;
  maxDepth?: number;
  minLeaf?: number;
  /** Fraction of the rows drawn (without replacement) for each round; 1 = all of them. */
  subsample?: number;
  seed?: number;
}

export class GradientBoosting {
  private readonly trees: Tree[] = [];
  private readonly init: number;
  private readonly rate: number;

  constructor(X: Rows, y: ArrayLike<number>, options: BoostingOptions = {}) {
    const n = X.length;
    if (n === 0 || n !== y.length)
      throw new RangeError(`GradientBoosting: ${n} rows and ${y.length} targets`);
    const rng = createRng(options.seed ?? 0);
    this.rate = options.learningRate ?? 0.1;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i]!;
    this.init = mean / n;
    const treeOptions = {
      splitter: 'best' as const,
      tryCount: X[0]!.length,
      minLeaf: options.minLeaf ?? 1,
      maxDepth: options.maxDepth ?? 3,
    };
    const fitted = new Float64Array(n).fill(this.init);
    const residual = new Float64Array(n);
    const rows = Array.from({ length: n }, (_, i) => i);
    const take = Math.max(1, Math.round(n * Math.min(1, options.subsample ?? 1)));
    for (let r = 0; r < (options.rounds ?? 100); r++) {
      for (let i = 0; i < n; i++) residual[i] = y[i]! - fitted[i]!;
      if (take < n) rng.shuffle(rows);
      const tree = growTree(X, residual, Int32Array.from(rows.slice(0, take)), treeOptions, rng);
      this.trees.push(tree);
      for (let i = 0; i < n; i++) fitted[i]! += this.rate * predictTree(tree, X[i]!);
    }
  }

  predict(x: ArrayLike<number>): number {
    let s = this.init;
    for (const t of this.trees) s += this.rate * predictTree(t, x);
    return s;
  }
}
