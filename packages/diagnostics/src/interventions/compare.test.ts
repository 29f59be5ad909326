import { describe, expect, it } from 'vitest';
import type { ParametricField } from '../field';
import { applyInterventions } from './apply';
import { compareIntervention } from './compare';

/** Cascade x' = u − k·x, y' = c·x − y with p = [k, u, c]: x(T) = x0·e^{−kT} + (u/k)(1 − e^{−kT}). */
const cascade: ParametricField = {
  n: 2,
  p: [0.5, 2, 3],
  f(_t, y, p, d) {
    d[0] = p[1]! - p[0]! * y[0]!;
    d[1] = p[2]! * y[0]! - y[1]!;
  },
  jac(_t, _y, p, J) {
    J[0] = -p[0]!;
    J[1] = 0;
    J[2] = p[2]!;
    J[3] = -1;
  },
};
const xT = (x0: number, k: number, u: number, T: number) =>
  x0 * Math.exp(-k * T) + (u / k) * (1 - Math.exp(-k * T));

describe('interventions', () => {
  const options = { y0: [1, 0], tspan: [0, 4] as const, rtol: 1e-10, atol: 1e-12 };

  it('knocks out a control: the trajectory follows the analytic decay and the steady state moves to 0', () => {
    const cmp = compareIntervention(cascade, [{ kind: 'knockout', index: 1 }], {
      ...options,
      steadyStates: true,
    });
    expect(cmp.status, cmp.message).toBe('success');
    expect(cmp.t).toHaveLength(101);
    expect(cmp.final.baseline[0]!).toBeCloseTo(xT(1, 0.5, 2, 4), 8);
    expect(cmp.final.perturbed[0]!).toBeCloseTo(xT(1, 0.5, 0, 4), 8);
    expect(cmp.final.change[0]!).toBeCloseTo(xT(1, 0.5, 0, 4) - xT(1, 0.5, 2, 4), 8);
    expect(cmp.difference[0]![0]!).toBe(0);
    expect(cmp.steadyStates!.baseline).toHaveLength(1);
    expect(cmp.steadyStates!.baseline[0]!.x[0]!).toBeCloseTo(4, 10);
    expect(cmp.steadyStates!.baseline[0]!.x[1]!).toBeCloseTo(12, 10);
    expect(cmp.steadyStates!.perturbed[0]!.x[0]!).toBeCloseTo(0, 10);
    expect(cmp.steadyStates!.perturbed[0]!.stability).toBe('stable');
  });

  it('over-expresses a control by a factor', () => {
    const cmp = compareIntervention(cascade, [{ kind: 'scale', index: 1, factor: 2.5 }], options);
    expect(cmp.final.perturbed[0]!).toBeCloseTo(xT(1, 0.5, 5, 4), 8);
    expect(cmp.final.relativeChange[0]!).toBeCloseTo(
      (xT(1, 0.5, 5, 4) - xT(1, 0.5, 2, 4)) / xT(1, 0.5, 2, 4),
      8,
    );
  });

  it('holds a driven control at zero after its measured trajectory is written', () => {
    const driven: ParametricField = {
      ...cascade,
      drive(t, p) {
        p[1] = 1 + Math.sin(t);
      },
    };
    const knocked = applyInterventions(driven, [{ kind: 'knockout', index: 1 }]);
    const p = Float64Array.from(knocked.p);
    knocked.drive!(1, p);
    expect(p[1]).toBe(0);
    const cmp = compareIntervention(driven, [{ kind: 'knockout', index: 1 }], options);
    expect(cmp.final.perturbed[0]!).toBeCloseTo(Math.exp(-0.5 * 4), 8);
    // With u(t) = 1 + sin t the baseline differs from the constant-u solution.
    expect(Math.abs(cmp.final.baseline[0]! - xT(1, 0.5, 2, 4))).toBeGreaterThan(1e-3);
  });

  it("removes a species' influence on the others while keeping its own dynamics", () => {
    const cmp = compareIntervention(cascade, [{ kind: 'remove-species', species: 0 }], options);
    expect(cmp.final.perturbed[0]!).toBeCloseTo(cmp.final.baseline[0]!, 8);
    // y' = −y from y(0) = 0 stays at zero.
    expect(cmp.final.perturbed[1]!).toBeCloseTo(0, 10);
  });

  it('rejects an intervention on a missing parameter', () => {
    expect(() => applyInterventions(cascade, [{ kind: 'knockout', index: 3 }])).toThrow(
      /intervention 0 names p\[3\]/,
    );
  });
});
