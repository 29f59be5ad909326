import { integerColumns, integerRref, transpose } from '../exact/integer-matrix';

/**
 * A conservation-reduced coordinate system (Reder 1988; Sauro & Ingalls 2004): the state x splits into
 * independent species x_I (linearly independent rows of S) and dependent species
 * x_D = T + L_D·x_I fixed by the conserved totals T. With S = L·S_I, the reduced field
 * dx_I/dt = S_I·r(x) has a Jacobian that is non-singular at a regular steady state, where the full
 * Jacobian S·∂r/∂x is singular whenever a conservation law exists.
 */
export interface ReducedSystem {
  /** Number of species in the full system. */
  readonly nFull: number;
  /** Rank of S = number of independent species. */
  readonly nReduced: number;
  /** Indices (into the full state) of the independent species, increasing. */
  readonly independent: number[];
  /** Indices of the dependent species, increasing. */
  readonly dependent: number[];
  /** Link matrix L (nFull × nReduced, row-major arrays): x − x* = L·(x_I − x_I*), S = L·S_I. */
  readonly L: number[][];
  /**
   * Conservation laws in solved form, one per dependent species d (same order as `dependent`):
   * x_d − Σ_k L[d][k]·x_I[k] = totals[d]. Rows have 1 at d and 0 at every other dependent species.
   */
  readonly W: number[][];
  /** The conserved totals, computed from x0. */
  readonly totals: Float64Array;
  /** Full state from reduced coordinates (writes every entry of `out`, length nFull). */
  toFull(xi: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Reduced coordinates from a full state (`out` of length nReduced). */
  toReduced(x: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Recompute the totals from a new full state (same network, new initial condition). */
  setTotals(x0: ArrayLike<number>): void;
}

/** Build the reduced system of a stoichiometric matrix S (species × reactions) around the totals of x0. */
export function reduceSystem(S: readonly (readonly number[])[], x0: ArrayLike<number>): ReducedSystem {
  const m = S.length;
  if (x0.length !== m) {
    throw new RangeError(`reduceSystem: x0 has length ${x0.length}, S has ${m} species`);
  }
  const N = integerColumns(S, 'reduceSystem: S');
  const r = m === 0 ? 0 : N[0]!.length;
  // Columns of Sᵀ are species; the pivot columns are a maximal independent set of rows of S, and the
  // RREF expresses every other column as a combination of them, which is exactly the link matrix.
  const { rows, pivotColumns: independent, freeColumns: dependent } = integerRref(transpose(N, r), m);
  const L = identityRows(m, independent);
  for (const d of dependent) {
    for (let k = 0; k < independent.length; k++) {
      const row = rows[k]!;
      L[d]![k] = Number(row[d]!) / Number(row[independent[k]!]!);
    }
  }
  return assemble(m, independent, dependent, L, x0);
}

/**
 * Build the reduced system from conservation laws W (one law per row, W·S = 0, linearly independent)
 * instead of S: each law solves for one dependent species (its RREF pivot).
 */
export function reduceByConservationLaws(
  W: readonly (readonly number[])[],
  x0: ArrayLike<number>,
): ReducedSystem {
  const q = W.length;
  const m = x0.length;
  W.forEach((w, k) => {
    if (w.length !== m)
      throw new RangeError(`reduceByConservationLaws: W row ${k} has ${w.length} entries, x0 has ${m}`);
  });
  // Scaling rows (not columns) of W to integers keeps the laws the same.
  const Wi = q === 0 ? [] : transpose(integerColumns(transpose(W, m), 'reduceByConservationLaws: W'), q);
  const { rows, pivotColumns: dependent, freeColumns: independent } = integerRref(Wi, m);
  if (dependent.length !== q) {
    throw new RangeError(
      `reduceByConservationLaws: the ${q} rows of W span only ${dependent.length} dimensions`,
    );
  }
  const L = identityRows(m, independent);
  dependent.forEach((d, k) => {
    const row = rows[k]!;
    const p = Number(row[d]!);
    independent.forEach((f, j) => {
      L[d]![j] = -Number(row[f]!) / p;
    });
  });
  return assemble(m, independent, dependent, L, x0);
}

function identityRows(m: number, independent: readonly number[]): number[][] {
  const L: number[][] = [];
  for (let i = 0; i < m; i++) L.push(new Array<number>(independent.length).fill(0));
  independent.forEach((i, k) => {
    L[i]![k] = 1;
  });
  return L;
}

function assemble(
  m: number,
  independent: number[],
  dependent: number[],
  L: number[][],
  x0: ArrayLike<number>,
): ReducedSystem {
  const nReduced = independent.length;
  const W = dependent.map((d) => {
    const w = new Array<number>(m).fill(0);
    w[d] = 1;
    for (let k = 0; k < nReduced; k++) w[independent[k]!] = -L[d]![k]!;
    return w;
  });
  const totals = new Float64Array(dependent.length);
  const Lflat = dependent.map((d) => Float64Array.from(L[d]!));
  const setTotals = (x: ArrayLike<number>): void => {
    for (let q = 0; q < dependent.length; q++) {
      const w = W[q]!;
      let s = 0;
      for (let i = 0; i < m; i++) s += w[i]! * x[i]!;
      totals[q] = s;
    }
  };
  setTotals(x0);
  return {
    nFull: m,
    nReduced,
    independent,
    dependent,
    L,
    W,
    totals,
    setTotals,
    toFull(xi, out) {
      for (let k = 0; k < nReduced; k++) out[independent[k]!] = xi[k]!;
      for (let q = 0; q < dependent.length; q++) {
        const l = Lflat[q]!;
        let s = totals[q]!;
        for (let k = 0; k < nReduced; k++) s += l[k]! * xi[k]!;
        out[dependent[q]!] = s;
      }
      return out;
    },
    toReduced(x, out) {
      for (let k = 0; k < nReduced; k++) out[k] = x[independent[k]!]!;
      return out;
    },
  };
}
