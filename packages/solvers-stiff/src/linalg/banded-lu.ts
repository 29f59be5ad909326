/**
 * Banded LU with partial pivoting (LAPACK gbtrf/gbtrs), real and complex.
 *
 * Row i of the band store holds columns i−kl … i+ku+kl: the kl extra columns on the right take
 * the fill that row interchanges bring into U, so the factorisation costs O(n·kl·(kl+ku)) and
 * never leaves the store. Multipliers stay where they were computed; the solve replays the
 * interchanges in elimination order.
 */
/** Shape, row layout and pivots shared by the real and complex band factorisations. */
abstract class BandLayout {
  readonly n: number;
  readonly kl: number;
  readonly ku: number;
  /** Entries per stored row: 2·kl + ku + 1. */
  readonly width: number;
  readonly pivots: Int32Array;

  constructor(name: string, n: number, kl: number, ku: number) {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`${name}: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(kl) || kl < 0 || kl >= n)
      throw new RangeError(`${name}: kl must be an integer in [0, ${n - 1}], got ${kl}`);
    if (!Number.isInteger(ku) || ku < 0 || ku >= n)
      throw new RangeError(`${name}: ku must be an integer in [0, ${n - 1}], got ${ku}`);
    this.n = n;
    this.kl = kl;
    this.ku = ku;
    this.width = 2 * kl + ku + 1;
    this.pivots = new Int32Array(n);
  }

  /** Index of A(i, j) in the band store; valid for i − kl ≤ j ≤ i + ku. */
  offset(i: number, j: number): number {
    return i * this.width + (j - i + this.kl);
  }
}

export class BandedLU extends BandLayout {
  /** Band store, row-major; write A(i, j) at `offset(i, j)` after `clear()`. */
  readonly band: Float64Array;

  constructor(n: number, kl: number, ku: number) {
    super('BandedLU', n, kl, ku);
    this.band = new Float64Array(n * this.width);
  }

  clear(): void {
    this.band.fill(0);
  }

  /** Factor the band store in place; false when numerically singular. */
  factor(): boolean {
    const { n, kl, ku, width: w, band: a, pivots: piv } = this;
    for (let k = 0; k < n; k++) {
      const iEnd = Math.min(n - 1, k + kl);
      const jEnd = Math.min(n - 1, k + ku + kl);
      let p = k;
      let pmax = Math.abs(a[k * w + kl]!);
      for (let i = k + 1; i <= iEnd; i++) {
        const v = Math.abs(a[i * w + (k - i + kl)]!);
        if (v > pmax) {
          pmax = v;
          p = i;
        }
      }
      piv[k] = p;
      if (!(pmax > 0) || pmax === Number.POSITIVE_INFINITY) return false;
      const baseK = k * w - k + kl;
      if (p !== k) {
        const baseP = p * w - p + kl;
        for (let j = k; j <= jEnd; j++) {
          const tmp = a[baseK + j]!;
          a[baseK + j] = a[baseP + j]!;
          a[baseP + j] = tmp;
        }
      }
      const inv = 1 / a[baseK + k]!;
      for (let i = k + 1; i <= iEnd; i++) {
        const baseI = i * w - i + kl;
        const l = a[baseI + k]! * inv;
        a[baseI + k] = l;
        if (l !== 0) {
          for (let j = k + 1; j <= jEnd; j++) a[baseI + j]! -= l * a[baseK + j]!;
        }
      }
    }
    return true;
  }

  /** Overwrite `b` with the solution of the last factored system. */
  solve(b: Float64Array): void {
    const { n, kl, ku, width: w, band: a, pivots: piv } = this;
    for (let k = 0; k < n; k++) {
      const p = piv[k]!;
      if (p !== k) {
        const tmp = b[k]!;
        b[k] = b[p]!;
        b[p] = tmp;
      }
      const bk = b[k]!;
      if (bk !== 0) {
        const iEnd = Math.min(n - 1, k + kl);
        for (let i = k + 1; i <= iEnd; i++) b[i]! -= a[i * w - i + kl + k]! * bk;
      }
    }
    for (let k = n - 1; k >= 0; k--) {
      const baseK = k * w - k + kl;
      const jEnd = Math.min(n - 1, k + ku + kl);
      let s = b[k]!;
      for (let j = k + 1; j <= jEnd; j++) s -= a[baseK + j]! * b[j]!;
      b[k] = s / a[baseK + k]!;
    }
  }
}

/** Complex counterpart of `BandedLU` on split real/imaginary band stores. */
export class ComplexBandedLU extends BandLayout {
  readonly re: Float64Array;
  readonly im: Float64Array;

  constructor(n: number, kl: number, ku: number) {
    super('ComplexBandedLU', n, kl, ku);
    this.re = new Float64Array(n * this.width);
    this.im = new Float64Array(n * this.width);
  }

  clear(): void {
    this.re.fill(0);
    this.im.fill(0);
  }

  factor(): boolean {
    const { n, kl, ku, width: w, re, im, pivots: piv } = this;
    for (let k = 0; k < n; k++) {
      const iEnd = Math.min(n - 1, k + kl);
      const jEnd = Math.min(n - 1, k + ku + kl);
      let p = k;
      let pmax = Math.abs(re[k * w + kl]!) + Math.abs(im[k * w + kl]!);
      for (let i = k + 1; i <= iEnd; i++) {
        const o = i * w + (k - i + kl);
        const v = Math.abs(re[o]!) + Math.abs(im[o]!);
        if (v > pmax) {
          pmax = v;
          p = i;
        }
      }
      piv[k] = p;
      if (!(pmax > 0) || pmax === Number.POSITIVE_INFINITY) return false;
      const baseK = k * w - k + kl;
      if (p !== k) {
        const baseP = p * w - p + kl;
        for (let j = k; j <= jEnd; j++) {
          let tmp = re[baseK + j]!;
          re[baseK + j] = re[baseP + j]!;
          re[baseP + j] = tmp;
          tmp = im[baseK + j]!;
          im[baseK + j] = im[baseP + j]!;
          im[baseP + j] = tmp;
        }
      }
      const pr = re[baseK + k]!;
      const pi = im[baseK + k]!;
      const den = pr * pr + pi * pi;
      const invR = pr / den;
      const invI = -pi / den;
      for (let i = k + 1; i <= iEnd; i++) {
        const baseI = i * w - i + kl;
        const ar = re[baseI + k]!;
        const ai = im[baseI + k]!;
        const lr = ar * invR - ai * invI;
        const li = ar * invI + ai * invR;
        re[baseI + k] = lr;
        im[baseI + k] = li;
        if (lr !== 0 || li !== 0) {
          for (let j = k + 1; j <= jEnd; j++) {
            const ur = re[baseK + j]!;
            const ui = im[baseK + j]!;
            re[baseI + j]! -= lr * ur - li * ui;
            im[baseI + j]! -= lr * ui + li * ur;
          }
        }
      }
    }
    return true;
  }

  solve(br: Float64Array, bi: Float64Array): void {
    const { n, kl, ku, width: w, re, im, pivots: piv } = this;
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
      const xr = br[k]!;
      const xi = bi[k]!;
      if (xr !== 0 || xi !== 0) {
        const iEnd = Math.min(n - 1, k + kl);
        for (let i = k + 1; i <= iEnd; i++) {
          const o = i * w - i + kl + k;
          const lr = re[o]!;
          const li = im[o]!;
          br[i]! -= lr * xr - li * xi;
          bi[i]! -= lr * xi + li * xr;
        }
      }
    }
    for (let k = n - 1; k >= 0; k--) {
      const baseK = k * w - k + kl;
      const jEnd = Math.min(n - 1, k + ku + kl);
      let sr = br[k]!;
      let si = bi[k]!;
      for (let j = k + 1; j <= jEnd; j++) {
        const ur = re[baseK + j]!;
        const ui = im[baseK + j]!;
        const xr = br[j]!;
        const xi = bi[j]!;
        sr -= ur * xr - ui * xi;
        si -= ur * xi + ui * xr;
      }
      const dr = re[baseK + k]!;
      const di = im[baseK + k]!;
      const den = dr * dr + di * di;
      br[k] = (sr * dr + si * di) / den;
      bi[k] = (si * dr - sr * di) / den;
    }
  }
}
