/**
 * Dense LU factorisation with partial pivoting, in place on a row-major `Float64Array`
 * (LAPACK getrf/getrs without blocking: for the n ≤ a few hundred of kinetic models the
 * unblocked row-oriented loop is the fastest thing JavaScript can run).
 */
export class DenseLU {
  readonly n: number;
  /** Row interchanges: at elimination step k, row k was swapped with row `pivots[k]`. */
  readonly pivots: Int32Array;
  private lu: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`DenseLU: n must be a positive integer, got ${n}`);
    this.n = n;
    this.pivots = new Int32Array(n);
    this.lu = new Float64Array(0);
  }

  /**
   * Factor the row-major n×n matrix `A` in place into P·A = L·U (unit lower L below the diagonal,
   * U on and above). Returns false when a zero (or non-finite) pivot makes A numerically singular.
   */
  factor(A: Float64Array): boolean {
    const n = this.n;
    if (A.length !== n * n)
      throw new RangeError(`DenseLU.factor: A has length ${A.length}, expected ${n * n}`);
    this.lu = A;
    const piv = this.pivots;
    for (let k = 0; k < n; k++) {
      const rowK = k * n;
      let p = k;
      let pmax = Math.abs(A[rowK + k]!);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(A[i * n + k]!);
        if (v > pmax) {
          pmax = v;
          p = i;
        }
      }
      piv[k] = p;
      if (!(pmax > 0) || pmax === Number.POSITIVE_INFINITY) return false;
      if (p !== k) {
        const rowP = p * n;
        for (let j = 0; j < n; j++) {
          const tmp = A[rowK + j]!;
          A[rowK + j] = A[rowP + j]!;
          A[rowP + j] = tmp;
        }
      }
      const inv = 1 / A[rowK + k]!;
      for (let i = k + 1; i < n; i++) {
        const rowI = i * n;
        const l = A[rowI + k]! * inv;
        A[rowI + k] = l;
        if (l !== 0) {
          for (let j = k + 1; j < n; j++) A[rowI + j]! -= l * A[rowK + j]!;
        }
      }
    }
    return true;
  }

  /** Determinant of the last factored A (its sign locates folds and branch points in continuation). */
  determinant(): number {
    const n = this.n;
    let det = 1;
    for (let k = 0; k < n; k++) {
      det *= this.lu[k * n + k]!;
      if (this.pivots[k] !== k) det = -det;
    }
    return det;
  }

  /** Overwrite `b` with the solution x of A·x = b for the last factored A. */
  solve(b: Float64Array): void {
    const n = this.n;
    const A = this.lu;
    const piv = this.pivots;
    for (let k = 0; k < n; k++) {
      const p = piv[k]!;
      if (p !== k) {
        const tmp = b[k]!;
        b[k] = b[p]!;
        b[p] = tmp;
      }
    }
    for (let i = 1; i < n; i++) {
      const rowI = i * n;
      let s = b[i]!;
      for (let j = 0; j < i; j++) s -= A[rowI + j]! * b[j]!;
      b[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      const rowI = i * n;
      let s = b[i]!;
      for (let j = i + 1; j < n; j++) s -= A[rowI + j]! * b[j]!;
      b[i] = s / A[rowI + i]!;
    }
  }
}
