import { describe, expect, it } from 'vitest';
import { locateRoot } from './locate-root';

/** locateRoot on g over [ta, tb], counting the evaluations of g it makes. */
function locate(g: (t: number) => number, ta: number, tb: number, tol: number): { t: number; evals: number } {
  let evals = 0;
  const counted = (x: number) => {
    evals++;
    return g(x);
  };
  const t = locateRoot(counted, ta, g(ta), tb, g(tb), tol);
  return { t, evals };
}

/** The returned time is on the far side of the sign change: g there has the sign of g(tb), or is 0. */
function expectFarSide(g: (t: number) => number, t: number, tb: number): void {
  const gt = g(t);
  if (gt !== 0) expect(Math.sign(gt)).toBe(Math.sign(g(tb)));
}

/**
 * A relation compiled as SBML events do (stoichiometry's sbml/ode-model.ts): the signed difference,
 * but ±Number.MIN_VALUE at equality, + when the relation holds there (≥, ≤), − when it does not (>, <).
 */
function relation(d: (t: number) => number, atEquality: number): (t: number) => number {
  return (t) => {
    const v = d(t);
    return v === 0 ? atEquality : v;
  };
}

const MIN = Number.MIN_VALUE;

describe('locateRoot', () => {
  it('finds a simple root to the requested tolerance on the far side of the sign change', () => {
    const g = (t: number) => Math.cos(t) - t;
    const root = 0.7390851332151607;
    const t = locateRoot(g, 0, g(0), 1, g(1), 1e-14);
    expect(Math.abs(t - root)).toBeLessThan(1e-14);
    expect(g(t)).toBeLessThanOrEqual(0);
  });

  it('converges on a badly scaled function where plain regula falsi stalls', () => {
    const g = (t: number) => t ** 9 - 1e-9;
    const root = 1e-1;
    let calls = 0;
    const counted = (x: number) => {
      calls++;
      return g(x);
    };
    const t = locateRoot(counted, 0, g(0), 1, g(1), 1e-13);
    expect(Math.abs(t - root)).toBeLessThan(1e-12);
    expect(calls).toBeLessThan(200);
  });

  it('works for a bracket given backwards in time', () => {
    const g = (t: number) => t - 2.5;
    expect(locateRoot(g, 3, g(3), 2, g(2), 1e-12)).toBeCloseTo(2.5, 12);
  });

  describe('an end at ±Number.MIN_VALUE keeps its sign (halving it would give 0)', () => {
    // `time ≥ 1.2`, `time > 1.2`, `time ≤ 1.2`, `time < 1.2` as the SBML layer compiles them.
    const geq = relation((t) => t - 1.2, MIN);
    const gt = relation((t) => t - 1.2, -MIN);
    const leq = relation((t) => 1.2 - t, MIN);
    const lt = relation((t) => 1.2 - t, -MIN);

    it.each([
      [1, 1.3],
      [1, 1.25],
      [0.9, 1.5],
      [1.15, 1.2000000001],
    ])('time ≥ 1.2 on [%d, %d] locates exactly 1.2 in a few evaluations', (ta, tb) => {
      const { t, evals } = locate(geq, ta, tb, 1e-12 * 1.2);
      // g(1.2) = +MIN_VALUE: the trigger already holds at 1.2, the first time it does.
      expect(t).toBe(1.2);
      expect(geq(t)).toBe(MIN);
      expect(evals).toBeLessThanOrEqual(4);
    });

    it.each([
      ['time > 1.2', gt, 1, 1.3],
      ['time > 1.2, bracket starting on the equality', gt, 1.2, 1.3],
      ['time ≤ 1.2 (falling)', leq, 1, 1.3],
      ['time ≤ 1.2 (falling), bracket starting on the equality', leq, 1.2, 1.3],
    ] as const)('%s: the first time just past 1.2', (_name, g, ta, tb) => {
      const tol = 1e-12 * 1.2;
      const { t, evals } = locate(g, ta, tb, tol);
      expect(t).toBeGreaterThan(1.2);
      expect(t - 1.2).toBeLessThanOrEqual(tol);
      expectFarSide(g, t, tb);
      expect(evals).toBeLessThanOrEqual(4);
    });

    it.each([
      ['time < 1.2 (falling)', lt, -MIN],
      ['time ≥ 1.2 (rising)', geq, MIN],
    ] as const)('%s, ending on the equality at tb = 1.2: tb itself', (_name, g, atEquality) => {
      expect(g(1.2)).toBe(atEquality);
      const { t, evals } = locate(g, 1, 1.2, 1e-12);
      expect(t).toBe(1.2);
      expect(evals).toBeLessThanOrEqual(4);
    });

    it('time ≥ 1.2 integrated backwards (bracket from 1.3 down to 1.0): the last time it holds', () => {
      // Backwards, "far side" is where g has the sign of g(tb) < 0: just below 1.2.
      const tol = 1e-12 * 1.2;
      const { t } = locate(geq, 1.3, 1, tol);
      expect(t).toBeLessThan(1.2);
      expect(1.2 - t).toBeLessThanOrEqual(tol);
      expect(geq(t)).toBeLessThan(0);
    });

    it.each([
      [0.3, 1],
      [0.3, -1],
      [0.6180339887, 1],
      [0.6180339887, -1],
    ])('a step between ∓5e-324 and ±5e-324 at %d (sign %d) is located within tol, on the far side', (r, sign) => {
      const g = (t: number) => (t < r ? -sign * 5e-324 : sign * 5e-324);
      for (const tol of [1e-12, 1e-15, 0]) {
        const { t, evals } = locate(g, 0, 1, tol);
        expect(t).toBeGreaterThanOrEqual(r);
        expect(t - r).toBeLessThanOrEqual(Math.max(tol, 2 * Number.EPSILON));
        expect(g(t)).toBe(sign * 5e-324);
        expect(evals).toBeLessThanOrEqual(60);
      }
      // The same backwards: the far side is below r.
      const { t } = locate(g, 1, 0, 1e-12);
      expect(t).toBeLessThan(r);
      expect(r - t).toBeLessThanOrEqual(1e-12);
      expect(g(t)).toBe(-sign * 5e-324);
    });
  });

  describe('exact zeros', () => {
    it('returns the zero when g vanishes exactly at the crossing', () => {
      const g = (t: number) => t - 0.5;
      const { t, evals } = locate(g, 0, 1, 1e-12);
      expect(t).toBe(0.5);
      expect(evals).toBe(1);
    });

    it('returns an exact zero met on the way, also of a function that is 0 only there', () => {
      const g = (t: number) => Math.sign(t - 0.375);
      const { t } = locate(g, 0, 1, 1e-12);
      expect(t).toBe(0.375);
      const back = locate(g, 1, 0, 1e-12);
      expect(back.t).toBe(0.375);
    });

    it('returns an end where g is 0 without evaluating g', () => {
      const never = () => {
        throw new Error('g evaluated');
      };
      expect(locateRoot(never, 0, -1, 2, 0, 1e-12)).toBe(2);
      expect(locateRoot(never, 0, 0, 2, 1, 1e-12)).toBe(0);
      expect(locateRoot(never, 2, 0, 0, -1, 1e-12)).toBe(2);
    });

    it('refuses a bracket without a sign change', () => {
      const g = (t: number) => t + 1;
      expect(() => locateRoot(g, 0, 1, 1, 2, 1e-12)).toThrow(RangeError);
      expect(() => locateRoot(g, 0, -1, 1, Number.NaN, 1e-12)).toThrow(RangeError);
    });
  });

  it.each([
    [0.3, 1],
    [0.3, -1],
    [0.001, 1],
    [0.999, -1],
  ])('a step with no zero (sign switch at %d, sign %d) is bracketed to tol on the far side', (r, sign) => {
    const g = (t: number) => (t < r ? -sign : sign);
    for (const tol of [1e-12, 0]) {
      const { t, evals } = locate(g, 0, 1, tol);
      expect(t).toBeGreaterThanOrEqual(r);
      expect(t - r).toBeLessThanOrEqual(Math.max(tol, 2 * Number.EPSILON * r));
      expect(g(t)).toBe(sign);
      expect(evals).toBeLessThanOrEqual(tol === 0 ? 70 : 47);
    }
  });

  it.each([
    ['3t − 1', (t: number) => 3 * t - 1, 0, 1, 1 / 3],
    ['1 − 3t', (t: number) => 1 - 3 * t, 0, 1, 1 / 3],
    ['t − 1.2', (t: number) => t - 1.2, 0, 2, 1.2],
    ['t − 0.1, backwards', (t: number) => t - 0.1, 1, 0, 0.1],
    ['t − (1e6 + 0.123456)', (t: number) => t - (1e6 + 0.123456), 1e6, 1e6 + 1, 1e6 + 0.123456],
  ] as const)('a linear function (%s) to a tight tolerance in a few evaluations', (_name, g, ta, tb, root) => {
    for (const tol of [1e-15 * Math.max(1, Math.abs(root)), 0]) {
      const { t, evals } = locate(g, ta, tb, tol);
      // A few ulps: the zero of the rounded g need not be the rounded root.
      expect(Math.abs(t - root)).toBeLessThanOrEqual(Math.max(tol, 8 * Number.EPSILON * Math.abs(root)));
      expectFarSide(g, t, tb);
      expect(evals).toBeLessThanOrEqual(6);
    }
  });

  it('needs at most 60 evaluations to resolve any crossing on [1, 2] to adjacent doubles', () => {
    // Bisection takes 52 steps there; the search is allowed 7 of slack and 1 for rounding.
    const roots = [1.000001, 1.1, 4 / 3, Math.SQRT2, 1.5, 1.9999999];
    const families: Array<[string, (r: number) => (t: number) => number]> = [
      ['linear', (r) => (t) => t - r],
      ['cubic (triple root)', (r) => (t) => (t - r) ** 3],
      ['step', (r) => (t) => (t < r ? -1 : 1)],
      ['step of ±5e-324', (r) => (t) => (t < r ? -5e-324 : 5e-324)],
      ['≥ at MIN_VALUE', (r) => relation((t) => t - r, MIN)],
      ['> at −MIN_VALUE', (r) => relation((t) => t - r, -MIN)],
      ['flat, then steep', (r) => (t) => Math.exp(40 * (t - r)) - 1],
      ['steep, then flat', (r) => (t) => 1 - Math.exp(-40 * (t - r))],
      ['square root', (r) => (t) => Math.sign(t - r) * Math.sqrt(Math.abs(t - r))],
      ['ninth power', (r) => (t) => t ** 9 - r ** 9],
      ['tiny, then huge', (r) => (t) => (t < r ? -1e-200 : 1e200)],
    ];
    for (const [name, family] of families) {
      for (const r of roots) {
        const g = family(r);
        for (const [ta, tb] of [
          [1, 2],
          [2, 1],
        ] as const) {
          const { t, evals } = locate(g, ta, tb, 0);
          expectFarSide(g, t, tb);
          // No double strictly between t and the crossing (g's own rounding aside).
          expect(Math.abs(t - r), `${name}, root ${r}`).toBeLessThanOrEqual(8 * Number.EPSILON);
          expect(evals, `${name}, root ${r}, [${ta}, ${tb}]`).toBeLessThanOrEqual(60);
        }
      }
    }
  });

  it('stays close to bisection at the solver’s event tolerance, and beats it on smooth functions', () => {
    // Recorder brackets: half a step, located to 1e-12·max(1, |t|).
    const tol = 1e-12;
    const bisection = Math.ceil(Math.log2(1 / tol));
    let smoothTotal = 0;
    let smoothCount = 0;
    for (let k = 1; k < 50; k++) {
      const r = k / 50 + 1e-3 * Math.sin(k);
      for (const g of [
        (t: number) => Math.cos(3 * t) - Math.cos(3 * r),
        (t: number) => Math.exp(5 * (t - r)) - 1,
      ]) {
        const { t, evals } = locate(g, 0, 1, tol);
        expect(Math.abs(t - r)).toBeLessThanOrEqual(tol);
        expectFarSide(g, t, 1);
        expect(evals).toBeLessThanOrEqual(bisection + 8);
        smoothTotal += evals;
        smoothCount++;
      }
    }
    expect(smoothTotal / smoothCount).toBeLessThan(12);
  });
});
