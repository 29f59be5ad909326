import { describe, expect, it } from 'vitest';
import { BandedLU, ComplexBandedLU } from './banded-lu';
import { ComplexDenseSolver, DenseSolver } from './dense-solver';
import { reverseCuthillMcKee } from './rcm';
import { selectLinearAlgebra } from './select';
import { BandOrdering, ComplexSparseSolver, SparseSolver } from './sparse-solver';
import { SparsityPattern } from './sparsity-pattern';
import { denseFromPattern, rng } from '../../test/support/linalg';

/** k copies of a 3×3 block with full coupling, species numbered blockwise but interleaved. */
function interleavedBlocks(k: number): SparsityPattern {
  const n = 3 * k;
  // State i belongs to block i % k: a numbering with bandwidth ~2k before reordering.
  const rows = Array.from({ length: n }, (_, i) => [i % k, (i % k) + k, (i % k) + 2 * k]);
  return SparsityPattern.fromRows(n, rows);
}

describe('BandedLU', () => {
  it('agrees with the dense solution on a random band matrix that needs pivoting', () => {
    const r = rng(3);
    const n = 30;
    const kl = 2;
    const ku = 3;
    const band = new BandedLU(n, kl, ku);
    const dense = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
        const v = i === j ? 0.01 * r() : r();
        dense[i * n + j] = v;
        band.band[band.offset(i, j)] = v;
      }
    }
    const x = Float64Array.from({ length: n }, r);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i]! += dense[i * n + j]! * x[j]!;
    expect(band.factor()).toBe(true);
    band.solve(b);
    for (let i = 0; i < n; i++) expect(b[i]!).toBeCloseTo(x[i]!, 9);
  });

  it('solves a complex tridiagonal system', () => {
    const n = 12;
    const lu = new ComplexBandedLU(n, 1, 1);
    for (let i = 0; i < n; i++) {
      lu.re[lu.offset(i, i)] = 2;
      lu.im[lu.offset(i, i)] = 1;
      if (i > 0) lu.re[lu.offset(i, i - 1)] = -1;
      if (i < n - 1) lu.re[lu.offset(i, i + 1)] = -1;
    }
    const xr = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const xi = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const br = new Float64Array(n);
    const bi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      br[i] = 2 * xr[i]! - xi[i]! - (i > 0 ? xr[i - 1]! : 0) - (i < n - 1 ? xr[i + 1]! : 0);
      bi[i] = 2 * xi[i]! + xr[i]! - (i > 0 ? xi[i - 1]! : 0) - (i < n - 1 ? xi[i + 1]! : 0);
    }
    expect(lu.factor()).toBe(true);
    lu.solve(br, bi);
    for (let i = 0; i < n; i++) {
      expect(br[i]!).toBeCloseTo(xr[i]!, 12);
      expect(bi[i]!).toBeCloseTo(xi[i]!, 12);
    }
  });
});

describe('reverse Cuthill–McKee', () => {
  it('brings interleaved independent blocks back to their block bandwidth', () => {
    const p = interleavedBlocks(200);
    const perm = reverseCuthillMcKee(p);
    expect(Array.from(perm).sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const ord = new BandOrdering(p, perm);
    expect(ord.kl).toBeLessThanOrEqual(2);
    expect(ord.ku).toBeLessThanOrEqual(2);
  });
});

describe('SparseSolver', () => {
  it('solves (γI − J)x = b like the dense solver, real and complex', () => {
    const r = rng(4);
    const p = interleavedBlocks(40);
    const n = p.n;
    const vals = Float64Array.from({ length: p.nnz }, () => 10 * r());
    const J = denseFromPattern(p, vals);
    const ord = new BandOrdering(p);
    const sparse = new SparseSolver(ord);
    const dense = new DenseSolver(n);
    expect(sparse.factor(0.3, vals)).toBe(true);
    expect(dense.factor(0.3, J)).toBe(true);
    const b1 = Float64Array.from({ length: n }, r);
    const b2 = b1.slice();
    sparse.solve(b1);
    dense.solve(b2);
    for (let i = 0; i < n; i++) expect(b1[i]!).toBeCloseTo(b2[i]!, 9);

    const cs = new ComplexSparseSolver(ord);
    const cd = new ComplexDenseSolver(n);
    expect(cs.factor(2.68, 3.05, vals)).toBe(true);
    expect(cd.factor(2.68, 3.05, J)).toBe(true);
    const r1 = Float64Array.from({ length: n }, r);
    const i1 = Float64Array.from({ length: n }, r);
    const r2 = r1.slice();
    const i2 = i1.slice();
    cs.solve(r1, i1);
    cd.solve(r2, i2);
    for (let i = 0; i < n; i++) {
      expect(r1[i]!).toBeCloseTo(r2[i]!, 9);
      expect(i1[i]!).toBeCloseTo(i2[i]!, 9);
    }
  });

  it('is chosen for a large block-diagonal pattern and dense LU otherwise', () => {
    expect(selectLinearAlgebra(600, interleavedBlocks(200)).layout.kind).toBe('sparse');
    expect(selectLinearAlgebra(3, interleavedBlocks(1)).layout.kind).toBe('dense');
    expect(selectLinearAlgebra(600).layout.kind).toBe('dense');
    const full = SparsityPattern.fromRows(
      40,
      Array.from({ length: 40 }, () => Array.from({ length: 40 }, (_, j) => j)),
    );
    expect(selectLinearAlgebra(40, full).layout.kind).toBe('dense');
  });
});

describe('SparsityPattern', () => {
  it('adds the diagonal, merges duplicates and sorts columns', () => {
    const p = SparsityPattern.fromRows(3, [[2, 2], [], [0]]);
    expect(Array.from(p.rowPtr)).toEqual([0, 2, 3, 5]);
    expect(Array.from(p.colIdx)).toEqual([0, 2, 1, 0, 2]);
    expect(p.indexOf(0, 2)).toBe(1);
    expect(p.indexOf(1, 0)).toBe(-1);
  });

  it('rejects out-of-range columns and a wrong row count', () => {
    expect(() => SparsityPattern.fromRows(2, [[0], [2]])).toThrow(/jacSparsity\[1\]\[0\] = 2/);
    expect(() => SparsityPattern.fromRows(2, [[0]])).toThrow(RangeError);
  });
});

describe('selectLinearAlgebra with a hub network', () => {
  it('picks the general sparse LU when no narrow band exists', () => {
    const n = 200;
    const rows = Array.from({ length: n }, (_, i) => [0, i, (7 * i + 3) % n, (13 * i + 5) % n]);
    rows[0] = Array.from({ length: n }, (_, j) => j);
    const p = SparsityPattern.fromRows(n, rows);
    const la = selectLinearAlgebra(n, p);
    expect(la.layout.kind).toBe('sparse');
    expect(la.real().constructor.name).toBe('SparseLUSolver');
    expect(la.complex().constructor.name).toBe('ComplexSparseLUSolver');
  });
});
