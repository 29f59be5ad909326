import { describe, expect, it } from 'vitest';
import { fitRateScale } from './rate-scale';

const times = [0, 1, 2, 3];
const scaling = (n: number, m: number) => ({
  stateShift: new Array(n).fill(1),
  stateScale: new Array(n).fill(1),
  outputScale: new Array(n).fill(0.5),
  controlShift: new Array(m).fill(2),
  controlScale: new Array(m).fill(1),
});

describe('fitRateScale', () => {
  it('recovers constant fluxes of a full-rank network exactly, divided by the enzyme factor', () => {
    // A → B → C at fluxes 2 and 0.25; the second reaction runs on an enzyme at twice its mean.
    const S = [
      [-1, 0],
      [1, -1],
      [0, 1],
    ];
    const states = times.map((t) => [5 - 2 * t, 1 + 1.75 * t, 0.25 * t]);
    const controls = { times, values: times.map(() => [4]) };
    const spec = fitRateScale({ S, enzymes: [null, 0] }, [{ times, states, controls }], scaling(3, 1));
    const rs = spec.rateScale!;
    expect(rs[0]).toBeCloseTo(2, 13);
    expect(rs[1]).toBeCloseTo(0.25 / (4 / 2), 13);
  });

  it('takes the minimum-norm fluxes where S has dependent columns', () => {
    // A ⇄ B as two irreversible reactions: only the net flux is identifiable; S⁺ splits it.
    const S = [
      [-1, 1],
      [1, -1],
    ];
    const states = times.map((t) => [3 - t, 1 + t]);
    const spec = fitRateScale({ S, enzymes: [null, null] }, [{ times, states }], scaling(2, 0));
    expect(spec.rateScale![0]).toBeCloseTo(0.5, 12);
    expect(spec.rateScale![1]).toBeCloseTo(0.5, 12);
  });

  it('divides by the mass-action factor and falls back to the outputScale rule for a reaction without flux', () => {
    // A → B at flux 1 with A ≈ 2 (mean level 2): rateScale = 1/(x̄_A/2); B → C never runs.
    const S = [
      [-1, 0],
      [1, -1],
      [0, 1],
    ];
    const states = times.map(() => [2, 1, 0]);
    states.forEach((row, i) => {
      row[0] = 2 - 0.001 * i;
      row[1] = 1 + 0.001 * i;
    });
    const sc = { ...scaling(3, 0), stateShift: [2, 1, 0] };
    const spec = fitRateScale({ S, enzymes: [null, null], massAction: true }, [{ times, states }], sc);
    const mid = times.slice(1).map((_, i) => (2 - 0.001 * (i + 0.5)) / 2);
    const rms = Math.sqrt(mid.reduce((a, f) => a + f * f, 0) / mid.length);
    expect(spec.rateScale![0]).toBeCloseTo(0.001 / rms, 14);
    expect(spec.rateScale![1]).toBe(0.5);
  });

  it('keeps a given rateScale and skips intervals with a missing state', () => {
    const S = [[-1], [1]];
    const given = fitRateScale({ S, enzymes: [null], rateScale: [7] }, [], scaling(2, 0));
    expect(given.rateScale).toEqual([7]);
    const states = [
      [4, 0],
      [3, Number.NaN],
      [2, 2],
      [1, 3],
    ];
    const spec = fitRateScale({ S, enzymes: [null] }, [{ times, states }], scaling(2, 0));
    expect(spec.rateScale![0]).toBeCloseTo(1, 14);
  });
});
