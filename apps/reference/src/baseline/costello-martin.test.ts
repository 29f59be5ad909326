import { describe, expect, it } from 'vitest';
import { BASELINE_NAMES, fitBaseline, type GridTrajectory, predictBaseline } from './costello-martin';

/** The double right after x. */
function nextUp(x: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  v.setBigUint64(0, v.getBigUint64(0) + 1n);
  return v.getFloat64(0);
}

/**
 * Six-point trajectories (too short to smooth): state A sits on two adjacent doubles, so the
 * splits of A fall between them; B's derivative changes there. A prediction from A above both
 * values takes the right branch of such a split: with the naive midpoint that child was empty and
 * its leaf NaN, and the solve failed (issue 16).
 */
function adjacentTrajectories(): GridTrajectory[] {
  const xa = 0.022634511;
  const xb = nextUp(xa);
  const t = Float64Array.from([0, 1, 2, 3, 4, 5]);
  return [1, 2].map((s) => ({
    t,
    states: [
      Float64Array.from([xa, xa, xa, xb, xb, xb]),
      Float64Array.from([0, 0, 0, 1, 2, 3].map((v) => s * v)),
    ],
    controls: [new Float64Array(6).fill(s)],
  }));
}

describe('the Costello & Martin baselines', () => {
  it('fit and integrate every regressor of the panel on splits between adjacent doubles', () => {
    const train = adjacentTrajectories();
    for (const name of BASELINE_NAMES) {
      for (const seed of [0, 1, 2]) {
        const model = fitBaseline(train, { regressor: name, seed, nEstimators: 20 });
        expect(model.name).toBe(name);
        const p = predictBaseline(model, [0.03, 0], train[0]!.t, train[0]!.controls);
        expect(p.status, name).toBe('success');
        if (p.status === 'success') for (const s of p.states) expect(s.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('returns a failed status (not an exception) when the field is not finite', () => {
    const train = adjacentTrajectories();
    const model = {
      ...fitBaseline(train),
      derivative: (_x: Float64Array, _u: Float64Array, out: Float64Array) => out.fill(Number.NaN),
    };
    const p = predictBaseline(model, [0, 0], train[0]!.t, train[0]!.controls);
    expect(p.status).toBe('failed');
    if (p.status === 'failed') expect(p.message).toMatch(/^random-forest: .*NaN/);
  });

  it('clips predictions at zero', () => {
    const train = adjacentTrajectories();
    const model = {
      ...fitBaseline(train),
      derivative: (_x: Float64Array, _u: Float64Array, out: Float64Array) => out.fill(-1),
    };
    const p = predictBaseline(model, [1, 1], train[0]!.t, train[0]!.controls);
    expect(p.status).toBe('success');
    if (p.status === 'success') {
      expect(p.states[0]![0]).toBe(1);
      expect(p.states[0]![5]).toBe(0);
    }
  });
});
