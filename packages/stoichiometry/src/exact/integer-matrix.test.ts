import { describe, expect, it } from 'vitest';
import { integerColumns, integerNullSpace, integerRank, integerRref, toFraction } from './integer-matrix';

describe('toFraction', () => {
  it('reads numbers as the decimals they print as', () => {
    expect(toFraction(0.1, 'x')).toEqual([1n, 10n]);
    expect(toFraction(-2.5, 'x')).toEqual([-5n, 2n]);
    expect(toFraction(3, 'x')).toEqual([3n, 1n]);
    expect(toFraction(1.5e-7, 'x')).toEqual([3n, 20000000n]);
    expect(toFraction(2e21, 'x')).toEqual([2000000000000000000000n, 1n]);
  });
  it('refuses non-finite entries, naming where', () => {
    expect(() => toFraction(Number.NaN, 'S[1][2]')).toThrow(/S\[1\]\[2\]/);
  });
});

describe('integer elimination', () => {
  it('finds the rank and a null space that A annihilates exactly', () => {
    const A = integerColumns(
      [
        [1, 2, 3, 4],
        [2, 4, 6, 8],
        [0, 1, 0.5, 1],
      ],
      'A',
    );
    expect(integerRank(A, 4)).toBe(2);
    const N = integerNullSpace(integerRref(A, 4), 4);
    expect(N).toHaveLength(2);
    for (const w of N) for (const row of A) expect(row.reduce((s, a, k) => s + a * w[k]!, 0n)).toBe(0n);
  });
  it('scales columns, not rows, to clear denominators', () => {
    expect(
      integerColumns(
        [
          [0.5, 1],
          [1.5, 0.25],
        ],
        'S',
      ),
    ).toEqual([
      [1n, 4n],
      [3n, 1n],
    ]);
  });
});
