import { describe, expect, it } from 'vitest';
import reference from '../../test/fixtures/initial-step.json' with { type: 'json' };
import type { RhsFunction } from '../types';
import { initialStepSize } from './initial-step';

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
