import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';

/** Eigenvalues of a real matrix: `re[i] + i·im[i]`, sorted by decreasing real part. */
export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
}

function toMatrix(a: ArrayLike<number>, n: number): Matrix {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]!);
  return m;
}

/** Eigenvalues of the row-major n×n matrix `a` (ml-matrix's Hessenberg–QR), largest real part first. */
export function eigenvalues(a: ArrayLike<number>, n: number): Eigenvalues {
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i]))
      throw new RangeError(`eigenvalues: matrix entry ${i} is not finite (${a[i]})`);
  }
  const evd = new EigenvalueDecomposition(toMatrix(a, n), { assumeSymmetric: false });
  const order = evd.realEigenvalues.map((_, i) => i);
  order.sort(
    (i, j) =>
      evd.realEigenvalues[j]! - evd.realEigenvalues[i]! ||
      evd.imaginaryEigenvalues[j]! - evd.imaginaryEigenvalues[i]!,
  );
  return {
    re: Float64Array.from(order, (i) => evd.realEigenvalues[i]!),
    im: Float64Array.from(order, (i) => evd.imaginaryEigenvalues[i]!),
  };
}

/** Singular values of the row-major rows×cols matrix `a`, largest first. */
export function singularValues(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, a[i * cols + j]!);
  const svd = new SingularValueDecomposition(m, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  });
  return Float64Array.from(svd.diagonal).sort().reverse();
}

/** Spectral norm ‖A‖₂ (largest singular value) of a row-major n×n matrix. */
export function spectralNorm(a: ArrayLike<number>, n: number): number {
  return singularValues(a, n, n)[0] ?? 0;
}
