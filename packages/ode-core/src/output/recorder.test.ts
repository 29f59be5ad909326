import { describe, expect, it } from 'vitest';
import { solve } from '../solve';
import type { RhsFunction } from '../types';

const f: RhsFunction = (t, y, d) => {
  d[0] = y[1]!;
  d[1] = -y[0]! + 0.1 * Math.cos(t);
};

describe('output rows in one block', () => {
  it('Y holds every saveAt row in order and y[i] reads row i of it', () => {
    const saveAt = Float64Array.from({ length: 1001 }, (_, i) => i * 0.01);
    const sol = solve({ f, y0: [1, 0], tspan: [0, 10] }, { saveAt, rtol: 1e-9, atol: 1e-12 });
    expect(sol.status).toBe('success');
    expect(sol.Y).toBeInstanceOf(Float64Array);
    expect(sol.Y!.length).toBe(2 * saveAt.length);
    expect(Array.from(sol.t)).toEqual(Array.from(saveAt));
    for (let i = 0; i < saveAt.length; i += 97) {
      expect(Array.from(sol.y[i]!)).toEqual([sol.Y![2 * i]!, sol.Y![2 * i + 1]!]);
      // Forced harmonic oscillator: x = cos t + 0.05 t sin t.
      const t = saveAt[i]!;
      expect(sol.y[i]![0]!).toBeCloseTo(Math.cos(t) + 0.05 * t * Math.sin(t), 8);
    }
    expect(sol.y).toBe(sol.y); // made once, then the same rows
  });

  it('every-step output grows the block and keeps the states of the steps', () => {
    const sol = solve({ f, y0: [1, 0], tspan: [0, 50] }, { rtol: 1e-6 });
    const n = sol.t.length;
    expect(n).toBe(sol.stats.naccept + 1);
    expect(sol.Y!.length).toBe(2 * n);
    expect(sol.y).toHaveLength(n);
    expect(sol.t[n - 1]).toBe(50);
  });

  it('a failed solve keeps the rows before the failure, and y can be replaced', () => {
    const blowUp: RhsFunction = (t, y, d) => {
      d[0] = t < 1 ? y[0]! : Number.NaN;
    };
    const saveAt = [0, 0.25, 0.5, 0.75, 1.5, 2];
    const sol = solve({ f: blowUp, y0: [1], tspan: [0, 2] }, { saveAt });
    expect(sol.status).toBe('failed');
    expect(sol.t.length).toBeGreaterThanOrEqual(4);
    expect(sol.Y!.length).toBe(sol.t.length);
    expect(sol.y[3]![0]!).toBeCloseTo(Math.exp(0.75), 6);
    sol.y = [];
    expect(sol.y).toEqual([]);
  });
});
