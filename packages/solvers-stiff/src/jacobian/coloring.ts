import type { SparsityPattern } from '../linalg/sparsity-pattern';

/**
 * Curtis–Powell–Reid column grouping (Curtis, Powell & Reid 1974): columns that share no row can
 * be perturbed together, so one evaluation of f yields all of them. Greedy colouring of the
 * column-intersection graph; returns `color[j]` and the number of groups.
 */
export function groupColumns(pattern: SparsityPattern): { color: Int32Array; ngroups: number } {
  const n = pattern.n;
  const { rowPtr, colIdx } = pattern;
  const { colPtr, rowIdx } = transposeStructure(pattern);
  const color = new Int32Array(n).fill(-1);
  // stamp[c] === j + 1 marks colour c as taken by a neighbour of column j.
  const stamp = new Int32Array(n + 1);
  let ngroups = 0;
  for (let j = 0; j < n; j++) {
    for (let p = colPtr[j]!; p < colPtr[j + 1]!; p++) {
      const i = rowIdx[p]!;
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
        const c = color[colIdx[k]!]!;
        if (c >= 0) stamp[c] = j + 1;
      }
    }
    let c = 0;
    while (stamp[c] === j + 1) c++;
    color[j] = c;
    if (c + 1 > ngroups) ngroups = c + 1;
  }
  return { color, ngroups };
}

/** Column-wise view of the pattern: rows of column j are `rowIdx[colPtr[j] … colPtr[j+1]-1]`, with `csrIndex` back into the CSR order. */
export function transposeStructure(pattern: SparsityPattern): {
  colPtr: Int32Array;
  rowIdx: Int32Array;
  csrIndex: Int32Array;
} {
  const n = pattern.n;
  const { rowPtr, colIdx } = pattern;
  const nnz = colIdx.length;
  const colPtr = new Int32Array(n + 1);
  for (let k = 0; k < nnz; k++) colPtr[colIdx[k]! + 1]!++;
  for (let j = 0; j < n; j++) colPtr[j + 1]! += colPtr[j];
  const next = colPtr.slice(0, n);
  const rowIdx = new Int32Array(nnz);
  const csrIndex = new Int32Array(nnz);
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
      const p = next[colIdx[k]!]!++;
      rowIdx[p] = i;
      csrIndex[p] = k;
    }
  }
  return { colPtr, rowIdx, csrIndex };
}
