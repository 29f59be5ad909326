/**
 * Structure of a sparse Jacobian in compressed sparse row form. The diagonal is always present,
 * because every iteration matrix γI − J has it even where ∂f_i/∂y_i is structurally zero.
 */
export class SparsityPattern {
  readonly n: number;
  /** Row i's entries are `colIdx[rowPtr[i] … rowPtr[i+1]-1]`, ascending. */
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  /** Position of the diagonal entry of each row in `colIdx`. */
  readonly diag: Int32Array;

  private constructor(n: number, rowPtr: Int32Array, colIdx: Int32Array) {
    this.n = n;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.diag = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) if (colIdx[k] === i) this.diag[i] = k;
    }
  }

  get nnz(): number {
    return this.colIdx.length;
  }

  /**
   * Build from `rows[i]` = the columns j with ∂f_i/∂y_j ≠ 0 (the `jacSparsity` of an ODEProblem).
   * Duplicates are merged; out-of-range or non-integer columns throw.
   */
  static fromRows(n: number, rows: ReadonlyArray<ArrayLike<number>>): SparsityPattern {
    if (rows.length !== n)
      throw new RangeError(`jacSparsity: expected ${n} rows (one per state), got ${rows.length}`);
    const rowPtr = new Int32Array(n + 1);
    const cols: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (row === undefined || row === null || typeof row.length !== 'number')
        throw new TypeError(`jacSparsity[${i}] must be an array of column indices`);
      const set = new Set<number>([i]);
      for (let k = 0; k < row.length; k++) {
        const j = row[k]!;
        if (!Number.isInteger(j) || j < 0 || j >= n)
          throw new RangeError(`jacSparsity[${i}][${k}] = ${j} is not a column index in [0, ${n - 1}]`);
        set.add(j);
      }
      const sorted = [...set].sort((a, b) => a - b);
      for (const j of sorted) cols.push(j);
      rowPtr[i + 1] = cols.length;
    }
    return new SparsityPattern(n, rowPtr, Int32Array.from(cols));
  }

  /** Index of entry (i, j) in `colIdx`, or −1 when structurally zero. */
  indexOf(i: number, j: number): number {
    let lo = this.rowPtr[i]!;
    let hi = this.rowPtr[i + 1]! - 1;
    const c = this.colIdx;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = c[mid]!;
      if (v === j) return mid;
      if (v < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
