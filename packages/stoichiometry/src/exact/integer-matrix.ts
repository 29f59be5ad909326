/**
 * Exact integer linear algebra on BigInt, the ground truth for rank and conservation laws:
 * floating-point rank decisions on stoichiometric matrices (entries like 1, 2, 0.5) are fragile,
 * integer elimination is not.
 */

/** Greatest common divisor of two BigInts, always ≥ 0. */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** Least common multiple of two positive BigInts. */
export function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

/**
 * A finite number as an exact fraction [numerator, denominator > 0], read through its shortest
 * round-trip decimal: 0.1 becomes 1/10 (what the author wrote), not the binary 3602879701896397/2^55.
 */
export function toFraction(x: number, where: string): [bigint, bigint] {
  if (!Number.isFinite(x)) throw new RangeError(`${where}: expected a finite number, got ${x}`);
  const text = x.toExponential();
  const [mantissa, exponentText] = text.split('e') as [string, string];
  const exponent = Number(exponentText);
  const [intPart, fracPart = ''] = mantissa.split('.') as [string, string?];
  let num = BigInt(intPart + fracPart);
  let den = 1n;
  const shift = exponent - fracPart.length;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den = 10n ** BigInt(-shift);
  const g = gcd(num, den);
  return [num / g, den / g];
}

/** Divide a row by the gcd of its entries (and make its first nonzero entry positive when asked). */
export function normalizeRow(row: bigint[], positiveLead = false): bigint[] {
  let g = 0n;
  for (const v of row) g = gcd(g, v);
  if (g === 0n) return row;
  const lead = row.find((v) => v !== 0n) ?? 0n;
  if (positiveLead && lead < 0n) g = -g;
  return row.map((v) => v / g);
}

/**
 * Scale each column of a real matrix by the lcm of its entries' denominators so that it becomes an
 * integer matrix. Column scaling by positive integers leaves the left null space and the rank unchanged.
 */
export function integerColumns(M: readonly (readonly number[])[], where: string): bigint[][] {
  const rows = M.length;
  const cols = rows === 0 ? 0 : M[0]!.length;
  const fractions = M.map((row, i) => {
    if (row.length !== cols) {
      throw new RangeError(`${where}: row ${i} has ${row.length} entries, expected ${cols}`);
    }
    return row.map((v, j) => toFraction(v, `${where}[${i}][${j}]`));
  });
  const out = fractions.map((row) => row.map(() => 0n));
  for (let j = 0; j < cols; j++) {
    let scale = 1n;
    for (let i = 0; i < rows; i++) scale = lcm(scale, fractions[i]![j]![1]);
    for (let i = 0; i < rows; i++) {
      const [n, d] = fractions[i]![j]!;
      out[i]![j] = n * (scale / d);
    }
  }
  return out;
}

/** Reduced row echelon form of an integer matrix, kept integral: pivot rows are scaled, not divided. */
export interface IntegerRref {
  /** Rows in echelon form; row k has its pivot at `pivotColumns[k]` and zeros in every other pivot column. */
  rows: bigint[][];
  pivotColumns: number[];
  freeColumns: number[];
}

/** Fraction-free Gauss–Jordan elimination (rows normalized by their gcd to keep numbers small). */
export function integerRref(A: readonly (readonly bigint[])[], cols: number): IntegerRref {
  const rows = A.map((r) => r.slice());
  const pivotColumns: number[] = [];
  const freeColumns: number[] = [];
  let r = 0;
  for (let c = 0; c < cols; c++) {
    let p = -1;
    for (let i = r; i < rows.length; i++) {
      if (rows[i]![c] !== 0n) {
        p = i;
        break;
      }
    }
    if (p < 0) {
      freeColumns.push(c);
      continue;
    }
    [rows[r], rows[p]] = [rows[p]!, rows[r]!];
    rows[r] = normalizeRow(rows[r]!, true);
    const pivotRow = rows[r]!;
    const pv = pivotRow[c]!;
    for (let i = 0; i < rows.length; i++) {
      if (i === r) continue;
      const row = rows[i]!;
      const v = row[c]!;
      if (v === 0n) continue;
      const g = gcd(pv, v);
      const a = pv / g;
      const b = v / g;
      for (let k = 0; k < cols; k++) row[k] = a * row[k]! - b * pivotRow[k]!;
      rows[i] = normalizeRow(row);
    }
    pivotColumns.push(c);
    r++;
  }
  return { rows: rows.slice(0, r), pivotColumns, freeColumns };
}

/**
 * Integer basis of the null space {w : A·w = 0} of an integer matrix with `cols` columns, one vector
 * per free column f, with w_f > 0 and zeros at every other free column (so the basis is in "solved" form).
 */
export function integerNullSpace(rref: IntegerRref, cols: number): bigint[][] {
  const { rows, pivotColumns, freeColumns } = rref;
  let L = 1n;
  for (let k = 0; k < rows.length; k++) L = lcm(L, rows[k]![pivotColumns[k]!]!);
  return freeColumns.map((f) => {
    const w = new Array<bigint>(cols).fill(0n);
    w[f] = L;
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!;
      w[pivotColumns[k]!] = -(row[f]! * L) / row[pivotColumns[k]!]!;
    }
    return normalizeRow(w, false);
  });
}

/** Rank of an integer matrix (rows of length `cols`). */
export function integerRank(A: readonly (readonly bigint[])[], cols: number): number {
  return integerRref(A, cols).pivotColumns.length;
}

/** Transpose of a rectangular matrix. */
export function transpose<T>(M: readonly (readonly T[])[], cols: number): T[][] {
  const out: T[][] = [];
  for (let j = 0; j < cols; j++) out.push(M.map((row) => row[j]!));
  return out;
}
