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
  return Math.sqrt(scaledSquares(err, yOld, yNew, atol, rtol) / err.length);
}

/**
 * Σ_i (v_i / (atol_i + rtol·max(|yOld_i|, |yNew_i|)))², the sum behind every scaled norm of the
 * explicit loop: the error norm above, DOP853's combined estimate and the starting-step estimate.
 */
export function scaledSquares(
  v: Float64Array,
  yOld: Float64Array,
  yNew: Float64Array,
  atol: Float64Array,
  rtol: number,
): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const r = v[i]! / (atol[i]! + rtol * Math.max(Math.abs(yOld[i]!), Math.abs(yNew[i]!)));
    sum += r * r;
  }
  return sum;
}
