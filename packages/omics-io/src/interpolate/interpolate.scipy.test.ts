import { describe, expect, it } from 'vitest';
import fixture from '../../test/fixtures/scipy-interpolate.json';
import { maxRelError } from '../../test/close';
import { createInterpolant } from './create-interpolant';
import type { InterpolationMethod } from './interpolant';

const x = fixture.x as number[];
const query = fixture.query as number[];
const inside = query.map((t) => Math.min(Math.max(t, x[0]!), x[x.length - 1]!));

describe('interpolants match scipy.interpolate (fixtures from scripts/make-fixtures.py)', () => {
  for (const c of fixture.cases) {
    const y = c.y as number[];
    it(`linear equals interp1d on ${c.data}`, () => {
      expect(maxRelError(createInterpolant(x, y).evaluate(inside), c.linear.inside)).toBeLessThan(1e-12);
      const extend = createInterpolant(x, y, { extrapolate: 'extend' }).evaluate(query);
      expect(maxRelError(extend, c.linear.extend)).toBeLessThan(1e-12);
    });
    for (const method of ['pchip', 'akima', 'makima'] as InterpolationMethod[]) {
      const ref = (
        c as unknown as Record<string, { nan: (number | null)[]; extend: number[]; endSlopes: number[] }>
      )[method]!;
      it(`${method} equals scipy on ${c.data}, extrapolating with NaN and by extension`, () => {
        expect(
          maxRelError(createInterpolant(x, y, { method, extrapolate: 'nan' }).evaluate(query), ref.nan),
        ).toBeLessThan(1e-12);
        expect(
          maxRelError(createInterpolant(x, y, { method, extrapolate: 'extend' }).evaluate(query), ref.extend),
        ).toBeLessThan(1e-12);
      });
      it(`${method} 'linear' extrapolation follows scipy's end tangent on ${c.data}`, () => {
        const f = createInterpolant(x, y, { method, extrapolate: 'linear' });
        const [d0, d1] = ref.endSlopes as [number, number];
        const n = x.length;
        const tangent = query.map((t) =>
          t < x[0]!
            ? y[0]! + d0 * (t - x[0]!)
            : t > x[n - 1]!
              ? y[n - 1]! + d1 * (t - x[n - 1]!)
              : Number.NaN,
        );
        const outside = query.map((t, k) => (Number.isNaN(tangent[k]!) ? Number.NaN : f.at(t)));
        expect(
          maxRelError(
            outside,
            tangent.map((v) => (Number.isNaN(v) ? null : v)),
          ),
        ).toBeLessThan(1e-12);
      });
    }
  }

  for (const s of fixture.small) {
    it(`agrees on ${s.x.length} points, extrapolating by extension`, () => {
      for (const method of ['linear', 'pchip', 'akima', 'makima'] as InterpolationMethod[]) {
        const f = createInterpolant(s.x as number[], s.y as number[], { method, extrapolate: 'extend' });
        const ref = (s as unknown as Record<string, number[]>)[method]!;
        expect(maxRelError(f.evaluate(s.query as number[]), ref), method).toBeLessThan(1e-12);
      }
    });
  }
});
