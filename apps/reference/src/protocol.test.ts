import { describe, expect, it } from 'vitest';
import { bandCoverage, compareScores, scorePrediction } from './protocol';

const grid = Float64Array.from([0, 1, 2, 3]);
const measured = [
  { name: 'A', times: [0, 1, 3], values: [1, 2, 3] },
  { name: 'B', times: [0, 2], values: [2, 2] },
];

describe('the metric panel', () => {
  it('scores RMSE, nRMSE, their means and the integral metric at the measured times', () => {
    const zero = [new Float64Array(4), Float64Array.from([2, 2, 3, 4])];
    const s = scorePrediction(measured, grid, zero, [2, 0]);
    expect(s.rmse.A).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(s.nrmse.A).toBeCloseTo(Math.sqrt(14 / 3) / 2, 12);
    // B's errors are 0 and 1 (the prediction at t=2 is 3); a zero spread scales by 1.
    expect(s.rmse.B).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(s.nrmse.B).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(s.overallNrmse).toBeCloseTo((s.nrmse.A! + s.nrmse.B!) / 2, 12);
    expect(s.meanRmse).toBeCloseTo((s.rmse.A! + s.rmse.B!) / 2, 12);
    // Trapezoid of e² = 1, 4, 9 on t = 0, 1, 3: (1 + 4)/2 + (4 + 9)/2·2 = 15.5.
    expect(s.integral.A).toBeCloseTo(Math.sqrt(15.5), 12);
    // e² = 0, 1 on t = 0, 2: 1.
    expect(s.integral.B).toBeCloseTo(1, 12);
    expect(s.meanIntegral).toBeCloseTo((Math.sqrt(15.5) + 1) / 2, 12);
  });

  it('compares aggregates and states, and labels the per-state maximum', () => {
    const model = scorePrediction(
      measured,
      grid,
      [Float64Array.from([1, 2, 2.5, 3]), new Float64Array(4).fill(3)],
      [1, 1],
    );
    const base = scorePrediction(
      measured,
      grid,
      [new Float64Array(4), new Float64Array(4).fill(2.5)],
      [1, 1],
    );
    const p = compareScores(model, base);
    expect(p.aggregates.overallNrmse.improvementPct).toBeCloseTo(
      100 * (1 - model.overallNrmse / base.overallNrmse),
      12,
    );
    expect(p.aggregates.meanIntegral.model).toBe(model.meanIntegral);
    expect(p.perState.A!.rmse.improvementPct).toBe(100);
    expect(p.perState.B!.integral.improvementPct).toBeCloseTo(-100, 10);
    expect(p.upTo.rmse).toEqual({ state: 'A', improvementPct: 100 });
    expect(p.upTo.integral).toEqual({ state: 'A', improvementPct: 100 });
  });

  it('counts the measured points inside a band', () => {
    const lower = [new Float64Array(4).fill(1.5), new Float64Array(4).fill(0)];
    const upper = [new Float64Array(4).fill(2.5), new Float64Array(4).fill(2)];
    // A: only 2 is in [1.5, 2.5]; B: both 2s are in [0, 2].
    expect(bandCoverage(measured, grid, lower, upper, 0.8)).toEqual({
      level: 0.8,
      coverage: 3 / 5,
      points: 5,
    });
  });
});
