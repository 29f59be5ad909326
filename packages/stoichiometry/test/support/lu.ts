/** Dense LU with partial pivoting (test support). Returns false when a pivot is (numerically) zero. */
export function luFactor(A: Float64Array, n: number, piv: Int32Array, tiny = 1e-13): boolean {
  let scale = 0;
  for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(A[k]!));
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(A[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(A[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > tiny * scale)) return false;
    piv[k] = p;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = A[k * n + j]!;
        A[k * n + j] = A[p * n + j]!;
        A[p * n + j] = t;
      }
    }
    const d = A[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const l = (A[i * n + k]! /= d);
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) A[i * n + j]! -= l * A[k * n + j]!;
    }
  }
  return true;
}

/** Solve LU·x = b in place in b. */
export function luSolve(A: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k]!;
    if (p !== k) {
      const t = b[k]!;
      b[k] = b[p]!;
      b[p] = t;
    }
    for (let i = k + 1; i < n; i++) b[i]! -= A[i * n + k]! * b[k]!;
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k]!;
    for (let j = k + 1; j < n; j++) s -= A[k * n + j]! * b[j]!;
    b[k] = s / A[k * n + k]!;
  }
}
