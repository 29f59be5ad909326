import { describe, expect, it } from 'vitest';
import { jacobianSpectrum, spectralNormMap } from './jacobian-spectrum';

describe('Jacobian spectrum and norm map', () => {
  it('returns a damped rotation’s complex pair from a finite-difference Jacobian', () => {
    // y' = [[−0.1, 2], [−2, −0.1]]·y: eigenvalues −0.1 ± 2i.
    const field = {
      n: 2,
      f(_t: number, y: Float64Array, d: Float64Array) {
        d[0] = -0.1 * y[0]! + 2 * y[1]!;
        d[1] = -2 * y[0]! - 0.1 * y[1]!;
      },
    };
    const ev = jacobianSpectrum(field, 0, [0.3, -1]);
    expect(ev.re[0]!).toBeCloseTo(-0.1, 9);
    expect(ev.re[1]!).toBeCloseTo(-0.1, 9);
    expect(Math.abs(ev.im[0]!)).toBeCloseTo(2, 9);
    expect(ev.im[0]! + ev.im[1]!).toBeCloseTo(0, 12);
  });

  it('maps ‖∂f/∂y‖₂ over samples of a state-dependent Jacobian', () => {
    // f = (y0², y0·y1): J = [[2y0, 0], [y1, y0]], which is diag(2, 1) at (1, 0) and [[6, 0], [4, 3]] at (3, 4).
    const field = {
      n: 2,
      f(_t: number, y: Float64Array, d: Float64Array) {
        d[0] = y[0]! * y[0]!;
        d[1] = y[0]! * y[1]!;
      },
    };
    const norms = spectralNormMap(field, {
      t: [0, 0],
      y: [
        [1, 0],
        [3, 4],
      ],
    });
    expect(norms[0]!).toBeCloseTo(2, 8);
    // σ_max² is the largest eigenvalue of JᵀJ = [[52, 12], [12, 9]].
    expect(norms[1]!).toBeCloseTo(Math.sqrt((61 + Math.sqrt(43 * 43 + 4 * 144)) / 2), 8);
  });
});
