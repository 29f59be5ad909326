import { expect } from 'vitest';

/** Largest |a − b| / max(1, |b|) over two arrays, treating null/NaN as equal only to each other. */
export function maxRelError(actual: ArrayLike<number>, expected: readonly (number | null)[]): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const b = expected[i];
    const a = actual[i]!;
    if (b === null || b === undefined) {
      if (!Number.isNaN(a)) return Number.POSITIVE_INFINITY;
      continue;
    }
    worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
  }
  return worst;
}
