import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lorenz, lorenzJac } from '../../test/lorenz';
import { stiffnessProfile } from './stiffness';

/** Robertson's reference trajectory from scipy's Radau (test/fixtures/robertson.py). */
const robertson = JSON.parse(
  readFileSync(new URL('../../test/fixtures/robertson.json', import.meta.url), 'utf8'),
) as {
  t: number[];
  y: number[][];
  stiffnessRatio: number[];
};

const robertsonField = {
  n: 3,
  f(_t: number, y: Float64Array, d: Float64Array) {
    d[0] = -0.04 * y[0]! + 1e4 * y[1]! * y[2]!;
    d[1] = 0.04 * y[0]! - 1e4 * y[1]! * y[2]! - 3e7 * y[1]! * y[1]!;
    d[2] = 3e7 * y[1]! * y[1]!;
  },
};

describe('stiffnessProfile', () => {
  it('sees the Robertson stiffness ratio grow past 1e6 and recommends a stiff method', () => {
    const profile = stiffnessProfile(robertsonField, robertson);
    const max = Math.max(...profile.stiffnessRatio);
    expect(max).toBeGreaterThan(1e6);
    expect(profile.stiffnessRatio[0]!).toBeLessThan(10);
    expect(profile.recommendation.stiff).toBe(true);
    expect(['radau5', 'rodas5', 'bdf']).toContain(profile.recommendation.method);
  });

  it('matches scipy-computed ratios on the invariant plane when given the conservation law', () => {
    const profile = stiffnessProfile(robertsonField, robertson, { conservation: [[1, 1, 1]] });
    for (let k = 1; k < robertson.t.length; k++) {
      const ref = robertson.stiffnessRatio[k]!;
      // Central differences are exact for Robertson's quadratic terms, up to round-off.
      expect(Math.abs(profile.stiffnessRatio[k]! - ref) / ref, `t = ${robertson.t[k]}`).toBeLessThan(1e-8);
    }
    expect(profile.eigenvalues[5]!.re).toHaveLength(2);
  });

  it('recommends an explicit method for the (non-stiff, chaotic) Lorenz system', () => {
    const y = [
      [1, 1, 1],
      [-8, -8, 27],
      [10, 12, 25],
    ];
    const profile = stiffnessProfile({ n: 3, f: lorenz, jac: lorenzJac }, { t: [0, 1, 2], y });
    expect(profile.recommendation.stiff).toBe(false);
    expect(profile.recommendation.method).toBe('tsit5');
  });

  it('names the bad sample in its error', () => {
    expect(() => stiffnessProfile(robertsonField, { t: [0], y: [[1, 0]] })).toThrow(
      /state 0: expected a state of length 3/,
    );
  });
});
