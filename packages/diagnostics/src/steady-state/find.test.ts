import { describe, expect, it } from 'vitest';
import { bindParameters } from '../field';
import { toggleSwitch } from '../../test/toggle-switch';
import { findSteadyStates, steadyState } from './find';

describe('steady states', () => {
  it('finds all three equilibria of a bistable toggle switch, with stability', () => {
    const field = bindParameters(toggleSwitch(2, [4.5, 4]));
    const starts = [
      [0, 4],
      [4, 0],
      [1, 1],
      [1.2, 1.9],
      [0.1, 3.9],
    ];
    const found = findSteadyStates(field, starts);
    expect(found).toHaveLength(3);
    const d = new Float64Array(2);
    for (const s of found) {
      field.f(0, s.x, d);
      expect(Math.max(Math.abs(d[0]!), Math.abs(d[1]!))).toBeLessThan(1e-10);
    }
    const byU = [...found].sort((a, b) => a.x[0]! - b.x[0]!);
    expect(byU.map((s) => s.stability)).toEqual(['stable', 'unstable', 'stable']);
    // The saddle has one positive and one negative eigenvalue.
    expect(byU[1]!.eigenvalues.re[0]!).toBeGreaterThan(0);
    expect(byU[1]!.eigenvalues.re[1]!).toBeLessThan(0);
  });

  it('uses trajectory end points as starts', () => {
    const field = bindParameters(toggleSwitch(2, [4.5, 4]));
    const trajectory = {
      t: [0, 1],
      y: [
        [3, 3],
        [0.3, 3.6],
      ],
    };
    const [s] = findSteadyStates(field, [trajectory]);
    expect(s!.x[0]!).toBeLessThan(1);
    expect(s!.stability).toBe('stable');
  });

  it('solves the reduced system under conservation laws and matches the analytic equilibrium', () => {
    // A + B <-> C with mass action: A + C and B + C are conserved, so ∂f/∂y is singular.
    const k1 = 2;
    const k2 = 0.5;
    const field = {
      n: 3,
      f(_t: number, y: Float64Array, d: Float64Array) {
        const r = k1 * y[0]! * y[1]! - k2 * y[2]!;
        d[0] = -r;
        d[1] = -r;
        d[2] = r;
      },
    };
    const x0 = [1, 0.6, 0.1];
    const plain = steadyState(field, x0, { pseudoTransient: false });
    expect(plain.status).toBe('failed');
    const W = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    const r = steadyState(field, x0, { conservation: { W } });
    expect(r.status).toBe('success');
    if (r.status !== 'success') return;
    // k1(A0 − C)(B0 − C) = k2·C with A0 = 1.1, B0 = 0.7: the smaller root of a quadratic.
    const [A0, B0] = [1.1, 0.7];
    const b = -(A0 + B0 + k2 / k1);
    const C = (-b - Math.sqrt(b * b - 4 * A0 * B0)) / 2;
    expect(r.x[2]!).toBeCloseTo(C, 12);
    expect(r.x[0]! + r.x[2]!).toBeCloseTo(A0, 14);
    expect(r.x[1]! + r.x[2]!).toBeCloseTo(B0, 14);
    // One time scale left after removing the two conservation zeros: −(k1(A + B) + k2).
    expect(r.eigenvalues.re).toHaveLength(1);
    expect(r.eigenvalues.re[0]!).toBeCloseTo(-(k1 * (r.x[0]! + r.x[1]!) + k2), 10);
    expect(r.stability).toBe('stable');
    // Given totals override those of the start.
    const other = steadyState(field, x0, { conservation: { W, totals: [2, 2] } });
    expect(other.status === 'success' && other.x[0]! + other.x[2]!).toBeCloseTo(2, 12);
  });

  it('falls back to pseudo-transient continuation where damped Newton stalls', () => {
    // f = −(x³ − 2x + 2): Newton from 0.5 stalls at the local minimum of |f| near x = 0.82;
    // the flow x' = f carries the start to the only (stable) root near −1.77.
    const field = {
      n: 1,
      f(_t: number, y: Float64Array, d: Float64Array) {
        d[0] = -(y[0]! ** 3 - 2 * y[0]! + 2);
      },
    };
    expect(steadyState(field, [0.5], { pseudoTransient: false }).status).toBe('failed');
    const r = steadyState(field, [0.5]);
    expect(r.status).toBe('success');
    if (r.status !== 'success') return;
    expect(r.method).toBe('pseudo-transient');
    expect(r.x[0]! ** 3 - 2 * r.x[0]! + 2).toBeCloseTo(0, 12);
    expect(r.stability).toBe('stable');
  });

  it('drops negative equilibria when asked for concentrations', () => {
    const field = {
      n: 1,
      f(_t: number, y: Float64Array, d: Float64Array) {
        d[0] = 1 - y[0]! * y[0]!;
      },
    };
    expect(findSteadyStates(field, [[2], [-2]])).toHaveLength(2);
    const pos = findSteadyStates(field, [[2], [-2]], { nonnegative: true });
    expect(pos).toHaveLength(1);
    expect(pos[0]!.x[0]!).toBeCloseTo(1, 12);
  });

  it('names the bad start', () => {
    const field = bindParameters(toggleSwitch(2, [4.5, 4]));
    expect(() => findSteadyStates(field, [[1, 1], [1]])).toThrow(/start 1: expected a state of length 2/);
  });
});
