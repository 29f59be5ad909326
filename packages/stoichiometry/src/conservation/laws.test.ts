import fc from 'fast-check';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { parseNetwork } from '../network/parse';
import { conservationLaws, conservationLawsExact, stoichiometricRank } from './laws';

/** W·S with S's entries doubled (they are multiples of 1/2 here), in BigInt: exact. */
function exactProduct(W: readonly (readonly bigint[])[], S: readonly (readonly number[])[]): bigint[][] {
  const r = S.length === 0 ? 0 : S[0]!.length;
  return W.map((w) =>
    Array.from({ length: r }, (_, j) =>
      S.reduce((s, row, i) => s + w[i]! * BigInt(Math.round(2 * row[j]!)), 0n),
    ),
  );
}

function floatRank(M: number[][]): number {
  if (M.length === 0 || M[0]!.length === 0) return 0;
  return new SingularValueDecomposition(new Matrix(M), { autoTranspose: true }).rank;
}

const randomS = fc
  .record({ m: fc.integer({ min: 1, max: 8 }), r: fc.integer({ min: 0, max: 8 }) })
  .chain(({ m, r }) =>
    fc.array(
      fc.array(fc.constantFrom(-2, -1, -1, -0.5, 0, 0, 0, 0, 0, 1, 1, 0.5, 2), {
        minLength: r,
        maxLength: r,
      }),
      {
        minLength: m,
        maxLength: m,
      },
    ),
  );

describe('conservationLaws', () => {
  it('finds the moieties of the API example: B + C and A + C + D', () => {
    const net = parseNetwork('A + B <-> C\nC -> D + B');
    expect(conservationLaws(net.S)).toEqual([
      [0, 1, 1, 0],
      [1, 0, 1, 1],
    ]);
  });

  it('prefers non-negative moiety vectors (enzyme and substrate totals of Michaelis–Menten)', () => {
    const net = parseNetwork('E + S <-> ES\nES -> E + P');
    const W = conservationLaws(net.S);
    expect(W).toHaveLength(2);
    expect(W).toContainEqual([1, 0, 1, 0]);
    expect(W).toContainEqual([0, 1, 1, 1]);
  });

  it('completes the basis with mixed-sign laws where no non-negative one exists', () => {
    // 0 -> B + C conserves only B − C; A is untouched, so A alone is a (non-negative) law too.
    const net = parseNetwork('A -> A\n0 -> B + C');
    expect(conservationLaws(net.S)).toEqual([
      [1, 0, 0],
      [0, 1, -1],
    ]);
  });

  it('handles networks without species or without reactions', () => {
    expect(conservationLaws([])).toEqual([]);
    expect(conservationLaws([[], []])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('property: W·S = 0 exactly, W has full row rank m − rank(S), integer entries', () => {
    fc.assert(
      fc.property(randomS, (S) => {
        const W = conservationLawsExact(S);
        expect(
          exactProduct(W, S)
            .flat()
            .every((v) => v === 0n),
        ).toBe(true);
        const rank = floatRank(S);
        expect(stoichiometricRank(S)).toBe(rank);
        expect(W.length).toBe(S.length - rank);
        expect(floatRank(W.map((w) => w.map(Number)))).toBe(W.length);
        expect(conservationLaws(S).flat().every(Number.isInteger)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('property: mass-balanced networks get a strictly positive combined law', () => {
    // Species carry masses 1..3 and every reaction balances mass, so the masses are a positive law;
    // the non-negative basis must reach it: every species lies in the support of some chosen law.
    const balanced = fc
      .record({
        masses: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 6 }),
        picks: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }),
      })
      .map(({ masses, picks }) => {
        const m = masses.length;
        const S = masses.map(() => new Array<number>(picks.length).fill(0));
        picks.forEach(([a, b], j) => {
          const i = a % m;
          const k = b % m;
          if (i === k) return;
          // masses[k] units of i become masses[i] units of k: mass balanced.
          S[i]![j]! -= masses[k];
          S[k]![j]! += masses[i];
        });
        return S;
      });
    fc.assert(
      fc.property(balanced, (S) => {
        const W = conservationLaws(S);
        const covered = S.map((_, i) => W.some((w) => w[i] !== 0));
        expect(covered.every(Boolean)).toBe(true);
        expect(W.every((w) => w.every((v) => v >= 0))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
