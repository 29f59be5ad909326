import { describe, expect, it } from 'vitest';
import reference from '../../test/fixtures/initial-step.json' with { type: 'json' };
import { prepareSolve } from '../problem/prepare';
import { solve } from '../solve';
import type { ExplicitMethodName, RhsFunction, SolveOptions } from '../types';
import { firstStep, initialStepSize } from './initial-step';

const rhs: Record<string, RhsFunction> = {
  B5: (_t, y, d) => {
    d[0] = y[1]! * y[2]!;
    d[1] = -y[0]! * y[2]!;
    d[2] = -0.51 * y[0]! * y[1]!;
  },
  A3: (t, y, d) => void (d[0] = y[0]! * Math.cos(t)),
};

describe('initialStepSize', () => {
  it.each(reference.cases)('matches scipy select_initial_step ($problem, order $order, rtol $rtol)', (c) => {
    const f = rhs[c.problem.replace('-backward', '')]!;
    const n = c.y0.length;
    const y0 = Float64Array.from(c.y0);
    const f0 = new Float64Array(n);
    f(c.t0, y0, f0);
    let calls = 0;
    const counting: RhsFunction = (t, y, d) => {
      calls++;
      f(t, y, d);
    };
    const direction = c.t1 > c.t0 ? 1 : -1;
    const h = initialStepSize(
      counting,
      c.t0,
      y0,
      f0,
      c.order,
      c.rtol,
      new Float64Array(n).fill(c.atol),
      direction,
      Math.abs(c.t1 - c.t0),
      {
        y1: new Float64Array(n),
        f1: new Float64Array(n),
      },
    );
    expect(h).toBeGreaterThan(0);
    expect(Math.abs(h - c.h0) / c.h0).toBeLessThan(1e-12);
    expect(calls).toBe(1);
  });

  it('never exceeds hmax', () => {
    const f: RhsFunction = (_t, _y, d) => void (d[0] = 0);
    const h = initialStepSize(
      f,
      0,
      Float64Array.of(1),
      Float64Array.of(0),
      4,
      1e-6,
      Float64Array.of(1e-9),
      1,
      0.5,
      {
        y1: new Float64Array(1),
        f1: new Float64Array(1),
      },
    );
    expect(h).toBeLessThanOrEqual(0.5);
  });
});

describe('firstStep', () => {
  // y' = 1 from a state that is a round-off residue of 0 (5.6e-17) with a tight atol: the
  // starting-step heuristic answers about |y|/|f| = 5.6e-17, below the 16 ulps of t that the
  // loops accept as a step once t is not 0 (as on a restart after an event at t = 1).
  const one: RhsFunction = (_t, _y, d) => void (d[0] = 1);
  const residue = 5.6e-17;

  function first(t0: number, options: SolveOptions = {}): number {
    const prep = prepareSolve({ f: one, y0: [residue], tspan: [t0, t0 + 1] }, { atol: 1e-12, ...options });
    const y = Float64Array.of(residue);
    const fy = Float64Array.of(1);
    return firstStep(prep, t0, y, fy, 4, { y1: new Float64Array(1), f1: new Float64Array(1) });
  }

  it('the estimate alone is below the smallest step at t = 1', () => {
    const h = initialStepSize(
      one,
      1,
      Float64Array.of(residue),
      Float64Array.of(1),
      4,
      1e-6,
      Float64Array.of(1e-12),
      1,
      1,
      {
        y1: new Float64Array(1),
        f1: new Float64Array(1),
      },
    );
    expect(h).toBeLessThan(16 * Number.EPSILON);
  });

  it.each([1, -1, 1000, -1e6])('is never below 1000 ulps of t (t = %d), so the loop can take it', (t0) => {
    const h = first(t0);
    expect(h).toBeGreaterThanOrEqual(1000 * Number.EPSILON * Math.abs(t0));
    expect(t0 + h).not.toBe(t0);
  });

  it('keeps the estimate at t = 0, where any positive step is representable', () => {
    const h = first(0);
    expect(h).toBeGreaterThan(0);
    expect(h).toBeLessThan(1e-12);
  });

  it('never exceeds hmax or the rest of the span, also when that is below the floor', () => {
    expect(first(1, { hmax: 1e-14 })).toBe(1e-14);
    const prep = prepareSolve({ f: one, y0: [residue], tspan: [1, 1 + 1e-14] }, { atol: 1e-12 });
    const h = firstStep(prep, 1, Float64Array.of(residue), Float64Array.of(1), 4, {
      y1: new Float64Array(1),
      f1: new Float64Array(1),
    });
    expect(h).toBeLessThanOrEqual(Math.abs(prep.t1 - 1));
  });

  it("takes the user's h0 as given", () => {
    expect(first(1, { h0: 1e-16 })).toBe(1e-16);
    expect(first(1, { h0: 0.5, hmax: 0.25 })).toBe(0.25);
  });

  it.each<ExplicitMethodName>([
    'dopri5',
    'tsit5',
    'bs3',
    'dop853',
  ])('%s: a solve started at t = 1 from the residue succeeds (was: step size underflow at t=1)', (method) => {
    for (const t0 of [1, 1000]) {
      const sol = solve({ f: one, y0: [residue], tspan: [t0, t0 + 1] }, { method, atol: 1e-12 });
      expect(sol.status, sol.message).toBe('success');
      expect(sol.y[sol.y.length - 1]![0]).toBeCloseTo(1, 9);
      expect(sol.stats.nsteps).toBeLessThan(30);
    }
  });
});
