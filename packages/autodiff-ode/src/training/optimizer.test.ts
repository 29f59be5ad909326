import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { Adam } from './adam';
import { clipGradientNorm, learningRateAt } from './schedule';

describe('optimiser pieces', () => {
  it('Adam: the first step moves every coordinate by lr against the sign of its gradient', () => {
    const p = Float64Array.of(1, -2, 3);
    new Adam(3).step(p, Float64Array.of(0.5, -4, 1e-3), 0.1);
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(-1.9, 6);
    expect(p[2]).toBeCloseTo(2.9, 4);
  });

  it('Adam state round-trips, so a restored optimiser continues identically', () => {
    const a = new Adam(2);
    const p = Float64Array.of(1, 1);
    a.step(p, Float64Array.of(1, -1), 0.1);
    const b = new Adam(2);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    const q = p.slice();
    a.step(p, Float64Array.of(0.3, 0.2), 0.1);
    b.step(q, Float64Array.of(0.3, 0.2), 0.1);
    expect(Array.from(q)).toEqual(Array.from(p));
  });

  it('schedules: cosine ends at minLr, exponential and step decay, linear warm-up', () => {
    expect(learningRateAt(1, { kind: 'cosine', minLr: 0.1 }, 9, 10)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(1, { kind: 'cosine' }, 0, 10)).toBe(1);
    expect(learningRateAt(2, { kind: 'exponential', gamma: 0.5 }, 3, 10)).toBe(0.25);
    expect(learningRateAt(1, { kind: 'step', every: 4, factor: 0.1 }, 9, 20)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(1, undefined, 0, 10, 4)).toBe(0.25);
  });

  it('gradient clipping rescales to the norm bound and reports the norm before', () => {
    const g = Float64Array.of(3, 4);
    expect(clipGradientNorm(g, 1)).toBe(5);
    expect(Math.hypot(g[0]!, g[1]!)).toBeCloseTo(1, 14);
    expect(clipGradientNorm(g, 10)).toBeCloseTo(1, 14);
  });

  it('the seeded generator is reproducible and resumable from its state', () => {
    const a = createRng(42);
    a.normal();
    const b = createRng(a.state());
    expect([a.uniform(), a.normal(), a.int(10)]).toEqual([b.uniform(), b.normal(), b.int(10)]);
    const xs = Array.from({ length: 100 }, () => createRng(7).uniform());
    expect(new Set(xs).size).toBe(1);
    const r = createRng(1);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < 20000; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / 20000)).toBeLessThan(0.03);
    expect(Math.abs(s2 / 20000 - 1)).toBeLessThan(0.05);
  });
});
