import type { SparsityPattern } from '../../src/linalg/sparsity-pattern';

/** A seeded linear congruential generator of uniform numbers in [−1, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** The dense row-major matrix whose nonzeros are `vals` at the positions of `p`. */
export function denseFromPattern(p: SparsityPattern, vals: Float64Array): Float64Array {
  const n = p.n;
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = p.rowPtr[i]!; k < p.rowPtr[i + 1]!; k++) J[i * n + p.colIdx[k]!] = vals[k]!;
  return J;
}
