import { describe, expect, it } from 'vitest';
import { NeuralODE } from '../field/neural-ode';
import { createRng } from '../random/rng';
import { EnsembleModel } from './ensemble';
import { TrainedModel } from './trained-model';

describe('simulate: a failed prediction is a status, as for solve', () => {
  const node = new NeuralODE({ nStates: 2, nControls: 0, hidden: [4] });
  const good = node.initParams(createRng(1), 0.3);
  const broken = good.slice();
  broken[3] = Number.NaN; // a corrupted weight: f is NaN everywhere
  const times = [0, 0.5, 1, 2];

  for (const method of ['rk4', 'dopri5', 'radau5'] as const) {
    it(`${method}: success gives the states predict gives; failure names t and predict throws it`, () => {
      const model = new TrainedModel(node, good, { method });
      const ok = model.simulate([0.5, 1], undefined, times);
      expect(ok.status).toBe('success');
      expect(Array.from(ok.t)).toEqual(times);
      expect(ok.y.map((v) => Array.from(v))).toEqual(
        model.predict([0.5, 1], undefined, times).map((v) => Array.from(v)),
      );
      const bad = new TrainedModel(node, broken, { method }).simulate([0.5, 1], undefined, times);
      expect(bad.status).toBe('failed');
      expect(bad.message).toMatch(/t=/);
      expect(bad.y).toEqual([]);
      expect(() => new TrainedModel(node, broken, { method }).predict([0.5, 1], undefined, times)).toThrow(
        bad.message,
      );
    });
  }

  it('an ensemble with one broken member fails naming that member, and succeeds without it', () => {
    const members = [good, broken, good].map((p) => new TrainedModel(node, p, { method: 'rk4' }));
    const r = new EnsembleModel(members, [0.1, 0.1]).simulate([0.5, 1], undefined, times);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^ensemble member 2\/3: .*t=/);
    const fine = new EnsembleModel([members[0]!, members[2]!], [0.1, 0.1]).simulate(
      [0.5, 1],
      undefined,
      times,
    );
    expect(fine.status).toBe('success');
    expect(fine.median).toHaveLength(times.length);
    for (let k = 0; k < times.length; k++) {
      for (let j = 0; j < 2; j++) expect(fine.lower[k]![j]!).toBeLessThanOrEqual(fine.upper[k]![j]!);
    }
  });
});
