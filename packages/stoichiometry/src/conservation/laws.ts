import {
  integerColumns,
  integerNullSpace,
  integerRank,
  integerRref,
  normalizeRow,
  transpose,
} from '../exact/integer-matrix';
import { semiPositiveLaws } from './semipositive';

/**
 * Conservation laws of a stoichiometric matrix S (species × reactions): an integer basis W of the
 * left null space, W·S = 0 exactly. Non-negative moiety vectors (minimal semi-positive laws,
 * smallest support first) are preferred; mixed-sign vectors only complete the basis where the
 * non-negative ones do not span it. Computed in exact integer arithmetic: entries of S are read as
 * the decimals they print as (0.5 → 1/2).
 */
export function conservationLaws(S: readonly (readonly number[])[]): number[][] {
  return conservationLawsExact(S).map((w) => w.map(Number));
}

/** As `conservationLaws`, but with BigInt entries (for networks whose coefficients grow large). */
export function conservationLawsExact(S: readonly (readonly number[])[]): bigint[][] {
  const m = S.length;
  if (m === 0) return [];
  const N = integerColumns(S, 'conservationLaws: S');
  const r = N[0]!.length;
  const A = transpose(N, r);
  const nullBasis = integerNullSpace(integerRref(A, m), m);
  const nullity = nullBasis.length;
  if (nullity === 0) return [];

  const chosen: bigint[][] = [];
  const tryAdd = (w: bigint[]): void => {
    if (chosen.length === nullity) return;
    if (integerRank([...chosen, w], m) > chosen.length) chosen.push(w);
  };
  const positive = semiPositiveLaws(N) ?? [];
  positive
    .map((w) => normalizeRow(w))
    .sort((a, b) => support(a) - support(b) || compareLex(a, b))
    .forEach(tryAdd);
  for (const w of nullBasis) tryAdd(normalizeRow(w, true));
  return chosen;
}

/** Rank of S, exactly. */
export function stoichiometricRank(S: readonly (readonly number[])[]): number {
  if (S.length === 0) return 0;
  const N = integerColumns(S, 'stoichiometricRank: S');
  return integerRank(N, N[0]!.length);
}

function support(w: readonly bigint[]): number {
  let s = 0;
  for (const v of w) if (v !== 0n) s++;
  return s;
}

function compareLex(a: readonly bigint[], b: readonly bigint[]): number {
  for (let k = 0; k < a.length; k++) {
    const x = a[k] !== 0n ? 1 : 0;
    const y = b[k] !== 0n ? 1 : 0;
    if (x !== y) return y - x;
  }
  return 0;
}
