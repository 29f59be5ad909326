/** Mean and sample standard deviation (two-pass) of the first m entries; NaN where undefined. */
export function meanAndSd(x: ArrayLike<number>, m: number): { mean: number; sd: number } {
  if (m === 0) return { mean: Number.NaN, sd: Number.NaN };
  let sum = -0; // the identity of addition, so a single −0 stays −0
  for (let i = 0; i < m; i++) sum += x[i]!;
  const mean = sum / m;
  if (m < 2) return { mean, sd: Number.NaN };
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (x[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (m - 1)) };
}
