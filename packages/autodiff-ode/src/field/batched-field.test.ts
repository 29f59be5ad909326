import { describe, expect, it } from 'vitest';
import { FusedSolver } from '../integrate/fused-solver';
import { tapeByRecompute } from '../integrate/taped-model';
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

  it('backpropagates a stacked rk4 solve (deferred parameter gradient) to the sum of the single solves', () => {
    const node = new NeuralODE({ nStates: 3, nControls: 2, hidden: [8, 8], activation: 'tanh' });
    const p = node.initParams(createRng(2), 0.4);
    const times = Float64Array.from({ length: 25 }, (_, i) => 0.25 * i);
    const fields = [0, 1, 2].map((k) =>
      node.field({
        times: [0, 3, 6],
        values: [
          [k, 1],
          [0.5, -k],
          [1, 0.2 * k],
        ],
      }),
    );
    const y0 = Float64Array.from({ length: 9 }, (_, i) => 0.3 + 0.1 * i);
    const rng = createRng(4);
    const dLdY = Float64Array.from({ length: 25 * 9 }, () => rng.normal());
    const batched = new FusedSolver(new BatchedNeuralField(fields), { method: 'rk4' });
    expect(batched.forward(p, y0, times, true).status).toBe('success');
    const dp = new Float64Array(p.length);
    const dy0 = new Float64Array(9);
    batched.backward(p, dLdY, dp, dy0);
    const sum = new Float64Array(p.length);
    for (let k = 0; k < 3; k++) {
      const single = new FusedSolver(fields[k]!, { method: 'rk4' });
      single.forward(p, y0.subarray(3 * k, 3 * k + 3), times, true);
      const g = Float64Array.from(
        { length: 25 * 3 },
        (_, q) => dLdY[Math.floor(q / 3) * 9 + 3 * k + (q % 3)]!,
      );
      const d0 = new Float64Array(3);
      single.backward(p, g, sum, d0);
      for (let i = 0; i < 3; i++) expect(dy0[3 * k + i]).toBeCloseTo(d0[i]!, 12);
    }
    const scale = Math.max(...sum.map(Math.abs));
    expect(scale).toBeGreaterThan(0.1);
    for (let q = 0; q < p.length; q++) expect(Math.abs(dp[q]! - sum[q]!)).toBeLessThan(1e-12 * scale);
  });

  it('backpropagates a stacked dopri5 solve as the untaped recompute path does (same steps, 1e-13)', () => {
    const node = new NeuralODE({ nStates: 3, nControls: 2, hidden: [16, 16], activation: 'tanh' });
    const p = node.initParams(createRng(2), 0.4);
    const times = Float64Array.from({ length: 25 }, (_, i) => 0.25 * i);
    const batch = new BatchedNeuralField(
      [0, 1].map((k) =>
        node.field({
          times: [0, 3, 6],
          values: [
            [k, 1],
            [0.5, -k],
            [1, 0.2 * k],
          ],
        }),
      ),
    );
    // Only f and vjp: the solver re-evaluates each stage in plain JS instead of taping it.
    const plain = tapeByRecompute({
      nStates: 6,
      nParams: p.length,
      tstops: batch.tstops,
      f: (t, y, q, d) => batch.f(t, y, q, d),
      vjp: (t, y, q, v, a, b) => batch.vjp(t, y, q, v, a, b),
    });
    const y0 = Float64Array.from({ length: 6 }, (_, i) => 0.3 + 0.1 * i);
    const rng = createRng(4);
    const dLdY = Float64Array.from({ length: 25 * 6 }, () => rng.normal());
    const [fast, slow] = [batch, plain].map((m) => {
      const solver = new FusedSolver(m, { method: 'dopri5', rtol: 1e-8, atol: 1e-10 });
      const steps = solver.forward(p, y0, times, true).steps;
      const dp = new Float64Array(p.length);
      const dy0 = new Float64Array(6);
      solver.backward(p, dLdY, dp, dy0);
      return { steps, dp, dy0 };
    });
    expect(fast!.steps).toBe(slow!.steps);
    const scale = Math.max(...slow!.dp.map(Math.abs));
    for (let q = 0; q < p.length; q++)
      expect(Math.abs(fast!.dp[q]! - slow!.dp[q]!)).toBeLessThan(1e-13 * scale);
    for (let i = 0; i < 6; i++) expect(fast!.dy0[i]).toBeCloseTo(slow!.dy0[i]!, 12);
  });
});
