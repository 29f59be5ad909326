import type { ComplexLinearSolver, JacobianLayout, LinearSolver } from './linear-solver';
import { minimumDegreeOrder } from './minimum-degree';
import { SparseLU } from './sparse-lu';
import type { SparsityPattern } from './sparsity-pattern';

/**
 * γI − J for a sparse J of any structure, by `SparseLU` in minimum degree order. For networks
 * whose graph has no narrow band (hub metabolites, long-range couplings) where the band solver
 * would degenerate to dense LU.
 */
export class SparseLUSolver implements LinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  private readonly lu: SparseLU;
  // CSC position p of M holds −J[source[p]] (+ γ on the diagonal, listed in `diagonal`).
  private readonly source: Int32Array;
  private readonly diagonal: Int32Array;
  private readonly values: Float64Array;

  constructor(pattern: SparsityPattern, order: Int32Array = minimumDegreeOrder(pattern)) {
    const n = pattern.n;
    this.n = n;
    this.layout = { kind: 'sparse', n, pattern };
    const entries: Entry[] = [];
    const { rowPtr, colIdx } = pattern;
    for (let i = 0; i < n; i++) {
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) entries.push({ row: i, col: colIdx[k]!, source: k });
    }
    const csc = toCsc(n, entries);
    this.source = csc.source;
    this.diagonal = csc.diagonal;
    this.values = new Float64Array(csc.rowIdx.length);
    this.lu = new SparseLU(n, csc.colPtr, csc.rowIdx, order);
  }

  factor(gamma: number, J: Float64Array): boolean {
    const { source, diagonal } = this;
    const values = this.values;
    for (let p = 0; p < values.length; p++) values[p] = -J[source[p]!]!;
    for (let i = 0; i < diagonal.length; i++) values[diagonal[i]!]! += gamma;
    return this.lu.factor(values);
  }

  solve(b: Float64Array): void {
    this.lu.solve(b);
  }
}

/**
 * (α + iβ)I − J as the real 2n×2n system [[αI − J, −βI], [βI, αI − J]] with real and imaginary
 * parts interleaved, factored by `SparseLU`: the 2×2 blocks keep the sparsity of J and the
 * minimum degree order of the real solver.
 */
export class ComplexSparseLUSolver implements ComplexLinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  private readonly lu: SparseLU;
  // source ≥ 0: −J[source]; −1: −β; −2: +β. Diagonal positions of both real blocks add α.
  private readonly source: Int32Array;
  private readonly diagonal: Int32Array;
  private readonly values: Float64Array;
  private readonly work: Float64Array;

  constructor(pattern: SparsityPattern, order: Int32Array = minimumDegreeOrder(pattern)) {
    const n = pattern.n;
    this.n = n;
    this.layout = { kind: 'sparse', n, pattern };
    const entries: Entry[] = [];
    const { rowPtr, colIdx } = pattern;
    for (let i = 0; i < n; i++) {
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
        const j = colIdx[k]!;
        entries.push({ row: 2 * i, col: 2 * j, source: k }, { row: 2 * i + 1, col: 2 * j + 1, source: k });
      }
      entries.push({ row: 2 * i, col: 2 * i + 1, source: -1 }, { row: 2 * i + 1, col: 2 * i, source: -2 });
    }
    const csc = toCsc(2 * n, entries);
    this.source = csc.source;
    this.diagonal = csc.diagonal;
    this.values = new Float64Array(csc.rowIdx.length);
    this.work = new Float64Array(2 * n);
    const order2 = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      order2[2 * k] = 2 * order[k]!;
      order2[2 * k + 1] = 2 * order[k]! + 1;
    }
    this.lu = new SparseLU(2 * n, csc.colPtr, csc.rowIdx, order2);
  }

  factor(alpha: number, beta: number, J: Float64Array): boolean {
    const { source, diagonal } = this;
    const values = this.values;
    for (let p = 0; p < values.length; p++) {
      const s = source[p]!;
      values[p] = s >= 0 ? -J[s]! : s === -1 ? -beta : beta;
    }
    for (let i = 0; i < diagonal.length; i++) values[diagonal[i]!]! += alpha;
    return this.lu.factor(values);
  }

  solve(br: Float64Array, bi: Float64Array): void {
    const w = this.work;
    const n = this.n;
    for (let i = 0; i < n; i++) {
      w[2 * i] = br[i]!;
      w[2 * i + 1] = bi[i]!;
    }
    this.lu.solve(w);
    for (let i = 0; i < n; i++) {
      br[i] = w[2 * i]!;
      bi[i] = w[2 * i + 1]!;
    }
  }
}

interface Entry {
  row: number;
  col: number;
  source: number;
}

/** Compressed sparse columns of the entries (rows ascending), with their sources and diagonal positions. */
function toCsc(
  n: number,
  entries: Entry[],
): { colPtr: Int32Array; rowIdx: Int32Array; source: Int32Array; diagonal: Int32Array } {
  const sorted = [...entries].sort((a, b) => a.col - b.col || a.row - b.row);
  const colPtr = new Int32Array(n + 1);
  const rowIdx = new Int32Array(sorted.length);
  const source = new Int32Array(sorted.length);
  const diagonal = new Int32Array(n).fill(-1);
  sorted.forEach((e, p) => {
    colPtr[e.col + 1]!++;
    rowIdx[p] = e.row;
    source[p] = e.source;
    if (e.row === e.col) diagonal[e.row] = p;
  });
  for (let j = 0; j < n; j++) colPtr[j + 1]! += colPtr[j];
  if (diagonal.includes(-1)) throw new RangeError('sparse LU: the pattern must contain the diagonal');
  return { colPtr, rowIdx, source, diagonal };
}
