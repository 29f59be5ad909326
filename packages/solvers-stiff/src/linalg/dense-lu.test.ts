import { describe, expect, it } from 'vitest';
import { ComplexDenseLU } from './complex-dense-lu';
import { DenseLU } from './dense-lu';
import { rng } from '../../test/support/linalg';

/** Deterministic uniform(−1, 1) numbers (LCG) so failures reproduce. */

function matVec(A: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i]! += A[i * n + j]! * x[j]!;
  return out;
}

describe('DenseLU', () => {
  it('solves random systems to a backward error near round-off', () => {
    const r = rng(1);
    for (const n of [1, 2, 7, 40]) {
      const A = Float64Array.from({ length: n * n }, r);
      const x = Float64Array.from({ length: n }, r);
      const b = matVec(A, x, n);
      const lu = new DenseLU(n);
      expect(lu.factor(A.slice())).toBe(true);
      lu.solve(b);
      for (let i = 0; i < n; i++) expect(Math.abs(b[i]! - x[i]!)).toBeLessThan(1e-10);
    }
  });

  it('pivots past a zero on the diagonal', () => {
    const A = Float64Array.from([0, 1, 1, 0]);
    const lu = new DenseLU(2);
    expect(lu.factor(A)).toBe(true);
    const b = Float64Array.from([3, 5]);
    lu.solve(b);
    expect(Array.from(b)).toEqual([5, 3]);
  });

  it('reports a singular or non-finite matrix instead of returning garbage', () => {
    const lu = new DenseLU(3);
    expect(lu.factor(Float64Array.from([1, 2, 3, 2, 4, 6, 1, 1, 1]))).toBe(false);
    expect(lu.factor(Float64Array.from([1, 0, 0, 0, Number.NaN, 0, 0, 0, 1]))).toBe(false);
  });

  it('gives the determinant with the sign of the row interchanges', () => {
    // det [[0, 2, 1], [1, 1, 0], [3, 0, 4]] = 0·4 − 2·4 + 1·(−3) = −11, and pivoting must swap rows.
    const lu = new DenseLU(3);
    expect(lu.factor(Float64Array.from([0, 2, 1, 1, 1, 0, 3, 0, 4]))).toBe(true);
    expect(lu.determinant()).toBeCloseTo(-11, 12);
    expect(lu.factor(Float64Array.from([2, 0, 0, 0, 3, 0, 0, 0, -1]))).toBe(true);
    expect(lu.determinant()).toBe(-6);
  });

  it('rejects a matrix of the wrong size with a RangeError', () => {
    expect(() => new DenseLU(3).factor(new Float64Array(4))).toThrow(RangeError);
    expect(() => new DenseLU(0)).toThrow(RangeError);
  });
});

describe('ComplexDenseLU', () => {
  it('solves random complex systems', () => {
    const r = rng(2);
    const n = 25;
    const Ar = Float64Array.from({ length: n * n }, r);
    const Ai = Float64Array.from({ length: n * n }, r);
    const xr = Float64Array.from({ length: n }, r);
    const xi = Float64Array.from({ length: n }, r);
    const br = new Float64Array(n);
    const bi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const ar = Ar[i * n + j]!;
        const ai = Ai[i * n + j]!;
        br[i]! += ar * xr[j]! - ai * xi[j]!;
        bi[i]! += ar * xi[j]! + ai * xr[j]!;
      }
    }
    const lu = new ComplexDenseLU(n);
    expect(lu.factor(Ar.slice(), Ai.slice())).toBe(true);
    lu.solve(br, bi);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(br[i]! - xr[i]!)).toBeLessThan(1e-10);
      expect(Math.abs(bi[i]! - xi[i]!)).toBeLessThan(1e-10);
    }
  });

  it('detects a singular complex matrix', () => {
    const lu = new ComplexDenseLU(2);
    // Rows proportional by the factor i.
    expect(lu.factor(Float64Array.from([1, 2, 0, 0]), Float64Array.from([0, 0, 1, 2]))).toBe(false);
  });
});
