import { describe, expect, it } from 'vitest';
import reference from './fixtures/detest-reference.json' with { type: 'json' };
import { DETEST_TSPAN, detestProblems } from './problems/detest';
import { runDetest } from './problems/detest-metrics';

describe('DETEST non-stiff problems (classes A–E, 23 problems)', () => {
  it('closed-form solutions agree with the scipy DOP853 reference fixture', () => {
    for (const p of detestProblems.filter((q) => q.exact !== undefined)) {
      const e = p.exact!(DETEST_TSPAN[1]);
      const r = (reference.y1 as Record<string, number[]>)[p.name]!;
      e.forEach((v, i) => {
        expect(Math.abs(v - r[i]!)).toBeLessThan(1e-11 * (1 + Math.abs(v)));
      });
    }
  });

  for (const method of ['dopri5', 'tsit5'] as const) {
    for (const tol of [1e-6, 1e-10]) {
      it(`${method} at rtol = atol = ${tol}: every step's true local error is within 10·tol`, () => {
        for (const p of detestProblems) {
          const r = runDetest(p, method, tol);
          expect(r.status, p.name).toBe('success');
          expect(r.maxLocalErr, p.name).toBeLessThan(10);
          // The global error at t = 20 is reported in docs/benchmarks/explicit.md: within 10·tol
          // except where the error of an orbit's phase accumulates (D1–D5: up to ~900·tol, as scipy's).
          expect(r.globalErr, p.name).toBeLessThan(1000);
        }
      });
    }
  }
});
