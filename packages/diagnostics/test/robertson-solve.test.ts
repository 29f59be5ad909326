import { solve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import { stiffnessProfile } from '../src/index';

const f = (_t: number, y: Float64Array, d: Float64Array) => {
  d[0] = -0.04 * y[0]! + 1e4 * y[1]! * y[2]!;
  d[1] = 0.04 * y[0]! - 1e4 * y[1]! * y[2]! - 3e7 * y[1]! * y[1]!;
  d[2] = 3e7 * y[1]! * y[1]!;
};

describe('Robertson, solved and diagnosed', () => {
  it('shows the stiffness ratio growing past 1e6 along a radau5 trajectory and recommends a stiff method', () => {
    const saveAt = Array.from({ length: 23 }, (_, i) => (i === 0 ? 0 : 10 ** (-6 + (i - 1) / 2)));
    const sol = solve(
      { f, y0: [1, 0, 0], tspan: [0, 1e5] },
      { method: 'radau5', rtol: 1e-8, atol: 1e-12, saveAt },
    );
    expect(sol.status, sol.message).toBe('success');
    const profile = stiffnessProfile({ n: 3, f }, sol, { conservation: [[1, 1, 1]] });
    expect(profile.stiffnessRatio[0]!).toBeLessThan(10);
    expect(profile.stiffnessRatio[profile.t.length - 1]!).toBeGreaterThan(1e6);
    // The ratio climbs (almost) monotonically once the fast transient is over.
    for (let k = 12; k < profile.t.length; k++)
      expect(profile.stiffnessRatio[k]!).toBeGreaterThan(profile.stiffnessRatio[k - 1]!);
    expect(profile.recommendation.stiff).toBe(true);
    expect(['radau5', 'rodas5', 'bdf']).toContain(profile.recommendation.method);
  });
});
