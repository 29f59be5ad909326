import { describe, expect, it } from 'vitest';
import { conservationReduction } from './reduction';

describe('conservationReduction', () => {
  it('splits species so that expand(restrict(x)) = x and W·x keeps its totals', () => {
    // Two laws over five species, one of them a redundant combination of the others.
    const W = [
      [1, 1, 0, 1, 0],
      [0, 1, 1, 0, 2],
      [1, 2, 1, 1, 2],
    ];
    const r = conservationReduction(W);
    expect(r.m).toBe(2);
    expect(r.independent.length + r.dependent.length).toBe(5);
    const x = Float64Array.from([0.3, 1.7, 0.2, 2.5, 0.9]);
    const totals = r.totals(x);
    const xi = new Float64Array(3);
    r.restrict(x, xi);
    const back = new Float64Array(5);
    r.expand(xi, r.offsets(totals), back);
    for (let i = 0; i < 5; i++) expect(back[i]!).toBeCloseTo(x[i]!, 14);
    // Moving an independent species keeps every total.
    xi[0]! += 0.4;
    r.expand(xi, r.offsets(totals), back);
    const moved = r.totals(back);
    for (let k = 0; k < 3; k++) expect(moved[k]!).toBeCloseTo(totals[k]!, 14);
  });

  it('reduces the Jacobian to the invariant subspace: conservation zeros vanish, other eigenvalues stay', () => {
    // A ⇌ B ⇌ C (rates 1, 2 forward; 3, 4 back): A + B + C conserved.
    const J = [-1, 3, 0, 1, -5, 4, 0, 2, -4];
    const r = conservationReduction([[1, 1, 1]]);
    const Jr = new Float64Array(4);
    r.reduceJacobian(J, Jr);
    // Eigenvalues of J: 0 and the roots of λ² + 10λ + 18 (trace −10, principal 2×2 minors 2 + 4 + 12).
    const trace = Jr[0]! + Jr[3]!;
    const det = Jr[0]! * Jr[3]! - Jr[1]! * Jr[2]!;
    expect(trace).toBeCloseTo(-10, 12);
    expect(det).toBeCloseTo(18, 12);
  });

  it('rejects a ragged W', () => {
    expect(() => conservationReduction([[1, 1], [1]])).toThrow(/row 1 of W has 1 entries, expected 2/);
  });
});
