import { Matrix } from 'ml-matrix';

/**
 * Compressed sparse column form of S (species × reactions): column j holds the species that
 * reaction j changes. Networks touch few species per reaction, so S·r and Sᵀ·v cost O(nnz).
 */
export interface SparseStoichiometry {
  nSpecies: number;
  nReactions: number;
  /** colPtr[j]..colPtr[j+1] index the entries of reaction j. */
  colPtr: Int32Array;
  rowIndex: Int32Array;
  values: Float64Array;
}

/** Build the sparse form of S, checking that it is rectangular and finite. */
export function sparseStoichiometry(S: readonly (readonly number[])[]): SparseStoichiometry {
  const m = S.length;
  const r = m === 0 ? 0 : S[0]!.length;
  const colPtr = new Int32Array(r + 1);
  const rows: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < m; i++) {
    if (S[i]!.length !== r) throw new RangeError(`S: row ${i} has ${S[i]!.length} entries, expected ${r}`);
  }
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < m; i++) {
      const v = S[i]![j]!;
      if (!Number.isFinite(v)) throw new RangeError(`S[${i}][${j}] is not finite (${v})`);
      if (v !== 0) {
        rows.push(i);
        vals.push(v);
      }
    }
    colPtr[j + 1] = rows.length;
  }
  return {
    nSpecies: m,
    nReactions: r,
    colPtr,
    rowIndex: Int32Array.from(rows),
    values: Float64Array.from(vals),
  };
}

/** out = S·r (length nSpecies). */
export function multiplyS(S: SparseStoichiometry, r: ArrayLike<number>, out: Float64Array): Float64Array {
  out.fill(0, 0, S.nSpecies);
  for (let j = 0; j < S.nReactions; j++) {
    const rj = r[j]!;
    if (rj === 0) continue;
    for (let p = S.colPtr[j]!; p < S.colPtr[j + 1]!; p++) out[S.rowIndex[p]!]! += S.values[p]! * rj;
  }
  return out;
}

/** out = Sᵀ·v (length nReactions). */
export function multiplySTranspose(
  S: SparseStoichiometry,
  v: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  for (let j = 0; j < S.nReactions; j++) {
    let s = 0;
    for (let p = S.colPtr[j]!; p < S.colPtr[j + 1]!; p++) s += S.values[p]! * v[S.rowIndex[p]!]!;
    out[j] = s;
  }
  return out;
}

/** S as an ml-matrix `Matrix`, for users who want dense linear algebra on it. */
export function stoichiometryMatrix(S: readonly (readonly number[])[]): Matrix {
  return new Matrix(S.map((row) => row.slice()));
}
