import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { multiplyS, multiplySTranspose, sparseStoichiometry, stoichiometryMatrix } from './sparse';

describe('sparse S', () => {
  const S = [
    [-1, 0, 2],
    [1, -1, 0],
    [0, 1, -2],
  ];
  it('multiplies like the dense matrix', () => {
    const sp = sparseStoichiometry(S);
    expect(sp.values.length).toBe(6);
    const r = Float64Array.from([0.5, 2, -1]);
    const dense = stoichiometryMatrix(S);
    expect(Array.from(multiplyS(sp, r, new Float64Array(3)))).toEqual(
      dense.mmul(Matrix.columnVector([0.5, 2, -1])).to1DArray(),
    );
    const v = Float64Array.from([1, 2, 3]);
    expect(Array.from(multiplySTranspose(sp, v, new Float64Array(3)))).toEqual([1, 1, -4]);
  });
  it('refuses ragged or non-finite matrices', () => {
    expect(() => sparseStoichiometry([[1, 2], [3]])).toThrow(/row 1 has 1 entries/);
    expect(() => sparseStoichiometry([[1, Number.NaN]])).toThrow(/S\[0\]\[1\]/);
  });
});
