import { describe, expect, it } from 'vitest';
import { ComplexDenseSolver, DenseSolver } from './dense-solver';
import { minimumDegreeOrder } from './minimum-degree';
import { SparseLU } from './sparse-lu';
import { ComplexSparseLUSolver, SparseLUSolver } from './sparse-lu-solver';
import { SparsityPattern } from './sparsity-pattern';
import { denseFromPattern, rng } from '../../test/support/linalg';

/** A metabolic-style pattern: a random sparse network plus two hub species coupled to everything. */
function hubNetwork(n: number, seed: number): SparsityPattern {
  const r = rng(seed);
  const rows: number[][] = Array.from({ length: n }, (_, i) => [i, 0, 1]);
  for (let i = 0; i < n; i++) {
    for (let e = 0; e < 2; e++) rows[i]!.push(Math.floor(((r() + 1) / 2) * n) % n);
    rows[0]!.push(i);
    rows[1]!.push(i);
  }
  return SparsityPattern.fromRows(n, rows);
}

describe('SparseLU', () => {
  it('solves a system that needs row interchanges', () => {
    // [[0, 2], [3, 1]] in CSC: column 0 = (1: 3), column 1 = (0: 2, 1: 1).
    const lu = new SparseLU(2, Int32Array.of(0, 1, 3), Int32Array.of(1, 0, 1), Int32Array.of(0, 1));
    expect(lu.factor(Float64Array.of(3, 2, 1))).toBe(true);
    const b = Float64Array.of(4, 5); // x = (1, 2)
    lu.solve(b);
    expect(b[0]!).toBeCloseTo(1, 14);
    expect(b[1]!).toBeCloseTo(2, 14);
  });

  it('reports a structurally or numerically singular matrix', () => {
    const lu = new SparseLU(2, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 0, 1), Int32Array.of(0, 1));
    expect(lu.factor(Float64Array.of(1, 2, 2, 4))).toBe(false);
  });
});

describe('SparseLUSolver', () => {
  it('agrees with dense LU on a hub network, real and complex, with fill linear in n', () => {
    const r = rng(7);
    const n = 300;
    const p = hubNetwork(n, 11);
    const vals = Float64Array.from({ length: p.nnz }, () => 5 * r());
    const J = denseFromPattern(p, vals);
    const sparse = new SparseLUSolver(p);
    const dense = new DenseSolver(n);
    expect(sparse.factor(0.7, vals)).toBe(true);
    expect(dense.factor(0.7, J)).toBe(true);
    const b1 = Float64Array.from({ length: n }, r);
    const b2 = b1.slice();
    sparse.solve(b1);
    dense.solve(b2);
    for (let i = 0; i < n; i++) expect(Math.abs(b1[i]! - b2[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(b2[i]!)));

    const cs = new ComplexSparseLUSolver(p);
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
      expect(Math.abs(r1[i]! - r2[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(r2[i]!)));
      expect(Math.abs(i1[i]! - i2[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(i2[i]!)));
    }
  });

  it('keeps an arrowhead (one hub coupled to all) free of fill in minimum degree order', () => {
    const n = 2000;
    const rows = Array.from({ length: n }, (_, i) =>
      i === 0 ? Array.from({ length: n }, (_, j) => j) : [0, i],
    );
    const p = SparsityPattern.fromRows(n, rows);
    const order = minimumDegreeOrder(p);
    // The hub goes last or, on a degree tie with the final leaf, next to last.
    expect(Array.from(order.subarray(n - 2))).toContain(0);
    // The pattern is symmetric, so its CSR arrays are also its CSC arrays.
    const lu = new SparseLU(n, p.rowPtr, p.colIdx, order);
    const values = Float64Array.from(p.colIdx, (j, k) => (j === 0 && k === 0 ? n : k === p.diag[j] ? 4 : 1));
    expect(lu.factor(values)).toBe(true);
    // L and U together hold exactly the entries of A plus the unit diagonal of L: no fill.
    expect(lu.factorNonzeros).toBe(p.nnz + n);
  });
});
