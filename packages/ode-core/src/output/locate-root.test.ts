import { describe, expect, it } from 'vitest';
import { locateRoot } from './locate-root';

describe('locateRoot', () => {
  it('finds a simple root to the requested tolerance on the far side of the sign change', () => {
    const g = (t: number) => Math.cos(t) - t;
    const root = 0.7390851332151607;
    const t = locateRoot(g, 0, g(0), 1, g(1), 1e-14);
    expect(Math.abs(t - root)).toBeLessThan(1e-14);
    expect(g(t)).toBeLessThanOrEqual(0);
  });

  it('converges on a badly scaled function where plain regula falsi stalls', () => {
    const g = (t: number) => t ** 9 - 1e-9;
    const root = 1e-1;
    let calls = 0;
    const counted = (x: number) => {
      calls++;
      return g(x);
    };
    const t = locateRoot(counted, 0, g(0), 1, g(1), 1e-13);
    expect(Math.abs(t - root)).toBeLessThan(1e-12);
    expect(calls).toBeLessThan(200);
  });

  it('works for a bracket given backwards in time', () => {
    const g = (t: number) => t - 2.5;
    expect(locateRoot(g, 3, g(3), 2, g(2), 1e-12)).toBeCloseTo(2.5, 12);
  });
});
