/**
 * Minimum-norm solution c of the underdetermined system Mᵀc = b, where M is w×p (w ≥ p) with full
 * column rank, stored row-major. Householder QR of M = QR gives c = Q·[R⁻ᵀb; 0]. Backward
 * stable, so least-squares weights come out accurate where normal equations would lose digits.
 * Overwrites M; returns c (length w).
 */
export function minNormSolve(M: Float64Array, w: number, p: number, b: ArrayLike<number>): Float64Array {
  const v = new Float64Array(w * p);
  const beta = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let norm = 0;
    for (let i = k; i < w; i++) norm = Math.hypot(norm, M[i * p + k]!);
    if (norm === 0) throw new RangeError('omics-io: least-squares matrix is rank deficient');
    const alpha = M[k * p + k]! > 0 ? -norm : norm;
    for (let i = k; i < w; i++) v[i * p + k] = M[i * p + k]!;
    v[k * p + k] = v[k * p + k]! - alpha;
    let vv = 0;
    for (let i = k; i < w; i++) vv += v[i * p + k]! ** 2;
    beta[k] = vv === 0 ? 0 : 2 / vv;
    for (let j = k; j < p; j++) {
      let dot = 0;
      for (let i = k; i < w; i++) dot += v[i * p + k]! * M[i * p + j]!;
      const s = beta[k]! * dot;
      for (let i = k; i < w; i++) M[i * p + j] = M[i * p + j]! - s * v[i * p + k]!;
    }
  }
  // Rᵀz = b by forward substitution (R is the upper p×p block of M now).
  const c = new Float64Array(w);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let j = 0; j < i; j++) s -= M[j * p + i]! * c[j]!;
    c[i] = s / M[i * p + i]!;
  }
  // c = H₀H₁…H_{p−1}·[z; 0], applying the reflectors last to first.
  for (let k = p - 1; k >= 0; k--) {
    let dot = 0;
    for (let i = k; i < w; i++) dot += v[i * p + k]! * c[i]!;
    const s = beta[k]! * dot;
    for (let i = k; i < w; i++) c[i] = c[i]! - s * v[i * p + k]!;
  }
  return c;
}
