/**
 * Sparse LU with partial pivoting: the left-looking algorithm of Gilbert & Peierls (1988), as in
 * CSparse's cs_lu (Davis, "Direct Methods for Sparse Linear Systems", SIAM 2006, ch. 6). Column k
 * of L and U comes from one sparse triangular solve whose nonzero pattern is found by a
 * depth-first search in the graph of L, so the work is proportional to the flops, not to n².
 * Columns are taken in a fill-reducing order `q`; the diagonal is preferred as pivot while it is
 * within a factor `tol` of the column's largest candidate (threshold pivoting keeps that order's
 * low fill without giving up stability).
 */
export class SparseLU {
  readonly n: number;
  private readonly structure: { colPtr: Int32Array; rowIdx: Int32Array; q: Int32Array; tol: number };
  // L (unit diagonal stored first in each column) and U (diagonal last), grown on demand.
  private Lp: Int32Array;
  private Li: Int32Array;
  private Lx: Float64Array;
  private Up: Int32Array;
  private Ui: Int32Array;
  private Ux: Float64Array;
  // pinv[row] = the step at which that row became pivotal (−1 before); x, xi: the dense
  // accumulator and nonzero pattern of the current column; stack, pstack, mark: the DFS.
  private readonly work: {
    pinv: Int32Array;
    x: Float64Array;
    xi: Int32Array;
    stack: Int32Array;
    pstack: Int32Array;
    mark: Int32Array;
  };
  private stamp = 0;

  /**
   * @param colPtr, rowIdx the structure of A in compressed sparse column form (values come with `factor`)
   * @param q column order: step k eliminates column q[k]
   * @param tol diagonal preference threshold in (0, 1]; 1 is plain partial pivoting
   */
  constructor(n: number, colPtr: Int32Array, rowIdx: Int32Array, q: Int32Array, tol = 0.1) {
    if (colPtr.length !== n + 1) throw new RangeError(`SparseLU: colPtr must have length ${n + 1}`);
    if (q.length !== n) throw new RangeError(`SparseLU: q must have length ${n}`);
    if (!(tol > 0 && tol <= 1)) throw new RangeError(`SparseLU: tol must be in (0, 1], got ${tol}`);
    this.n = n;
    this.structure = { colPtr, rowIdx, q, tol };
    const nnz = rowIdx.length;
    this.Lp = new Int32Array(n + 1);
    this.Up = new Int32Array(n + 1);
    this.Li = new Int32Array(2 * nnz + n);
    this.Lx = new Float64Array(2 * nnz + n);
    this.Ui = new Int32Array(2 * nnz + n);
    this.Ux = new Float64Array(2 * nnz + n);
    this.work = {
      pinv: new Int32Array(n),
      x: new Float64Array(n),
      xi: new Int32Array(n),
      stack: new Int32Array(n),
      pstack: new Int32Array(n),
      mark: new Int32Array(n),
    };
  }

  /** Factor P·A·Q = L·U for A with the constructor's structure and these values (CSC order). */
  factor(values: Float64Array): boolean {
    const n = this.n;
    const { colPtr, rowIdx, q, tol } = this.structure;
    const { pinv, x, xi } = this.work;
    pinv.fill(-1);
    let lnz = 0;
    let unz = 0;
    for (let k = 0; k < n; k++) {
      this.Lp[k] = lnz;
      this.Up[k] = unz;
      // Room for a full column in both factors before this step.
      if (lnz + n > this.Li.length) this.growL(2 * this.Li.length + n);
      if (unz + n > this.Ui.length) this.growU(2 * this.Ui.length + n);
      const col = q[k]!;
      const top = this.reach(col);
      for (let p = top; p < n; p++) x[xi[p]!] = 0;
      for (let p = colPtr[col]!; p < colPtr[col + 1]!; p++) x[rowIdx[p]!] = values[p]!;
      const { Lp, Li, Lx } = this;
      // x = L \ A(:, col), visiting the pattern in topological order.
      for (let px = top; px < n; px++) {
        const j = xi[px]!;
        const J = pinv[j]!;
        if (J < 0) continue;
        const xj = x[j]!;
        if (xj === 0) continue;
        for (let p = Lp[J]! + 1; p < Lp[J + 1]!; p++) x[Li[p]!]! -= Lx[p]! * xj;
      }
      let ipiv = -1;
      let amax = -1;
      const Ui = this.Ui;
      const Ux = this.Ux;
      for (let p = top; p < n; p++) {
        const i = xi[p]!;
        if (pinv[i]! < 0) {
          const a = Math.abs(x[i]!);
          if (a > amax) {
            amax = a;
            ipiv = i;
          }
        } else {
          Ui[unz] = pinv[i]!;
          Ux[unz++] = x[i]!;
        }
      }
      if (ipiv < 0 || !(amax > 0) || amax === Number.POSITIVE_INFINITY) return false;
      if (pinv[col]! < 0 && Math.abs(x[col]!) >= tol * amax) ipiv = col;
      const pivot = x[ipiv]!;
      Ui[unz] = k;
      Ux[unz++] = pivot;
      pinv[ipiv] = k;
      Li[lnz] = ipiv;
      Lx[lnz++] = 1;
      const inv = 1 / pivot;
      for (let p = top; p < n; p++) {
        const i = xi[p]!;
        if (pinv[i]! < 0) {
          Li[lnz] = i;
          Lx[lnz++] = x[i]! * inv;
        }
        x[i] = 0;
      }
    }
    this.Lp[n] = lnz;
    this.Up[n] = unz;
    // Row indices of L in pivot order, as the solves expect.
    for (let p = 0; p < lnz; p++) this.Li[p] = pinv[this.Li[p]!]!;
    return true;
  }

  /** Overwrite `b` with A⁻¹·b for the last factored A. */
  solve(b: Float64Array): void {
    const { n, Lp, Li, Lx, Up, Ui, Ux } = this;
    const { pinv, x } = this.work;
    const q = this.structure.q;
    for (let i = 0; i < n; i++) x[pinv[i]!] = b[i]!;
    for (let j = 0; j < n; j++) {
      const xj = x[j]!;
      if (xj === 0) continue;
      for (let p = Lp[j]! + 1; p < Lp[j + 1]!; p++) x[Li[p]!]! -= Lx[p]! * xj;
    }
    for (let j = n - 1; j >= 0; j--) {
      const end = Up[j + 1]! - 1;
      const xj = (x[j] = x[j]! / Ux[end]!);
      if (xj === 0) continue;
      for (let p = Up[j]!; p < end; p++) x[Ui[p]!]! -= Ux[p]! * xj;
    }
    for (let k = 0; k < n; k++) b[q[k]!] = x[k]!;
  }

  /** Number of stored entries of L and U after the last factorisation (a measure of fill). */
  get factorNonzeros(): number {
    return this.Lp[this.n]! + this.Up[this.n]!;
  }

  /**
   * Nonzero pattern of L \ A(:, col) in topological order, left in xi[top … n−1]: depth-first
   * search from each nonzero row of A(:, col) through the columns of L already computed.
   */
  private reach(col: number): number {
    const { n, Lp, Li } = this;
    const { colPtr, rowIdx } = this.structure;
    const { pinv, xi, stack, pstack, mark } = this.work;
    const s = ++this.stamp;
    let top = n;
    for (let p0 = colPtr[col]!; p0 < colPtr[col + 1]!; p0++) {
      const start = rowIdx[p0]!;
      if (mark[start] === s) continue;
      let head = 0;
      stack[0] = start;
      while (head >= 0) {
        const j = stack[head]!;
        const J = pinv[j]!;
        if (mark[j] !== s) {
          mark[j] = s;
          pstack[head] = J < 0 ? 0 : Lp[J]! + 1;
        }
        let done = true;
        const end = J < 0 ? 0 : Lp[J + 1]!;
        for (let p = pstack[head]!; p < end; p++) {
          const i = Li[p]!;
          if (mark[i] === s) continue;
          pstack[head] = p + 1;
          stack[++head] = i;
          done = false;
          break;
        }
        if (done) {
          head--;
          xi[--top] = j;
        }
      }
    }
    return top;
  }

  private growL(size: number): void {
    const Li = new Int32Array(size);
    Li.set(this.Li);
    const Lx = new Float64Array(size);
    Lx.set(this.Lx);
    this.Li = Li;
    this.Lx = Lx;
  }

  private growU(size: number): void {
    const Ui = new Int32Array(size);
    Ui.set(this.Ui);
    const Ux = new Float64Array(size);
    Ux.set(this.Ux);
    this.Ui = Ui;
    this.Ux = Ux;
  }
}
