import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { tanh } from './activations';

describe('tanh', () => {
  it('stays within 4 ulp of Math.tanh from 1e-12 to past saturation, and is odd', () => {
    const rng = createRng(11);
    let worst = 0;
    let notOdd = 0;
    for (let i = 0; i < 200000; i++) {
      // Log-uniform magnitudes exercise the small-argument path (e − 1 kept exactly) and both tables.
      const v = (rng.uniform() < 0.5 ? -1 : 1) * 10 ** (-12 + 14 * rng.uniform());
      const exact = Math.tanh(v);
      const ulp = Math.abs(tanh(v) - exact) / (Math.abs(exact) * Number.EPSILON);
      if (ulp > worst) worst = ulp;
      if (tanh(-v) !== -tanh(v)) notOdd++;
    }
    expect(worst).toBeLessThan(4);
    expect(notOdd).toBe(0);
  });

  it('saturates to ±1, keeps 0 and propagates NaN', () => {
    expect(tanh(20.5)).toBe(1);
    expect(tanh(-1e300)).toBe(-1);
    expect(tanh(Number.POSITIVE_INFINITY)).toBe(1);
    expect(tanh(0)).toBe(0);
    expect(tanh(1e-300)).toBe(1e-300);
    expect(tanh(Number.NaN)).toBeNaN();
  });
});
