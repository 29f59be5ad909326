/** Central finite differences of a scalar function of x (test support). */
export function centralGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  rel = 1e-6,
): Float64Array {
  const xp = Float64Array.from(x);
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const h = rel * Math.max(1, Math.abs(x[i]!));
    xp[i] = x[i]! + h;
    const fp = f(xp);
    xp[i] = x[i]! - h;
    const fm = f(xp);
    xp[i] = x[i]!;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Expect |a − b| ≤ tol·max(1, |b|) entrywise, with a message naming the entry. */
export function closeTo(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  for (let i = 0; i < b.length; i++) {
    const err = Math.abs(a[i]! - b[i]!);
    if (!(err <= tol * Math.max(1, Math.abs(b[i]!)))) {
      throw new Error(`${what}[${i}]: ${a[i]} vs ${b[i]} (error ${err})`);
    }
  }
}
