import { describe, expect, it } from 'vitest';
import fixture from '../../test/fixtures/scipy-savgol.json';
import { savgolCoeffs } from './savgol-coeffs';
import { type SavgolMode, savgolFilter } from './savgol-filter';

const signals = fixture.signals as Record<string, number[]>;

/**
 * Error relative to the size of the sums being formed (max |y| times the weights' 1-norm):
 * round-off in a weighted sum is bounded by that, whatever cancellation the result has.
 */
function scaledError(
  got: Float64Array,
  ref: (number | null)[],
  y: number[],
  window: number,
  order: number,
  deriv: number,
  delta: number,
): number {
  // The largest weight 1-norm over the centred and (for mode 'interp') the off-centre edge weights.
  let l1 = 0;
  for (let pos = 0; pos < window; pos++) {
    let sum = 0;
    for (const w of savgolCoeffs(window, order, { deriv, delta, pos, use: 'dot' })) sum += Math.abs(w);
    l1 = Math.max(l1, sum);
  }
  let ymax = 1;
  for (const v of y) ymax = Math.max(ymax, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!));
  return worst / (ymax * Math.max(l1, 1));
}

describe('Savitzky–Golay matches scipy.signal (fixtures from scripts/make-fixtures.py)', () => {
  const cases = fixture.filter.map((c) => {
    const y = signals[c.signal]!;
    const got = savgolFilter(y, c.window, c.order, {
      deriv: c.deriv,
      delta: c.delta,
      mode: c.mode as SavgolMode,
      cval: c.cval,
    });
    return {
      label: `${c.signal} window ${c.window} order ${c.order} deriv ${c.deriv} mode ${c.mode}`,
      vsScipy: scaledError(got, c.expected, y, c.window, c.order, c.deriv, c.delta),
      vsExact: scaledError(got, c.exact, y, c.window, c.order, c.deriv, c.delta),
      scipyVsExact: scaledError(
        Float64Array.from(c.expected as number[]),
        c.exact,
        y,
        c.window,
        c.order,
        c.deriv,
        c.delta,
      ),
    };
  });

  it(`agrees with savgol_filter to 1e-12 on all ${fixture.filter.length} cases (windows 3–21, orders 0–6, derivatives 0–3, five modes)`, () => {
    for (const c of cases) expect(c.vsScipy, c.label).toBeLessThan(1e-12);
  });

  it('agrees with the exactly weighted filter to 1e-13, closer than scipy itself gets', () => {
    let ours = 0;
    let theirs = 0;
    for (const c of cases) {
      expect(c.vsExact, c.label).toBeLessThan(1e-13);
      ours = Math.max(ours, c.vsExact);
      theirs = Math.max(theirs, c.scipyVsExact);
    }
    expect(ours).toBeLessThan(theirs);
  });

  it('computes savgol_coeffs weights, including off-centre positions, to 1e-12 of scipy and 1e-14 of exact', () => {
    for (const c of fixture.coeffs) {
      const got = savgolCoeffs(c.window, c.order, {
        deriv: c.deriv,
        delta: c.delta,
        use: 'dot',
        ...(c.pos === null ? {} : { pos: c.pos }),
      });
      for (let j = 0; j < c.window; j++) {
        expect(
          Math.abs(got[j]! - c.exact[j]!),
          `${JSON.stringify({ ...c, expected: 0, exact: 0 })}[${j}]`,
        ).toBeLessThan(1e-14);
        // scipy's lstsq on the unscaled Vandermonde matrix is itself off by 1e-11 for window 21, order 6.
        const scipyOwnError = Math.abs(c.expected[j]! - c.exact[j]!);
        expect(Math.abs(got[j]! - c.expected[j]!)).toBeLessThan(Math.max(1e-12, 2 * scipyOwnError));
      }
    }
  });
});
