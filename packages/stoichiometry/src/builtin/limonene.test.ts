import { solve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import reference from '../../test/fixtures/limonene-reference.json';
import { centralGradient, closeTo } from '../../test/support/finite-difference';
import { conservationLaws } from '../conservation/laws';
import { limoneneEnzymes, limoneneModel, limoneneSpecies } from './limonene';

describe('limoneneModel', () => {
  it('reproduces the scipy Radau (rtol 1e-10) reference trajectory to 1e-6 relative', () => {
    const model = limoneneModel();
    expect(reference.enzymes).toEqual([...limoneneEnzymes]);
    const courses = reference.enzymeCourses;
    const problem = model.problem(reference.y0, [0, 72], (t, u) => {
      for (let k = 0; k < courses.length; k++)
        u[k] = (courses[k]!.kf * t) / (courses[k]!.km + t) + courses[k]!.kl;
    });
    const sol = solve(problem, { method: 'radau5', rtol: 1e-11, atol: 1e-18, saveAt: reference.t });
    expect(sol.status).toBe('success');
    let worst = 0;
    reference.y.forEach((row, i) => {
      row.forEach((v, k) => {
        const got = sol.y[i]![k]!;
        worst = Math.max(worst, Math.abs(got - v) / Math.max(Math.abs(v), 1e-300));
        expect(Math.abs(got - v)).toBeLessThanOrEqual(1e-6 * Math.abs(v) + 1e-300);
      });
    });
    console.info(`limonene: worst relative deviation from the scipy reference ${worst.toExponential(2)}`);
  });

  it('has an analytic Jacobian equal to finite differences, names matching the data, and no conservation law', () => {
    const model = limoneneModel();
    expect(model.species).toEqual([...limoneneSpecies]);
    expect(model.controls).toEqual([...limoneneEnzymes]);
    // The influx of Acetyl-CoA and the Limonene sink leave nothing conserved.
    expect(conservationLaws(model.S)).toEqual([]);
    const x = Float64Array.from([0.3, 0.02, 1e-4, 0.05, 0.7, 0.2, 1e-3, 0.4, 0.2, 1e-6]);
    const u = Float64Array.from(reference.enzymeCourses.map((c) => c.kf));
    const J = new Float64Array(100);
    model.jac(0, x, u, J);
    for (let i = 0; i < 10; i++) {
      const fd = centralGradient(
        (y) => {
          const f = new Float64Array(10);
          model.f(0, y, u, f);
          return f[i]!;
        },
        x,
        1e-7,
      );
      const scale = Math.max(...J.subarray(i * 10, i * 10 + 10).map(Math.abs), 1);
      closeTo(
        J.subarray(i * 10, i * 10 + 10).map((v) => v / scale),
        fd.map((v) => v / scale),
        1e-6,
        `J row ${i}`,
      );
    }
  });
});
