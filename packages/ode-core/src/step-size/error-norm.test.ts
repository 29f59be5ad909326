import { describe, expect, it } from 'vitest';
import { scaledErrorNorm } from './error-norm';

describe('scaledErrorNorm', () => {
  it('is the RMS of err_i / (atol_i + rtol·max(|yOld_i|, |yNew_i|))', () => {
    const err = Float64Array.of(1e-6, -3e-6);
    const yOld = Float64Array.of(1, -2);
    const yNew = Float64Array.of(-3, 1);
    const atol = Float64Array.of(1e-6, 1e-3);
    const rtol = 1e-4;
    const r0 = 1e-6 / (1e-6 + 1e-4 * 3);
    const r1 = -3e-6 / (1e-3 + 1e-4 * 2);
    expect(scaledErrorNorm(err, yOld, yNew, atol, rtol)).toBeCloseTo(Math.sqrt((r0 * r0 + r1 * r1) / 2), 15);
  });

  it('is NaN when the error is NaN, so that a controller rejects the step', () => {
    const v = scaledErrorNorm(
      Float64Array.of(Number.NaN),
      Float64Array.of(1),
      Float64Array.of(1),
      Float64Array.of(1),
      0,
    );
    expect(v <= 1).toBe(false);
  });
});
