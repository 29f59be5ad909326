import { solve } from '@kinetica/solvers-stiff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newton } from '../../test/support/newton';
import { massActionModel } from '../models/mass-action-model';
import { parseNetwork } from '../network/parse';
import { reducedField } from './reduced-field';
import { conservationLaws } from './laws';
import { reduceByConservationLaws, reduceSystem } from './reduce';

const randomS = fc
  .record({ m: fc.integer({ min: 1, max: 7 }), r: fc.integer({ min: 1, max: 6 }) })
  .chain(({ m, r }) =>
    fc.array(fc.array(fc.constantFrom(-2, -1, -1, 0, 0, 0, 0, 1, 1, 2), { minLength: r, maxLength: r }), {
      minLength: m,
      maxLength: m,
    }),
  );

describe('reduceSystem', () => {
  it('property: S = L·S_I, and toFull∘toReduced is the identity on the conservation class', () => {
    fc.assert(
      fc.property(
        randomS,
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 7, maxLength: 7 }),
        (S, xs) => {
          const m = S.length;
          const x0 = xs.slice(0, m);
          const red = reduceSystem(S, x0);
          expect(red.independent.length + red.dependent.length).toBe(m);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < S[0]!.length; j++) {
              const lsi = red.independent.reduce((s, ind, k) => s + red.L[i]![k]! * S[ind]![j]!, 0);
              expect(lsi).toBeCloseTo(S[i]![j]!, 12);
            }
          }
          // The same from the conservation laws: as many dependent species as laws, and S = L·S_I again.
          const byLaws = reduceByConservationLaws(conservationLaws(S), x0);
          expect(byLaws.nReduced).toBe(red.nReduced);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < S[0]!.length; j++) {
              const lsi = byLaws.independent.reduce((s, ind, k) => s + byLaws.L[i]![k]! * S[ind]![j]!, 0);
              expect(lsi).toBeCloseTo(S[i]![j]!, 12);
            }
          }
          const xi = red.toReduced(x0, new Float64Array(red.nReduced));
          const back = red.toFull(xi, new Float64Array(m));
          for (let i = 0; i < m; i++) expect(back[i]).toBeCloseTo(x0[i]!, 10);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the steady state by Newton where Newton on the full system meets a singular Jacobian', () => {
    // Enzyme cycle: E + S ⇌ C → E + P, P → S. Conserved: E + C and S + C + P, so the 4×4 Jacobian has rank 2.
    const net = parseNetwork('bind: E + S <-> C\ncat: C -> E + P\nrecycle: P -> S');
    const model = massActionModel(net, [2, 1, 0.5], { kr: [1, 0, 0] });
    const x0 = Float64Array.from([1, 5, 0, 0]);
    const u = new Float64Array(0);
    const full = newton(
      (x, out) => model.f(0, x, u, out),
      (x, J) => model.jac(0, x, u, J),
      x0,
    );
    expect(full.converged).toBe(false);
    expect(full.reason).toBe('singular Jacobian');

    const red = reduceSystem(net.S, x0);
    expect(red.nReduced).toBe(2);
    const field = reducedField(
      { f: (t, x, dx) => model.f(t, x, u, dx), jac: (t, x, J) => model.jac(t, x, u, J) },
      red,
    );
    const reduced = newton(
      (xi, out) => field.f(0, xi, out),
      (xi, J) => field.jac!(0, xi, J),
      red.toReduced(x0, new Float64Array(2)),
    );
    expect(reduced.converged).toBe(true);
    expect(reduced.iterations).toBeLessThan(20);
    const xs = red.toFull(reduced.x, new Float64Array(4));
    // A true steady state of the full system, in the conservation class of x0 …
    const fx = new Float64Array(4);
    model.f(0, xs, u, fx);
    for (const v of fx) expect(Math.abs(v)).toBeLessThan(1e-12);
    expect(xs[0]! + xs[2]!).toBeCloseTo(1, 14);
    expect(xs[1]! + xs[2]! + xs[3]!).toBeCloseTo(5, 14);
    // … and the one a long stiff solve from x0 settles into.
    const sol = solve(model.problem(x0, [0, 1e4]), {
      method: 'radau5',
      rtol: 1e-10,
      atol: 1e-12,
      saveAt: [1e4],
    });
    expect(sol.status).toBe('success');
    for (let i = 0; i < 4; i++) expect(sol.y[0]![i]).toBeCloseTo(xs[i]!, 8);
  });
});
