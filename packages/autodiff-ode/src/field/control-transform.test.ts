import { describe, expect, it } from 'vitest';
import { ControlTransform } from './control-transform';

describe('ControlTransform', () => {
  const training = [
    [Float64Array.of(0, 10, 100), Float64Array.of(-1, 0, 1)],
    [Float64Array.of(5, 50, 500), Float64Array.of(0, 2, 4)],
  ];

  it('logs only controls that are never negative, and clamps to the transformed training range', () => {
    const t = ControlTransform.fit(training, { kind: 'log', clamp: true });
    expect(t.log).toEqual([true, false]);
    expect(t.apply(0, 100)).toBeCloseTo(Math.log1p(100), 15);
    // Beyond the training range: clamped to log1p(500) and to [−1, 4].
    expect(t.apply(0, 1e6)).toBe(Math.log1p(500));
    expect(t.unclamped(0, 1e6)).toBe(Math.log1p(1e6));
    expect(t.apply(1, -7)).toBe(-1);
    expect(t.apply(1, 9)).toBe(4);
    expect(t.rows([Float64Array.of(1, 2), Float64Array.of(3, 4)], 2)).toEqual([
      [Math.log1p(1), 3],
      [Math.log1p(2), 4],
    ]);
  });

  it('is the identity with kind none and no clamp, and round-trips through JSON', () => {
    const t = ControlTransform.fit(training, { kind: 'none' });
    expect(t.apply(0, 1234.5)).toBe(1234.5);
    const again = new ControlTransform(
      JSON.parse(JSON.stringify(ControlTransform.fit(training, { kind: 'log', clamp: true }).toJSON())),
    );
    expect(again.apply(0, 1e6)).toBe(Math.log1p(500));
    expect(() => new ControlTransform({ log: [true], range: { lo: [1], hi: [0] } })).toThrow(
      /not a finite interval/,
    );
    expect(() => new ControlTransform({ log: [true, false], range: { lo: [1], hi: [2] } })).toThrow(
      /must have 2 entries/,
    );
  });
});
