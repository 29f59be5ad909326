import { gcd, normalizeRow } from '../exact/integer-matrix';

/**
 * Minimal semi-positive conservation laws (extreme rays of {w ≥ 0 : w·N = 0}), by the
 * Schuster–Höfer elementary-mode style tableau algorithm (Schuster & Höfer 1991,
 * J. Chem. Soc. Faraday Trans. 87:2561). Returns null when the tableau outgrows `maxRows`:
 * the caller then falls back to a mixed-sign basis instead of hanging on a combinatorial blow-up.
 */
export function semiPositiveLaws(N: readonly (readonly bigint[])[], maxRows = 4096): bigint[][] | null {
  const m = N.length;
  if (m === 0) return [];
  const r = N[0]!.length;
  // Tableau rows: [reaction part (r) | species part (m)].
  let rows: bigint[][] = N.map((row, i) => {
    const t = row.slice();
    for (let k = 0; k < m; k++) t.push(k === i ? 1n : 0n);
    return t;
  });
  for (let j = 0; j < r; j++) {
    const zero: bigint[][] = [];
    const pos: bigint[][] = [];
    const neg: bigint[][] = [];
    for (const row of rows) {
      const v = row[j]!;
      (v === 0n ? zero : v > 0n ? pos : neg).push(row);
    }
    const next = zero.slice();
    const candidates: bigint[][] = [];
    for (const p of pos) {
      for (const q of neg) {
        const a = -q[j]!;
        const b = p[j]!;
        const g = gcd(a, b);
        const row = p.map((v, k) => (a / g) * v + (b / g) * q[k]!);
        candidates.push(row);
      }
    }
    // Keep a combination only if no other row's species support lies strictly inside its own:
    // that is exactly the condition for it to be an extreme ray.
    const pool = next.concat(candidates).map((row) => speciesSupport(row, r));
    const nZero = zero.length;
    const kept = new Set<string>(pool.slice(0, nZero).map((s) => [...s].join(',')));
    for (let c = 0; c < candidates.length; c++) {
      const support = pool[nZero + c]!;
      const key = [...support].join(',');
      if (kept.has(key)) continue;
      let minimal = true;
      for (const other of pool) {
        if (other.size < support.size && isSubset(other, support)) {
          minimal = false;
          break;
        }
      }
      if (minimal) {
        kept.add(key);
        next.push(normalizeRow(candidates[c]!));
      }
    }
    if (next.length > maxRows) return null;
    rows = next;
  }
  return rows.map((row) => row.slice(r));
}

function speciesSupport(row: readonly bigint[], offset: number): Set<number> {
  const s = new Set<number>();
  for (let k = offset; k < row.length; k++) if (row[k] !== 0n) s.add(k - offset);
  return s;
}

function isSubset(a: Set<number>, b: Set<number>): boolean {
  for (const v of a) if (!b.has(v)) return false;
  return true;
}
