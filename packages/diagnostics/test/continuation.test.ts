import { describe, expect, it } from 'vitest';
import { branchToCsv, continuation, type ParametricField } from '../src/index';
import { toggleFolds, toggleSwitch } from './toggle-switch';

describe('pseudo-arclength continuation', () => {
  it('locates both folds of the toggle switch (n = 2, α2 = 4) to 1e-6 with correct stability labels', () => {
    const folds = toggleFolds(2, 4);
    expect(folds).toHaveLength(2);
    const branch = continuation(toggleSwitch(2, [1, 4]), { index: 0, x0: [0.2, 3.5], range: [0.5, 8] });
    expect(branch.status, branch.message).toBe('success');
    const found = branch.special.filter((s) => s.type === 'fold');
    expect(found).toHaveLength(2);
    const located = found.map((s) => s.p).sort((a, b) => a - b);
    const analytic = folds.map((f) => f.alpha1).sort((a, b) => a - b);
    expect(Math.abs(located[0]! - analytic[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(located[1]! - analytic[1]!)).toBeLessThan(1e-6);
    // The S-shaped branch: stable low-u arm up to the upper fold, saddle between the folds, stable high-u arm.
    const [first, second] = found;
    for (const pt of branch.points) {
      const i = branch.points.indexOf(pt);
      const expected = i <= first!.after || i > second!.after ? 'stable' : 'unstable';
      expect(pt.stability, `point ${i} at α1 = ${pt.p}`).toBe(expected);
    }
    expect(branch.special.some((s) => s.type === 'hopf')).toBe(false);
    const csv = branchToCsv(branch, ['u', 'v']).trim().split('\n');
    expect(csv[0]).toBe('p,u,v,stability,label');
    expect(csv).toHaveLength(1 + branch.points.length + 2);
    expect(csv.filter((r) => r.endsWith(',fold'))).toHaveLength(2);
  });

  it('finds the same folds with a finite-difference Jacobian', () => {
    const field = toggleSwitch(3, [1, 3]);
    const { jac: _analytic, ...withoutJac } = field;
    const branch = continuation(withoutJac, { index: 0, x0: [0.1, 2.9], range: [0.5, 12] });
    const located = branch.special
      .filter((s) => s.type === 'fold')
      .map((s) => s.p)
      .sort((a, b) => a - b);
    const analytic = toggleFolds(3, 3)
      .map((f) => f.alpha1)
      .sort((a, b) => a - b);
    expect(located).toHaveLength(2);
    expect(Math.abs(located[0]! - analytic[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(located[1]! - analytic[1]!)).toBeLessThan(1e-6);
  });

  it('locates the pitchfork of the symmetric toggle switch at α = 2 (n = 2) as a branch point', () => {
    const symmetric: ParametricField = {
      ...toggleSwitch(2, [1, 1]),
      f(t, y, q, d) {
        q[1] = q[0]!;
        toggleSwitch(2, [q[0]!, q[0]!]).f(t, y, q, d);
      },
      jac: undefined,
    };
    const branch = continuation(symmetric, { index: 0, x0: [0.7, 0.7], range: [0.5, 4] });
    const bp = branch.special.filter((s) => s.type === 'branch-point');
    expect(bp).toHaveLength(1);
    expect(Math.abs(bp[0]!.p - 2)).toBeLessThan(1e-6);
    expect(branch.points.find((pt) => pt.p > 2.1)!.stability).toBe('unstable');
    expect(branch.points.find((pt) => pt.p < 1.9)!.stability).toBe('stable');
  });

  it('locates the Brusselator Hopf point at b = 1 + a² to 1e-6', () => {
    for (const a of [1, 1.5]) {
      const brusselator: ParametricField = {
        n: 2,
        p: [a, 1],
        f(_t, y, q, d) {
          const [x, w] = [y[0]!, y[1]!];
          d[0] = q[0]! - (q[1]! + 1) * x + x * x * w;
          d[1] = q[1]! * x - x * x * w;
        },
      };
      const branch = continuation(brusselator, { index: 1, x0: [a, 1 / a], range: [1, 5] });
      expect(branch.status, branch.message).toBe('success');
      const hopf = branch.special.filter((s) => s.type === 'hopf');
      expect(hopf).toHaveLength(1);
      expect(Math.abs(hopf[0]!.p - (1 + a * a))).toBeLessThan(1e-6);
      // Linearization at the Hopf point: eigenvalues ±i·a, so ω = a.
      expect(hopf[0]!.omega!).toBeCloseTo(a, 6);
      expect(branch.points.find((pt) => pt.p < 1 + a * a - 0.05)!.stability).toBe('stable');
      expect(branch.points.find((pt) => pt.p > 1 + a * a + 0.05)!.stability).toBe('unstable');
    }
  });

  it('continues on the invariant subspace when given conservation laws, in either direction', () => {
    // A + B <-> C, rate k1·A·B − k2·C with p = [k1, k2]; A + C = 1.1 and B + C = 0.7 stay fixed.
    const binding: ParametricField = {
      n: 3,
      p: [2, 0.5],
      f(_t, y, q, d) {
        const r = q[0]! * y[0]! * y[1]! - q[1]! * y[2]!;
        d[0] = -r;
        d[1] = -r;
        d[2] = r;
      },
    };
    const W = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    for (const direction of [1, -1] as const) {
      const branch = continuation(binding, {
        index: 0,
        x0: [1, 0.6, 0.1],
        range: [0.5, 8],
        direction,
        conservation: { W },
      });
      expect(branch.status, branch.message).toBe('success');
      expect(branch.points.length).toBeGreaterThan(5);
      for (const pt of branch.points.filter((q) => q.p >= 0.5 && q.p <= 8)) {
        const b = -(1.1 + 0.7 + 0.5 / pt.p);
        const C = (-b - Math.sqrt(b * b - 4 * 1.1 * 0.7)) / 2;
        expect(pt.x[2]!).toBeCloseTo(C, 9);
        expect(pt.x[0]! + pt.x[2]!).toBeCloseTo(1.1, 12);
        expect(pt.stability).toBe('stable');
        expect(pt.eigenvalues.re).toHaveLength(1);
      }
      const ends = branch.points.map((q) => q.p);
      expect(direction > 0 ? Math.max(...ends) > 8 : Math.min(...ends) < 0.5).toBe(true);
      expect(branch.special).toHaveLength(0);
    }
  });

  it('rejects an out-of-range parameter index with a RangeError', () => {
    expect(() => continuation(toggleSwitch(2, [1, 4]), { index: 5, x0: [1, 1], range: [0, 1] })).toThrow(
      RangeError,
    );
  });
});
