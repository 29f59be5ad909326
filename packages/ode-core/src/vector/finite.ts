/** True when every entry of `y` is a finite number (no NaN, no ±Infinity). */
export function isFiniteVector(y: ArrayLike<number>): boolean {
  for (let i = 0; i < y.length; i++) {
    // `x - x` is NaN exactly for NaN and ±Infinity, and avoids a call per entry.
    const x = y[i]!;
    if (x - x !== 0) return false;
  }
  return true;
}
