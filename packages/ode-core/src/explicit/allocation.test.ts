import { afterEach, describe, expect, it } from 'vitest';
import { solve } from '../solve';
import type { ExplicitMethodName, RhsFunction } from '../types';

const Original = globalThis.Float64Array;
let created = 0;
class CountingFloat64Array extends Original {
  // biome-ignore lint/suspicious/noExplicitAny: forwards every Float64Array constructor overload
  constructor(...args: any[]) {
    super(...(args as [number]));
    created++;
  }
}

afterEach(() => {
  globalThis.Float64Array = Original;
});

function countAllocations(run: () => void): number {
  globalThis.Float64Array = CountingFloat64Array as unknown as Float64ArrayConstructor;
  created = 0;
  try {
    run();
  } finally {
    globalThis.Float64Array = Original;
  }
  return created;
}

const oscillator: RhsFunction = (_t, y, d) => {
  d[0] = y[1]!;
  d[1] = -y[0]!;
};

describe('hot loop', () => {
  it.each<ExplicitMethodName>([
    'bs3',
    'dopri5',
    'tsit5',
    'dop853',
    'rk4',
  ])('%s allocates no Float64Array per step (only per solve and per recorded output)', (method) => {
    const count = (t1: number) =>
      countAllocations(() => {
        const sol = solve(
          { f: oscillator, y0: [1, 0], tspan: [0, t1] },
          {
            method,
            h0: method === 'rk4' ? 0.01 : undefined,
            rtol: 1e-8,
            atol: 1e-10,
            saveAt: [t1],
            tstops: [0.5],
          },
        );
        expect(sol.status).toBe('success');
      });
    const short = count(1);
    const long = count(200);
    expect(short).toBeGreaterThan(0);
    expect(long).toBe(short);
  });

  it('the counter does see per-step allocations (dense output keeps a copy of every step)', () => {
    const count = (t1: number) =>
      countAllocations(() => {
        solve({ f: oscillator, y0: [1, 0], tspan: [0, t1] }, { dense: true });
      });
    expect(count(200)).toBeGreaterThan(count(1) + 100);
  });
});
