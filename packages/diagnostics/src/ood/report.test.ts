import { describe, expect, it } from 'vitest';
import { bindParameters, type ParametricField } from '../field';
import { simulate } from '../interventions/trajectory';
import { oodReport } from './report';

/** Truth: logistic x' = x(1 − x) feeding y' = x − y. */
const truth: ParametricField = {
  n: 2,
  p: [0],
  f(_t, y, _p, d) {
    d[0] = y[0]! * (1 - y[0]!);
    d[1] = y[0]! - y[1]!;
  },
};
/** A "learned" surrogate that matches the truth for x < 1.5 and goes wrong beyond, as fitted models do. */
const learned = bindParameters({
  ...truth,
  f(t, y, p, d) {
    truth.f(t, y, p, d);
    d[0]! -= 2 * Math.max(0, y[0]! - 1.5) ** 3;
  },
});

const run = (field: ParametricField, x0: number) => {
  const s = simulate(field, {
    y0: [x0, 0],
    tspan: [0, 8],
    saveAt: Array.from({ length: 41 }, (_, i) => i * 0.2),
  });
  return { t: s.t, y: s.y };
};
const surrogate: ParametricField = { n: 2, p: [0], f: (t, y, _p, d) => learned.f(t, y, d) };

describe('oodReport', () => {
  const training = [run(truth, 0.1), run(truth, 0.3)];

  it('passes a test condition inside the training range', () => {
    const report = oodReport(learned, { training, test: run(surrogate, 0.2), observed: run(truth, 0.2) });
    expect(report.flagged, report.reasons.join('; ')).toBe(false);
    expect(report.fractionOutside).toBe(0);
    expect(report.extrapolationError!.overallNrmse).toBeLessThan(1e-6);
  });

  it('flags a test condition outside the training range, with distance, Jacobian-norm and error reasons', () => {
    const report = oodReport(learned, { training, test: run(surrogate, 3), observed: run(truth, 3) });
    expect(report.flagged).toBe(true);
    expect(report.fractionOutside).toBeGreaterThan(0.1);
    expect(report.distance[0]!).toBeGreaterThan(report.distanceThreshold);
    // ∂f̂/∂x at x = 3 is 1 − 2x − 6(x − 1.5)² = −18.5, against ≈ 1.6 in training.
    expect(report.jacobianNorm.ratio).toBeGreaterThan(5);
    expect(report.extrapolationError!.overallNrmse).toBeGreaterThan(0.1);
    expect(report.reasons.some((r) => r.includes('farther'))).toBe(true);
    expect(report.reasons.some((r) => r.includes('Jacobian norm'))).toBe(true);
    expect(report.ftle.test).toHaveLength(20);
  });

  it('catches unseen control levels in the joint (state, control) space, with one field per trajectory', () => {
    // x' = u − x driven by a constant control u: same initial state, the test control is 10× the training ones.
    const relax = (u: number) => ({
      n: 1,
      f: (_t: number, y: Float64Array, d: Float64Array) => {
        d[0] = u - y[0]!;
      },
    });
    const times = Array.from({ length: 21 }, (_, i) => i * 0.05);
    const trajectory = (u: number) => ({ t: times, y: times.map((t) => [u + (1 - u) * Math.exp(-t)]) });
    const us = [1, 1.2, 1.4];
    const options = {
      training: us.map(trajectory),
      test: trajectory(10),
      controls: { training: us.map((u) => times.map(() => [u])), test: times.map(() => [10]) },
      ftleSamples: 0,
    };
    const report = oodReport({ test: relax(10), training: us.map(relax) }, options);
    // The first test states coincide with training states; only the control gives them away.
    expect(report.distance[0]!).toBeGreaterThan(report.distanceThreshold);
    expect(report.flagged).toBe(true);
    const inside = oodReport(
      { test: relax(1.3), training: us.map(relax) },
      { ...options, test: trajectory(1.3), controls: { ...options.controls, test: times.map(() => [1.3]) } },
    );
    expect(inside.flagged, inside.reasons.join('; ')).toBe(false);
  });

  it('names the malformed input', () => {
    expect(() => oodReport(learned, { training: [], test: run(truth, 0.2) })).toThrow(
      /at least one training trajectory/,
    );
    expect(() => oodReport(learned, { training, test: { t: [0], y: [[1]] } })).toThrow(/test: state 0/);
  });
});
