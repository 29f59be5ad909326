/**
 * Modified Gram–Schmidt QR of the k column vectors of a row-major n×k matrix, in place: Q
 * replaces the columns and r[j] receives the diagonal R_jj (the stretch of vector j after the
 * previous ones are projected out), which is what Benettin's algorithm accumulates.
 */
export function orthonormalizeColumns(q: Float64Array, n: number, k: number, r: Float64Array): void {
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let a = 0; a < n; a++) dot += q[a * k + i]! * q[a * k + j]!;
      for (let a = 0; a < n; a++) q[a * k + j]! -= dot * q[a * k + i]!;
    }
    let norm = 0;
    for (let a = 0; a < n; a++) norm += q[a * k + j]! * q[a * k + j]!;
    norm = Math.sqrt(norm);
    r[j] = norm;
    const inv = 1 / norm;
    for (let a = 0; a < n; a++) q[a * k + j]! *= inv;
  }
}
