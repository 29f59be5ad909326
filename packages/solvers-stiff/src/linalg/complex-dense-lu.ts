/**
 * Dense complex LU with partial pivoting, in place on split real/imaginary row-major arrays.
 * Radau IIA's complex-conjugate eigenvalue pair of A⁻¹ turns two real n×n systems into one
 * complex system (Hairer–Wanner II, IV.8), which is what this solves.
 */
export class ComplexDenseLU {
  readonly n: number;
  readonly pivots: Int32Array;
  private re: Float64Array;
  private im: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`ComplexDenseLU: n must be a positive integer, got ${n}`);
    this.n = n;
    this.pivots = new Int32Array(n);
    this.re = new Float64Array(0);
    this.im = new Float64Array(0);
  }

  /** Factor (Ar + i·Ai) in place; false when numerically singular. Pivoting by |re| + |im|. */
  factor(Ar: Float64Array, Ai: Float64Array): boolean {
    const n = this.n;
    if (Ar.length !== n * n || Ai.length !== n * n)
      throw new RangeError(`ComplexDenseLU.factor: matrices must have length ${n * n}`);
    this.re = Ar;
    this.im = Ai;
    const piv = this.pivots;
    for (let k = 0; k < n; k++) {
      const rowK = k * n;
      let p = k;
      let pmax = Math.abs(Ar[rowK + k]!) + Math.abs(Ai[rowK + k]!);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(Ar[i * n + k]!) + Math.abs(Ai[i * n + k]!);
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
          let tmp = Ar[rowK + j]!;
          Ar[rowK + j] = Ar[rowP + j]!;
          Ar[rowP + j] = tmp;
          tmp = Ai[rowK + j]!;
          Ai[rowK + j] = Ai[rowP + j]!;
          Ai[rowP + j] = tmp;
        }
      }
      const pr = Ar[rowK + k]!;
      const pi = Ai[rowK + k]!;
      const den = pr * pr + pi * pi;
      const invR = pr / den;
      const invI = -pi / den;
      for (let i = k + 1; i < n; i++) {
        const rowI = i * n;
        const ar = Ar[rowI + k]!;
        const ai = Ai[rowI + k]!;
        const lr = ar * invR - ai * invI;
        const li = ar * invI + ai * invR;
        Ar[rowI + k] = lr;
        Ai[rowI + k] = li;
        if (lr !== 0 || li !== 0) {
          for (let j = k + 1; j < n; j++) {
            const ur = Ar[rowK + j]!;
            const ui = Ai[rowK + j]!;
            Ar[rowI + j]! -= lr * ur - li * ui;
            Ai[rowI + j]! -= lr * ui + li * ur;
          }
        }
      }
    }
    return true;
  }

  /** Overwrite (br + i·bi) with the solution of the last factored system. */
  solve(br: Float64Array, bi: Float64Array): void {
    const n = this.n;
    const Ar = this.re;
    const Ai = this.im;
    const piv = this.pivots;
    for (let k = 0; k < n; k++) {
      const p = piv[k]!;
      if (p !== k) {
        let tmp = br[k]!;
        br[k] = br[p]!;
        br[p] = tmp;
        tmp = bi[k]!;
        bi[k] = bi[p]!;
        bi[p] = tmp;
      }
    }
    for (let i = 1; i < n; i++) {
      const rowI = i * n;
      let sr = br[i]!;
      let si = bi[i]!;
      for (let j = 0; j < i; j++) {
        const lr = Ar[rowI + j]!;
        const li = Ai[rowI + j]!;
        const xr = br[j]!;
        const xi = bi[j]!;
        sr -= lr * xr - li * xi;
        si -= lr * xi + li * xr;
      }
      br[i] = sr;
      bi[i] = si;
    }
    for (let i = n - 1; i >= 0; i--) {
      const rowI = i * n;
      let sr = br[i]!;
      let si = bi[i]!;
      for (let j = i + 1; j < n; j++) {
        const ur = Ar[rowI + j]!;
        const ui = Ai[rowI + j]!;
        const xr = br[j]!;
        const xi = bi[j]!;
        sr -= ur * xr - ui * xi;
        si -= ur * xi + ui * xr;
      }
      const dr = Ar[rowI + i]!;
      const di = Ai[rowI + i]!;
      const den = dr * dr + di * di;
      br[i] = (sr * dr + si * di) / den;
      bi[i] = (si * dr - sr * di) / den;
    }
  }
}
