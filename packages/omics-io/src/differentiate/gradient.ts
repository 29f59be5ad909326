/**
 * dy/dt of samples at times t (any spacing): second-order central differences inside, one-sided
 * first-order differences at the ends, with numpy.gradient's coefficients (edge_order=1).
 */
export function gradient(
  y: ArrayLike<number>,
  t: ArrayLike<number>,
  out = new Float64Array(y.length),
): Float64Array {
  const n = y.length;
  if (t.length !== n) throw new RangeError(`omics-io: gradient: y has ${n} samples but t has ${t.length}`);
  if (n < 2) throw new RangeError(`omics-io: gradient needs at least 2 samples, got ${n}`);
  if (out.length !== n)
    throw new RangeError(`omics-io: gradient out has length ${out.length}, expected ${n}`);
  for (let i = 1; i < n; i++) {
    if (!(t[i]! > t[i - 1]!))
      throw new RangeError(`omics-io: gradient: t must be strictly increasing (t[${i}] = ${t[i]})`);
  }
  for (let i = 1; i < n - 1; i++) {
    const dx1 = t[i]! - t[i - 1]!;
    const dx2 = t[i + 1]! - t[i]!;
    const a = -dx2 / (dx1 * (dx1 + dx2));
    const b = (dx2 - dx1) / (dx1 * dx2);
    const c = dx1 / (dx2 * (dx1 + dx2));
    out[i] = a * y[i - 1]! + b * y[i]! + c * y[i + 1]!;
  }
  out[0] = (y[1]! - y[0]!) / (t[1]! - t[0]!);
  out[n - 1] = (y[n - 1]! - y[n - 2]!) / (t[n - 1]! - t[n - 2]!);
  return out;
}
