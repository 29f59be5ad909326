/**
 * Scaled RMS norm of a local error estimate (Hairer–Nørsett–Wanner I, II.4, eq. 4.11):
 * sqrt(mean_i (err_i / (atol_i + rtol·max(|yOld_i|, |yNew_i|)))²). A step is accepted when it is ≤ 1.
 */
export function scaledErrorNorm(
  err: Float64Array,
  yOld: Float64Array,
  yNew: Float64Array,
  atol: Float64Array,
  rtol: number,
): number {
  const n = err.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const scale = atol[i]! + rtol * Math.max(Math.abs(yOld[i]!), Math.abs(yNew[i]!));
    const r = err[i]! / scale;
    sum += r * r;
  }
  return Math.sqrt(sum / n);
}
