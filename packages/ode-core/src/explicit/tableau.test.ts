import { describe, expect, it } from 'vitest';
import { explicitMethodNames, explicitMethods, getExplicitTableau } from './registry';
import type { ExplicitTableau } from './tableau';

function Av(t: ExplicitTableau, v: number[]): number[] {
  return t.a.map((row) => row.reduce((s, aij, j) => s + aij * v[j]!, 0));
}
const dot = (b: Float64Array, v: number[]) => b.reduce((s, bi, i) => s + bi * v[i]!, 0);

describe('explicit tableaux', () => {
  it.each(
    explicitMethodNames,
  )('%s satisfies the order conditions up to order min(p, 4) and its structure', (name) => {
    const t = getExplicitTableau(name);
    const s = t.stages;
    expect(t.c).toHaveLength(s);
    expect(t.b).toHaveLength(s);
    expect(t.a).toHaveLength(s);
    t.a.forEach((row, i) => {
      expect(row).toHaveLength(i);
      // Row-sum condition c_i = Σ_j a_ij.
      expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(t.c[i]!, 13);
    });
    const c = Array.from(t.c);
    const c2 = c.map((x) => x * x);
    const Ac = Av(t, c);
    const conditions: Array<[number, number, number]> = [
      [
        1,
        dot(
          t.b,
          c.map(() => 1),
        ),
        1,
      ],
      [2, dot(t.b, c), 1 / 2],
      [3, dot(t.b, c2), 1 / 3],
      [3, dot(t.b, Ac), 1 / 6],
      [
        4,
        dot(
          t.b,
          c.map((x) => x ** 3),
        ),
        1 / 4,
      ],
      [
        4,
        dot(
          t.b,
          c.map((x, i) => x * Ac[i]!),
        ),
        1 / 8,
      ],
      [4, dot(t.b, Av(t, c2)), 1 / 12],
      [4, dot(t.b, Av(t, Ac)), 1 / 24],
    ];
    for (const [order, value, exact] of conditions) {
      if (order <= t.order) expect(value).toBeCloseTo(exact, 13);
    }
    if (t.btilde !== undefined) {
      // b − b̂ of two consistent methods sums to zero.
      expect(t.btilde.reduce((x, y) => x + y, 0)).toBeCloseTo(0, 13);
      expect(t.errorOrder).toBeGreaterThan(0);
    }
    if (t.fsal) {
      expect(t.c[s - 1]).toBe(1);
      t.a[s - 1]!.forEach((aij, j) => {
        expect(aij).toBe(t.b[j]);
      });
      expect(t.b[s - 1]).toBe(0);
    }
  });

  it.each(
    explicitMethodNames.filter((n) => explicitMethods[n]!.dense !== undefined),
  )('%s: the dense weights are consistent (Σ b_i(θ) = θ) and end at b (b_i(1) = b_i)', (name) => {
    const t = getExplicitTableau(name);
    const dense = t.dense!;
    const bTheta = (i: number, theta: number) =>
      theta * dense.coeffs[i]!.reduceRight((acc, p) => acc * theta + p, 0);
    for (const theta of [0.25, 0.5, 0.9, 1]) {
      const sum = dense.coeffs.reduce((acc, _p, i) => acc + bTheta(i, theta), 0);
      expect(sum).toBeCloseTo(theta, 12);
    }
    t.b.forEach((bi, i) => {
      expect(bTheta(i, 1)).toBeCloseTo(bi, 12);
    });
    (dense.extraA ?? []).forEach((row, e) => {
      expect(row).toHaveLength(t.stages + e);
      expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(dense.extraC![e]!, 13);
    });
  });

  it('getExplicitTableau names the known methods when asked for an unknown one', () => {
    expect(() => getExplicitTableau('rk45')).toThrow(/unknown explicit method 'rk45' \(known: euler, rk4/);
    expect(Object.isFrozen(explicitMethods)).toBe(true);
  });
});
