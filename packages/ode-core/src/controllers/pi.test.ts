import { describe, expect, it } from 'vitest';
import { PIController } from './pi';

describe('PIController', () => {
  it('with beta2 = 0 is the I controller h·safety·err^(−1/(q+1))', () => {
    const c = new PIController(4, { beta1: 1 / 5, beta2: 0 });
    expect(c.propose(0.1, 0.5)).toBeCloseTo(0.1 * 0.9 * 0.5 ** -0.2, 15);
    expect(c.propose(0.1, 0.01)).toBeCloseTo(0.1 * 0.9 * 0.01 ** -0.2, 15);
  });

  it('weighs in the previous accepted error (PI) and forgets it on reset', () => {
    const c = new PIController(4);
    const b1 = 0.85 / 5;
    const b2 = 0.2 / 5;
    expect(c.beta1).toBeCloseTo(b1, 15);
    expect(c.beta2).toBeCloseTo(b2, 15);
    c.propose(1, 0.25);
    expect(c.propose(1, 0.5)).toBeCloseTo(0.9 * 0.5 ** -b1 * 0.25 ** b2, 14);
    c.reset();
    expect(c.propose(1, 0.5)).toBeCloseTo(0.9 * 0.5 ** -b1, 14);
  });

  it('accepts exactly when the scaled error is at most 1', () => {
    const c = new PIController(4);
    expect(c.accept(1)).toBe(true);
    expect(c.accept(1.0000001)).toBe(false);
    expect(c.accept(Number.NaN)).toBe(false);
  });

  it('bounds growth and shrinkage, and does not grow right after a rejection', () => {
    const c = new PIController(4, { facmin: 0.2, facmax: 5 });
    expect(c.propose(1, 0)).toBe(5);
    expect(c.propose(1, 1e12)).toBe(0.2);
    expect(c.propose(1, Number.NaN)).toBe(0.2);
    // First accepted step after a rejection: a tiny error may not enlarge the step.
    expect(c.propose(1, 1e-8)).toBe(1);
    expect(c.propose(1, 1e-8)).toBe(5);
  });

  it('keeps the sign of h (backward integration)', () => {
    expect(new PIController(2).propose(-0.5, 0.3)).toBeLessThan(0);
  });

  it('rejects nonsensical coefficients with a RangeError', () => {
    expect(() => new PIController(0)).toThrow(RangeError);
    expect(() => new PIController(4, { safety: 1.5 })).toThrow(/safety/);
    expect(() => new PIController(4, { facmin: 0 })).toThrow(/facmin/);
    expect(() => new PIController(4, { beta1: Number.NaN })).toThrow(/beta1/);
  });
});
