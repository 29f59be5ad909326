import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Rows } from './tree';

/**
 * The TPOT-like linear pipeline: standardise the features (and the target), then a penalised
 * linear model, the penalty and its strength chosen by k-fold cross-validation on the training
 * rows, as TPOT's search over scikit-learn pipelines would settle on a linear one.
 *
 * All three penalties are one elastic-net objective on standardised data (z = (x − mean)/sd,
 * t = (y − mean)/sd):  (1/2n)·‖t − Zw‖² + α·(ρ‖w‖₁ + (1 − ρ)/2·‖w‖²)
 * with ρ = 0 (ridge, solved exactly), ρ = 1 (lasso) or ρ = 0.5 (elastic net), the last two by cyclic
 * coordinate descent on the Gram matrix (warm-started along the α path, from large to small).
 * Candidates: the three penalties × α ∈ 10^[−6, 2] (33 values, four per decade). Cross-validation:
 * `folds` contiguous blocks of rows in their given order (scikit-learn's KFold without shuffling,
 * TPOT's default cv=5); the rows are the training strains' grid points in time order, so each
 * block is a stretch of one strain's time course and the scores are not inflated by neighbours
 * of a validation point sitting in the training part. The scaler is refitted inside each fold.
 * The candidate with the lowest mean validation MSE wins (ties: the earlier penalty in the order
 * above, then the larger α), and is refitted on every row. Deterministic: no seed is needed.
 */

export type Penalty = 'ridge' | 'lasso' | 'elastic-net';

const L1_RATIO: Readonly<Record<Penalty, number>> = { ridge: 0, lasso: 1, 'elastic-net': 0.5 };

export const DEFAULT_ALPHAS: readonly number[] = Array.from({ length: 33 }, (_, k) => 10 ** (2 - k / 4));

export interface LinearOptions {
  folds?: number;
  penalties?: readonly Penalty[];
  /** Candidate strengths, tried from the largest down. */
  alphas?: readonly number[];
}

export interface LinearSelection {
  penalty: Penalty;
  alpha: number;
  /** Mean validation MSE of the chosen candidate (target units²). */
  cvMse: number;
}

/** Column means and population standard deviations of the rows `rows` of X (sd 0 for a constant column). */
interface Scaler {
  mean: Float64Array;
  sd: Float64Array;
  yMean: number;
  ySd: number;
}

/** Gram matrix G = ZᵀZ/n and c = Zᵀt/n of the standardised rows. */
interface Normal {
  G: Float64Array[];
  c: Float64Array;
}

export class LinearPipeline {
  readonly selection: LinearSelection;
  private readonly model: LinearModel;

  constructor(X: Rows, y: ArrayLike<number>, options: LinearOptions = {}) {
    const n = X.length;
    if (n === 0 || n !== y.length) throw new RangeError(`LinearPipeline: ${n} rows and ${y.length} targets`);
    const penalties = options.penalties ?? (['ridge', 'lasso', 'elastic-net'] as const);
    const alphas = [...(options.alphas ?? DEFAULT_ALPHAS)].sort((a, b) => b - a);
    const k = Math.max(2, Math.min(options.folds ?? 5, n));
    const sse = penalties.map(() => new Float64Array(alphas.length));
    for (let f = 0; f < k; f++) {
      const lo = Math.floor((f * n) / k);
      const hi = Math.floor(((f + 1) * n) / k);
      const trainRows = [...range(0, lo), ...range(hi, n)];
      const scaler = fitScaler(X, y, trainRows);
      const normal = normalEquations(X, y, trainRows, scaler);
      penalties.forEach((p, i) => {
        path(normal, L1_RATIO[p], alphas).forEach((w, a) => {
          const model = toOriginalUnits(w, scaler);
          for (let r = lo; r < hi; r++) {
            const e = predictLinear(model, X[r]!) - y[r]!;
            sse[i]![a]! += e * e;
          }
        });
      });
    }
    let best = { i: 0, a: 0 };
    penalties.forEach((_, i) => {
      alphas.forEach((_, a) => {
        if (sse[i]![a]! < sse[best.i]![best.a]!) best = { i, a };
      });
    });
    const penalty = penalties[best.i]!;
    const alpha = alphas[best.a]!;
    this.selection = { penalty, alpha, cvMse: sse[best.i]![best.a]! / n };
    const all = [...range(0, n)];
    const scaler = fitScaler(X, y, all);
    const w = path(normalEquations(X, y, all, scaler), L1_RATIO[penalty], alphas.slice(0, best.a + 1));
    this.model = toOriginalUnits(w[w.length - 1]!, scaler);
  }

  predict(x: ArrayLike<number>): number {
    return predictLinear(this.model, x);
  }
}

interface LinearModel {
  weights: Float64Array;
  intercept: number;
}

function predictLinear(m: LinearModel, x: ArrayLike<number>): number {
  let s = m.intercept;
  for (let j = 0; j < m.weights.length; j++) s += m.weights[j]! * x[j]!;
  return s;
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

function fitScaler(X: Rows, y: ArrayLike<number>, rows: number[]): Scaler {
  const d = X[0]!.length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  let yMean = 0;
  for (const r of rows) {
    for (let j = 0; j < d; j++) mean[j]! += X[r]![j]! / rows.length;
    yMean += y[r]! / rows.length;
  }
  let yVar = 0;
  for (const r of rows) {
    for (let j = 0; j < d; j++) sd[j]! += (X[r]![j]! - mean[j]!) ** 2 / rows.length;
    yVar += (y[r]! - yMean) ** 2 / rows.length;
  }
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!);
  const ySd = Math.sqrt(yVar);
  return { mean, sd, yMean, ySd: ySd > 0 ? ySd : 1 };
}

function normalEquations(X: Rows, y: ArrayLike<number>, rows: number[], s: Scaler): Normal {
  const d = s.mean.length;
  const G = Array.from({ length: d }, () => new Float64Array(d));
  const c = new Float64Array(d);
  const z = new Float64Array(d);
  for (const r of rows) {
    for (let j = 0; j < d; j++) z[j] = s.sd[j]! > 0 ? (X[r]![j]! - s.mean[j]!) / s.sd[j]! : 0;
    const t = (y[r]! - s.yMean) / s.ySd;
    for (let j = 0; j < d; j++) {
      c[j]! += (z[j]! * t) / rows.length;
      for (let l = 0; l < d; l++) G[j]![l]! += (z[j]! * z[l]!) / rows.length;
    }
  }
  return { G, c };
}

/** Standardised weights for each α of `alphas` (in the given order, each warm-starting the next). */
function path(normal: Normal, rho: number, alphas: readonly number[]): Float64Array[] {
  const w = new Float64Array(normal.c.length);
  return alphas.map((alpha) =>
    rho === 0 ? ridge(normal, alpha) : coordinateDescent(normal, rho, alpha, w).slice(),
  );
}

/** (G + αI) w = c by Cholesky (G is positive semi-definite, so G + αI is positive definite for α > 0). */
function ridge({ G, c }: Normal, alpha: number): Float64Array {
  const A = new Matrix(G.map((row, i) => row.map((v, j) => v + (i === j ? alpha : 0))));
  return Float64Array.from(
    new CholeskyDecomposition(A).solve(Matrix.columnVector(Array.from(c))).getColumn(0),
  );
}

/** Cyclic coordinate descent from (and into) w; at most 1000 sweeps, until no weight moves by 1e-8. */
function coordinateDescent({ G, c }: Normal, rho: number, alpha: number, w: Float64Array): Float64Array {
  const d = c.length;
  for (let sweep = 0; sweep < 1000; sweep++) {
    let moved = 0;
    for (let j = 0; j < d; j++) {
      if (G[j]![j]! === 0) continue;
      let z = c[j]!;
      for (let l = 0; l < d; l++) if (l !== j) z -= G[j]![l]! * w[l]!;
      const soft = Math.sign(z) * Math.max(0, Math.abs(z) - alpha * rho);
      const next = soft / (G[j]![j]! + alpha * (1 - rho));
      moved = Math.max(moved, Math.abs(next - w[j]!));
      w[j] = next;
    }
    if (moved < 1e-8) break;
  }
  return w;
}

function toOriginalUnits(w: Float64Array, s: Scaler): LinearModel {
  const weights = new Float64Array(w.length);
  let intercept = s.yMean;
  for (let j = 0; j < w.length; j++) {
    weights[j] = s.sd[j]! > 0 ? (w[j]! * s.ySd) / s.sd[j]! : 0;
    intercept -= weights[j]! * s.mean[j]!;
  }
  return { weights, intercept };
}
