/**
 * Conservation laws W·x = c (rows of W are left null vectors of the stoichiometric matrix)
 * confine the dynamics to an affine subspace, and make ∂f/∂y singular. Gauss–Jordan elimination
 * with full pivoting splits the species into m dependent ones and n − m independent ones with
 *   x_dep = c' − L·x_ind,   c' = T·c,
 * so the reduced system in x_ind has a regular Jacobian J_r = J_ii − J_id·L whose eigenvalues are
 * those of J on the invariant subspace. Written here so that diagnostics does not depend on
 * stoichiometry (which offers the same split for networks).
 */

/** The split of species into dependent and independent ones. */
export interface ConservationReduction {
  /** Number of species. */
  n: number;
  /** Number of independent conservation laws (rank of W). */
  m: number;
  /** Indices of the n − m independent species, increasing. */
  independent: Int32Array;
  /** Index of the species solved for from each law. */
  dependent: Int32Array;
  /** Row-major m × (n − m): x_dep[r] = c'[r] − Σ_k L[r,k]·x_ind[k]. */
  L: Float64Array;
  /** The offsets c' for given totals W·x = c (length of W's rows count). */
  offsets(totals: ArrayLike<number>): Float64Array;
  /** Totals c = W·x of a full state. */
  totals(x: ArrayLike<number>): Float64Array;
  /** Full state from independent species and offsets, into `out` (length n). */
  expand(xInd: ArrayLike<number>, offsets: ArrayLike<number>, out: Float64Array): void;
  /** Independent part of a full state, into `out` (length n − m). */
  restrict(x: ArrayLike<number>, out: Float64Array): void;
  /** Reduced Jacobian J_r = J_ii − J_id·L (row-major (n−m)², into `out`) from the full row-major J. */
  reduceJacobian(J: ArrayLike<number>, out: Float64Array): void;
}

/** Split species given the conservation matrix W (rows: laws, columns: species). */
export function conservationReduction(W: ArrayLike<ArrayLike<number>>, n?: number): ConservationReduction {
  const rows = W.length;
  const ns = n ?? (rows > 0 ? W[0]!.length : 0);
  if (!Number.isInteger(ns) || ns < 1)
    throw new RangeError(`conservationReduction: cannot tell the number of species (got ${ns})`);
  const A = new Float64Array(rows * ns);
  let scale = 0;
  for (let i = 0; i < rows; i++) {
    if (W[i]!.length !== ns)
      throw new RangeError(
        `conservationReduction: row ${i} of W has ${W[i]!.length} entries, expected ${ns}`,
      );
    for (let j = 0; j < ns; j++) {
      const v = W[i]![j]!;
      if (!Number.isFinite(v))
        throw new RangeError(`conservationReduction: W[${i}][${j}] is not finite (${v})`);
      A[i * ns + j] = v;
      scale = Math.max(scale, Math.abs(v));
    }
  }
  // T tracks the row operations so totals can be carried along: A_final = T·W.
  const T = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) T[i * rows + i] = 1;
  const isPivot = new Uint8Array(ns);
  const pivots: number[] = [];
  for (let r = 0; r < rows; r++) {
    let bi = -1;
    let bj = -1;
    let best = 1e-12 * scale;
    for (let i = r; i < rows; i++) {
      for (let j = 0; j < ns; j++) {
        if (!isPivot[j] && Math.abs(A[i * ns + j]!) > best) {
          best = Math.abs(A[i * ns + j]!);
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0) break;
    swapRows(A, ns, r, bi);
    swapRows(T, rows, r, bi);
    const inv = 1 / A[r * ns + bj]!;
    for (let j = 0; j < ns; j++) A[r * ns + j]! *= inv;
    for (let j = 0; j < rows; j++) T[r * rows + j]! *= inv;
    for (let i = 0; i < rows; i++) {
      const fct = A[i * ns + bj]!;
      if (i === r || fct === 0) continue;
      for (let j = 0; j < ns; j++) A[i * ns + j]! -= fct * A[r * ns + j]!;
      for (let j = 0; j < rows; j++) T[i * rows + j]! -= fct * T[r * rows + j]!;
    }
    isPivot[bj] = 1;
    pivots.push(bj);
  }
  const m = pivots.length;
  const independent = Int32Array.from({ length: ns }, (_, j) => j).filter((j) => !isPivot[j]);
  const dependent = Int32Array.from(pivots);
  const ni = ns - m;
  const L = new Float64Array(m * ni);
  for (let r = 0; r < m; r++) for (let k = 0; k < ni; k++) L[r * ni + k] = A[r * ns + independent[k]!]!;

  return {
    n: ns,
    m,
    independent,
    dependent,
    L,
    offsets(totals) {
      if (totals.length !== rows)
        throw new RangeError(`conservationReduction: expected ${rows} totals, got ${totals.length}`);
      const c = new Float64Array(m);
      for (let r = 0; r < m; r++) {
        let s = 0;
        for (let j = 0; j < rows; j++) s += T[r * rows + j]! * totals[j]!;
        c[r] = s;
      }
      return c;
    },
    totals(x) {
      const c = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let j = 0; j < ns; j++) s += W[i]![j]! * x[j]!;
        c[i] = s;
      }
      return c;
    },
    expand(xInd, offsets, out) {
      for (let k = 0; k < ni; k++) out[independent[k]!] = xInd[k]!;
      for (let r = 0; r < m; r++) {
        let s = offsets[r]!;
        for (let k = 0; k < ni; k++) s -= L[r * ni + k]! * xInd[k]!;
        out[dependent[r]!] = s;
      }
    },
    restrict(x, out) {
      for (let k = 0; k < ni; k++) out[k] = x[independent[k]!]!;
    },
    reduceJacobian(J, out) {
      for (let a = 0; a < ni; a++) {
        const ia = independent[a]!;
        for (let b = 0; b < ni; b++) {
          let s = J[ia * ns + independent[b]!]!;
          for (let r = 0; r < m; r++) s -= J[ia * ns + dependent[r]!]! * L[r * ni + b]!;
          out[a * ni + b] = s;
        }
      }
    },
  };
}

function swapRows(a: Float64Array, cols: number, i: number, j: number): void {
  if (i === j) return;
  for (let k = 0; k < cols; k++) {
    const tmp = a[i * cols + k]!;
    a[i * cols + k] = a[j * cols + k]!;
    a[j * cols + k] = tmp;
  }
}
