import type { SparsityPattern } from './sparsity-pattern';

/**
 * Minimum degree ordering of the symmetrised pattern (Tinney–Walker scheme 2; George & Liu 1989,
 * "The evolution of the minimum degree ordering algorithm", SIAM Review 31): repeatedly eliminate
 * a node of least degree in the elimination graph, joining its neighbours into a clique. Plain
 * sets instead of quotient graphs: fine for the networks of a few thousand species met here.
 * Hubs (a cofactor touching every reaction) are eliminated last, so they cause no fill early on.
 * Returns the elimination order: order[k] = the node eliminated at step k.
 */
export function minimumDegreeOrder(pattern: SparsityPattern): Int32Array {
  const n = pattern.n;
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const { rowPtr, colIdx } = pattern;
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
      const j = colIdx[k]!;
      if (j !== i) {
        adj[i]!.add(j);
        adj[j]!.add(i);
      }
    }
  }
  const heap = new DegreeHeap();
  for (let i = 0; i < n; i++) heap.push(adj[i]!.size, i);
  const eliminated = new Uint8Array(n);
  const order = new Int32Array(n);
  let k = 0;
  while (k < n) {
    const [deg, v] = heap.pop();
    // Entries are never updated in place; a stale one has an out-of-date degree.
    if (eliminated[v] || deg !== adj[v]!.size) continue;
    eliminated[v] = 1;
    order[k++] = v;
    const nbrs = [...adj[v]!];
    for (const u of nbrs) adj[u]!.delete(v);
    for (const u of nbrs) {
      const au = adj[u]!;
      for (const w of nbrs) if (w !== u) au.add(w);
      heap.push(au.size, u);
    }
    adj[v]!.clear();
  }
  return order;
}

/** Binary min-heap of (degree, node) pairs, ties broken by node index for determinism. */
class DegreeHeap {
  private readonly deg: number[] = [];
  private readonly node: number[] = [];

  push(d: number, v: number): void {
    const deg = this.deg;
    const node = this.node;
    let i = deg.length;
    deg.push(d);
    node.push(v);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (less(deg[parent]!, node[parent]!, d, v)) break;
      deg[i] = deg[parent]!;
      node[i] = node[parent]!;
      i = parent;
    }
    deg[i] = d;
    node[i] = v;
  }

  pop(): [number, number] {
    const deg = this.deg;
    const node = this.node;
    const top: [number, number] = [deg[0]!, node[0]!];
    const lastD = deg.pop()!;
    const lastV = node.pop()!;
    const size = deg.length;
    if (size > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && less(deg[r]!, node[r]!, deg[l]!, node[l]!) ? r : l;
        if (less(lastD, lastV, deg[c]!, node[c]!)) break;
        deg[i] = deg[c]!;
        node[i] = node[c]!;
        i = c;
      }
      deg[i] = lastD;
      node[i] = lastV;
    }
    return top;
  }
}

function less(d1: number, v1: number, d2: number, v2: number): boolean {
  return d1 < d2 || (d1 === d2 && v1 < v2);
}
