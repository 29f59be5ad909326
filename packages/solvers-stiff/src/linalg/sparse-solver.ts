import { BandedLU, ComplexBandedLU } from './banded-lu';
import type { ComplexLinearSolver, JacobianLayout, LinearSolver } from './linear-solver';
import { reverseCuthillMcKee } from './rcm';
import type { SparsityPattern } from './sparsity-pattern';

/**
 * The symmetric reordering shared by the real and complex sparse solvers: RCM numbering, the
 * band it produces, and where each pattern entry lands in the band store.
 */
export class BandOrdering {
  readonly pattern: SparsityPattern;
  /** perm[new] = old. */
  readonly perm: Int32Array;
  readonly kl: number;
  readonly ku: number;
  /** inverse[old] = new. */
  readonly inverse: Int32Array;

  constructor(pattern: SparsityPattern, perm: Int32Array = reverseCuthillMcKee(pattern)) {
    const n = pattern.n;
    const inv = new Int32Array(n);
    for (let k = 0; k < n; k++) inv[perm[k]!] = k;
    let kl = 0;
    let ku = 0;
    const { rowPtr, colIdx } = pattern;
    for (let i = 0; i < n; i++) {
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
        const d = inv[colIdx[k]!]! - inv[i]!;
        if (d > ku) ku = d;
        if (-d > kl) kl = -d;
      }
    }
    this.pattern = pattern;
    this.perm = perm;
    this.kl = kl;
    this.ku = ku;
    this.inverse = inv;
  }

  /** Band-store offsets of every pattern entry and of each diagonal, for a store of this shape. */
  offsets(offset: (i: number, j: number) => number): { entries: Int32Array; diagonal: Int32Array } {
    const { rowPtr, colIdx, n } = this.pattern;
    const inv = this.inverse;
    const entries = new Int32Array(colIdx.length);
    for (let i = 0; i < n; i++) {
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) entries[k] = offset(inv[i]!, inv[colIdx[k]!]!);
    }
    const diagonal = new Int32Array(n);
    for (let i = 0; i < n; i++) diagonal[i] = offset(i, i);
    return { entries, diagonal };
  }

  /** Work estimate of a band factorisation relative to a dense one (< 1 favours the band). */
  relativeCost(): number {
    const n = this.pattern.n;
    return (3 * this.kl * (2 * this.kl + this.ku + 1)) / (n * n);
  }
}

/**
 * γI − J for a sparse J: the pattern is reordered by reverse Cuthill–McKee and the result
 * factored as a band with partial pivoting. Cost O(n·kl·(kl+ku)): linear in n for networks
 * whose reordered bandwidth stays bounded (chains, block-diagonal ensembles, meshes in 1-D).
 */
export class SparseSolver implements LinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  private readonly ordering: BandOrdering;
  private readonly lu: BandedLU;
  private readonly entries: Int32Array;
  private readonly diagonal: Int32Array;
  private readonly work: Float64Array;

  constructor(ordering: BandOrdering) {
    const n = ordering.pattern.n;
    this.n = n;
    this.layout = { kind: 'sparse', n, pattern: ordering.pattern };
    this.ordering = ordering;
    this.lu = new BandedLU(n, ordering.kl, ordering.ku);
    const { entries, diagonal } = ordering.offsets((i, j) => this.lu.offset(i, j));
    this.entries = entries;
    this.diagonal = diagonal;
    this.work = new Float64Array(n);
  }

  factor(gamma: number, J: Float64Array): boolean {
    const band = this.lu.band;
    band.fill(0);
    const e = this.entries;
    for (let k = 0; k < e.length; k++) band[e[k]!] = -J[k]!;
    const d = this.diagonal;
    for (let i = 0; i < d.length; i++) band[d[i]!]! += gamma;
    return this.lu.factor();
  }

  solve(b: Float64Array): void {
    const perm = this.ordering.perm;
    const w = this.work;
    for (let k = 0; k < this.n; k++) w[k] = b[perm[k]!]!;
    this.lu.solve(w);
    for (let k = 0; k < this.n; k++) b[perm[k]!] = w[k]!;
  }
}

/** Complex counterpart of `SparseSolver`: (α + iβ)I − J on the same reordering. */
export class ComplexSparseSolver implements ComplexLinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  private readonly ordering: BandOrdering;
  private readonly lu: ComplexBandedLU;
  private readonly entries: Int32Array;
  private readonly diagonal: Int32Array;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;

  constructor(ordering: BandOrdering) {
    const n = ordering.pattern.n;
    this.n = n;
    this.layout = { kind: 'sparse', n, pattern: ordering.pattern };
    this.ordering = ordering;
    this.lu = new ComplexBandedLU(n, ordering.kl, ordering.ku);
    const { entries, diagonal } = ordering.offsets((i, j) => this.lu.offset(i, j));
    this.entries = entries;
    this.diagonal = diagonal;
    this.workRe = new Float64Array(n);
    this.workIm = new Float64Array(n);
  }

  factor(alpha: number, beta: number, J: Float64Array): boolean {
    const { re, im } = this.lu;
    re.fill(0);
    im.fill(0);
    const e = this.entries;
    for (let k = 0; k < e.length; k++) re[e[k]!] = -J[k]!;
    const d = this.diagonal;
    for (let i = 0; i < d.length; i++) {
      re[d[i]!]! += alpha;
      im[d[i]!] = beta;
    }
    return this.lu.factor();
  }

  solve(br: Float64Array, bi: Float64Array): void {
    const perm = this.ordering.perm;
    const wr = this.workRe;
    const wi = this.workIm;
    for (let k = 0; k < this.n; k++) {
      wr[k] = br[perm[k]!]!;
      wi[k] = bi[perm[k]!]!;
    }
    this.lu.solve(wr, wi);
    for (let k = 0; k < this.n; k++) {
      br[perm[k]!] = wr[k]!;
      bi[perm[k]!] = wi[k]!;
    }
  }
}
