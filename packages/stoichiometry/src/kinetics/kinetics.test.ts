import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centralGradient, closeTo } from '../../test/support/finite-difference';
import { hill } from './hill';
import { competitiveInhibition, uncompetitiveInhibition } from './inhibition';
import { massAction, reversibleMassAction } from './mass-action';
import { michaelisMenten, reversibleMichaelisMenten } from './michaelis-menten';
import type { RateLaw } from './types';

const positive = fc.double({ min: 0.05, max: 5, noNaN: true });
const state = fc.array(positive, { minLength: 4, maxLength: 4 });

/** The analytic gradient of a law matches central differences at x (u = enzyme levels). */
function checkGradient(law: RateLaw, x: number[], u: number[] = [1.7]): void {
  const X = Float64Array.from(x);
  const U = Float64Array.from(u);
  const g = new Float64Array(law.species.length);
  law.gradient(X, U, g);
  const fd = centralGradient((y) => law.rate(y, U), X);
  closeTo(
    g,
    law.species.map((s) => fd[s]!),
    1e-6,
    'gradient',
  );
  // Species the law does not list must not influence it.
  fd.forEach((v, i) => {
    if (!law.species.includes(i)) expect(v).toBe(0);
  });
}

describe('rate laws', () => {
  it('mass action: value and gradient', () => {
    const law = massAction(2, [
      [0, 1],
      [1, 2],
    ]);
    expect(law.rate(Float64Array.from([3, 2, 0, 0]), new Float64Array(0))).toBe(2 * 3 * 4);
    fc.assert(fc.property(state, (x) => checkGradient(law, x)));
  });

  it('mass action: merges repeated reactants and is differentiable at zero concentration', () => {
    const law = massAction(1.5, [
      [2, 1],
      [2, 1],
    ]);
    expect(law.species).toEqual([2]);
    const g = new Float64Array(1);
    law.gradient(Float64Array.from([0, 0, 0, 0]), new Float64Array(0), g);
    expect(g[0]).toBe(0);
    const linear = massAction(3, [[1, 1]]);
    linear.gradient(new Float64Array(4), new Float64Array(0), g);
    expect(g[0]).toBe(3);
  });

  it('reversible mass action, Michaelis–Menten (both), Hill, inhibition: gradients match finite differences', () => {
    const laws: RateLaw[] = [
      reversibleMassAction(
        2,
        [
          [0, 1],
          [1, 1],
        ],
        0.7,
        [[2, 2]],
      ),
      michaelisMenten({ substrate: 1, vmax: 3, km: 0.4, enzyme: 0 }),
      reversibleMichaelisMenten({ substrate: 0, product: 3, vf: 2, vr: 1, kms: 0.5, kmp: 1.5 }),
      hill({ substrate: 2, vmax: 1.2, k: 0.8, n: 2.5 }),
      hill({ substrate: 2, vmax: 1.2, k: 0.8, n: 1 }),
      competitiveInhibition({ substrate: 0, inhibitor: 1, vmax: 2, km: 0.3, ki: 0.9 }),
      uncompetitiveInhibition({ substrate: 3, inhibitor: 2, vmax: 2, km: 0.3, ki: 0.9, enzyme: 0 }),
    ];
    fc.assert(
      fc.property(state, (x) => {
        for (const law of laws) checkGradient(law, x);
      }),
    );
  });

  it('closed forms: half saturation at Km, inhibition raises the apparent Km', () => {
    const u = Float64Array.from([2]);
    const mm = michaelisMenten({ substrate: 0, vmax: 3, km: 0.4, enzyme: 0 });
    expect(mm.rate(Float64Array.from([0.4]), u)).toBeCloseTo(3, 14);
    const h = hill({ substrate: 0, vmax: 1, k: 2, n: 4 });
    expect(h.rate(Float64Array.from([2]), u)).toBeCloseTo(0.5, 14);
    const comp = competitiveInhibition({ substrate: 0, inhibitor: 1, vmax: 1, km: 1, ki: 1 });
    expect(comp.rate(Float64Array.from([2, 1]), u)).toBeCloseTo(0.5, 14);
    const rev = reversibleMichaelisMenten({ substrate: 0, product: 1, vf: 1, vr: 1, kms: 1, kmp: 1 });
    expect(rev.rate(Float64Array.from([0.7, 0.7]), u)).toBe(0);
  });

  it('refuses bad parameters with a message naming them', () => {
    expect(() => michaelisMenten({ substrate: 0, vmax: 1, km: 0 })).toThrow(/michaelisMenten: km/);
    expect(() => massAction(-1, [[0, 1]])).toThrow(/massAction: k/);
    expect(() => hill({ substrate: -1, vmax: 1, k: 1, n: 1 })).toThrow(/hill: substrate/);
    expect(() => competitiveInhibition({ substrate: 1, inhibitor: 1, vmax: 1, km: 1, ki: 1 })).toThrow(
      /must differ/,
    );
  });
});
