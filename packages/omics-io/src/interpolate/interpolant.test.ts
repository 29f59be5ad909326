import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInterpolant } from './create-interpolant';
import type { InterpolationMethod } from './interpolant';

const increasing = fc
  .array(
    fc.tuple(fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true })),
    { minLength: 2, maxLength: 15 },
  )
  .map((steps) => {
    let x = 0;
    return { x: steps.map(([dx]) => (x += dx)), y: steps.map(([, y]) => y) };
  });

describe('interpolants', () => {
  it('pass through every data point, for every method', () => {
    fc.assert(
      fc.property(
        increasing,
        fc.constantFrom<InterpolationMethod>('linear', 'pchip', 'akima', 'makima'),
        ({ x, y }, method) => {
          const f = createInterpolant(x, y, { method });
          for (let i = 0; i < x.length; i++) {
            expect(Math.abs(f.at(x[i]!) - y[i]!)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(y[i]!)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('PCHIP keeps monotone data monotone and never leaves the range of its neighbours', () => {
    fc.assert(
      fc.property(increasing, ({ x, y }) => {
        const sorted = y.slice().sort((a, b) => a - b);
        const f = createInterpolant(x, sorted, { method: 'pchip' });
        let previous = Number.NEGATIVE_INFINITY;
        for (let k = 0; k <= 100; k++) {
          const t = x[0]! + ((x[x.length - 1]! - x[0]!) * k) / 100;
          const v = f.at(t);
          expect(v).toBeGreaterThanOrEqual(previous - 1e-9 * (1 + Math.abs(v)));
          previous = v;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('follow each extrapolation rule outside the data', () => {
    const x = [0, 1, 3];
    const y = [1, 3, 2];
    expect(createInterpolant(x, y).at(-5)).toBe(1);
    expect(createInterpolant(x, y, { method: 'akima' }).at(9)).toBe(2);
    expect(createInterpolant(x, y, { extrapolate: 'nan' }).at(3.5)).toBeNaN();
    expect(createInterpolant(x, y, { extrapolate: 'extend' }).at(5)).toBe(1);
    expect(createInterpolant(x, y, { method: 'linear', extrapolate: 'linear' }).at(-1)).toBe(-1);
    expect(() => createInterpolant(x, y, { extrapolate: 'error' }).at(3.0001)).toThrow(
      /outside the data range \[0, 3\]/,
    );
    expect(createInterpolant(x, y, { extrapolate: 'error' }).at(3)).toBe(2);
  });

  it('treat one point as a constant and refuse unusable data clearly', () => {
    expect(createInterpolant([2], [7], { method: 'pchip' }).at(100)).toBe(7);
    expect(() => createInterpolant([0, 0], [1, 2])).toThrow(/strictly increasing/);
    expect(() => createInterpolant([0, 1], [1, Number.NaN])).toThrow(/y\[1\] = NaN is not finite/);
    expect(() => createInterpolant([0, 1], [1])).toThrow(RangeError);
    expect(() => createInterpolant([0, 1], [1, 2], { method: 'spline' as InterpolationMethod })).toThrow(
      TypeError,
    );
  });
});
