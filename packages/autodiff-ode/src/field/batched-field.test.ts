import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { BatchedNeuralField } from './batched-field';
import { NeuralODE } from './neural-ode';

describe('BatchedNeuralField', () => {
  for (const nonnegative of ['none', 'production-degradation'] as const) {
    it(`equals the trajectories' own fields, value and VJP, in lockstep pairs plus a single (${nonnegative})`, () => {
      const node = new NeuralODE({
        nStates: 3,
        nControls: 2,
        hidden: [9, 6],
        activation: 'silu',
        nonnegative,
        timeInput: true,
      });
      const p = node.initParams(createRng(6), 0.5);
      const rng = createRng(1);
      const fields = [0, 1, 2].map((k) =>
        node.field({
          times: [0, 1, 2 + k],
          values: [
            [k, 1],
            [0.5, -k],
            [1, 1],
          ],
        }),
      );
      const batch = new BatchedNeuralField(fields);
      expect(Array.from(batch.tstops)).toEqual([1]);
      const y = Float64Array.from({ length: 9 }, () => 0.5 + rng.normal() * 0.3);
      const v = Float64Array.from({ length: 9 }, () => rng.normal());
      const d = new Float64Array(9);
      const vJy = new Float64Array(9);
      const vJp = new Float64Array(p.length);
      batch.f(0.7, y, p, d);
      batch.vjp(0.7, y, p, v, vJy, vJp);
      const sum = new Float64Array(p.length);
      for (let k = 0; k < 3; k++) {
        const dk = new Float64Array(3);
        const jy = new Float64Array(3);
        const jp = new Float64Array(p.length);
        fields[k]!.f(0.7, y.subarray(3 * k, 3 * k + 3), p, dk);
        fields[k]!.vjp(0.7, y.subarray(3 * k, 3 * k + 3), p, v.subarray(3 * k, 3 * k + 3), jy, jp);
        for (let i = 0; i < 3; i++) {
          expect(d[3 * k + i]).toBeCloseTo(dk[i]!, 14);
          expect(vJy[3 * k + i]).toBeCloseTo(jy[i]!, 13);
        }
        for (let q = 0; q < p.length; q++) sum[q] += jp[q]!;
      }
      for (let q = 0; q < p.length; q++) expect(vJp[q]).toBeCloseTo(sum[q]!, 12);
    });
  }
});
