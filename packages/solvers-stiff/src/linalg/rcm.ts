import type { SparsityPattern } from './sparsity-pattern';

/**
 * Reverse Cuthill–McKee ordering of the symmetrised pattern (George & Liu 1981, ch. 4).
 * Returns `perm` with `perm[newIndex] = oldIndex`. Each connected component is numbered
 * contiguously, so a block-diagonal system keeps the bandwidth of its largest block whatever
 * the number of blocks: that is what makes the band solver linear in their count.
 */
export function reverseCuthillMcKee(pattern: SparsityPattern): Int32Array {
  const n = pattern.n;
  const adj = symmetricAdjacency(pattern);
  const degree = new Int32Array(n);
  for (let i = 0; i < n; i++) degree[i] = adj[i]!.length;
  for (let i = 0; i < n; i++) adj[i]!.sort((a, b) => degree[a]! - degree[b]! || a - b);

  const byDegree = Array.from({ length: n }, (_, i) => i).sort((a, b) => degree[a]! - degree[b]! || a - b);
  const order = new Int32Array(n);
  const visited = new Uint8Array(n);
  const level = new Int32Array(n).fill(-1);
  let tail = 0;
  for (const start of byDegree) {
    if (visited[start]) continue;
    const root = pseudoPeripheral(start, adj, level);
    visited[root] = 1;
    let head = tail;
    order[tail++] = root;
    while (head < tail) {
      const v = order[head++]!;
      for (const w of adj[v]!) {
        if (!visited[w]) {
          visited[w] = 1;
          order[tail++] = w;
        }
      }
    }
  }
  return order.reverse();
}

function symmetricAdjacency(pattern: SparsityPattern): number[][] {
  const n = pattern.n;
  const sets: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const { rowPtr, colIdx } = pattern;
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
      const j = colIdx[k]!;
      if (j !== i) {
        sets[i]!.add(j);
        sets[j]!.add(i);
      }
    }
  }
  return sets.map((s) => [...s]);
}

/**
 * George–Liu pseudo-peripheral node search: repeat BFS from the far end while eccentricity grows.
 * `level` is all −1 on entry and is restored on exit, so the cost is that of the component.
 */
function pseudoPeripheral(start: number, adj: number[][], level: Int32Array): number {
  let root = start;
  let ecc = -1;
  for (let iter = 0; iter < 8; iter++) {
    level[root] = 0;
    const queue = [root];
    let far = root;
    for (let h = 0; h < queue.length; h++) {
      const v = queue[h]!;
      for (const w of adj[v]!) {
        if (level[w] === -1) {
          level[w] = level[v]! + 1;
          queue.push(w);
          if (level[w]! > level[far]! || (level[w] === level[far] && adj[w]!.length < adj[far]!.length))
            far = w;
        }
      }
    }
    const farLevel = level[far]!;
    for (const v of queue) level[v] = -1;
    if (farLevel <= ecc) break;
    ecc = farLevel;
    root = far;
  }
  return root;
}
