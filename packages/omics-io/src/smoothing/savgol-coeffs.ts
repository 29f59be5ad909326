import { minNormSolve } from '../linalg/min-norm-solve';

export interface SavgolCoeffsOptions {
  /** Order of the derivative to estimate (default 0: the smoothed value). */
  deriv?: number;
  /** Sample spacing, for derivatives (default 1). */
  delta?: number;
  /** Position in the window where the estimate is made (default the centre). */
  pos?: number;
  /** 'conv' (default) gives convolution weights (reversed), 'dot' weights for a dot product with the window. */
  use?: 'conv' | 'dot';
}

/**
 * Savitzky–Golay weights (Savitzky & Golay 1964, Anal. Chem. 36:1627): the least-squares
 * polynomial of degree `order` through `window` equally spaced samples, differentiated `deriv`
 * times and evaluated at `pos`, as one linear combination of the samples. Same definition as
 * scipy.signal.savgol_coeffs (odd windows).
 */
export function savgolCoeffs(window: number, order: number, options: SavgolCoeffsOptions = {}): Float64Array {
  const deriv = options.deriv ?? 0;
  const delta = options.delta ?? 1;
  checkSavgolArgs(window, order, deriv, delta);
  const pos = options.pos ?? (window - 1) / 2;
  if (!Number.isInteger(pos) || pos < 0 || pos >= window) {
    throw new RangeError(`omics-io: savgol pos must be an integer in [0, ${window - 1}], got ${pos}`);
  }
  const use = options.use ?? 'conv';
  if (use !== 'conv' && use !== 'dot')
    throw new TypeError(`omics-io: savgol use must be 'conv' or 'dot', got ${JSON.stringify(use)}`);
  if (deriv > order) return new Float64Array(window);
  // A basis centred on the window and scaled into [-1, 1] keeps the Vandermonde matrix well
  // conditioned wherever the estimate is made; the right-hand side is then the derivative of
  // each basis function at pos.
  const half = (window - 1) / 2 || 1;
  const p = order + 1;
  const M = new Float64Array(window * p);
  for (let j = 0; j < window; j++) {
    const u = (j - (window - 1) / 2) / half;
    let power = 1;
    for (let i = 0; i < p; i++) {
      M[j * p + i] = power;
      power *= u;
    }
  }
  const at = (pos - (window - 1) / 2) / half;
  const b = new Float64Array(p);
  const chain = (delta * half) ** deriv;
  for (let i = deriv; i < p; i++) b[i] = (fallingFactorial(i, deriv) * at ** (i - deriv)) / chain;
  const c = minNormSolve(M, window, p, b);
  return use === 'conv' ? c.reverse() : c;
}

export function checkSavgolArgs(window: number, order: number, deriv: number, delta: number): void {
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) {
    throw new RangeError(`omics-io: savgol window must be a positive odd integer, got ${window}`);
  }
  if (!Number.isInteger(order) || order < 0 || order >= window) {
    throw new RangeError(
      `omics-io: savgol order must be an integer in [0, window - 1 = ${window - 1}], got ${order}`,
    );
  }
  if (!Number.isInteger(deriv) || deriv < 0) {
    throw new RangeError(`omics-io: savgol deriv must be a non-negative integer, got ${deriv}`);
  }
  if (!(Number.isFinite(delta) && delta > 0)) {
    throw new RangeError(`omics-io: savgol delta (sample spacing) must be finite and > 0, got ${delta}`);
  }
}

/** i·(i−1)·…·(i−k+1): the k-th derivative of uⁱ is that times u^(i−k). */
function fallingFactorial(i: number, k: number): number {
  let f = 1;
  for (let m = 0; m < k; m++) f *= i - m;
  return f;
}
