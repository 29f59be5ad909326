import { conservationLaws, parseNetwork } from '@kinetica/stoichiometry';
import { describe, expect, it } from 'vitest';
import { FusedSolver } from '../integrate/fused-solver';
import { tapeByRecompute } from '../integrate/taped-model';
import { createRng } from '../random/rng';
import { neuralRates, stoichiometricNeuralField } from './stoichiometric';
import { centralPartial } from '../../test/finite-difference';

describe('S·r_θ fields through @kinetica/stoichiometry', () => {
  const net = parseNetwork('A + B <-> C\nC -> D + B');
  const rates = neuralRates({ nSpecies: 4, nControls: 1, nReactions: 2, hidden: [10], output: 'softplus' });
  const controls = { times: [0, 1, 2], values: [[1], [0.5], [2]] };
  const p = rates.initParams(createRng(4), 0.5);

  it('conserves every law w·S = 0 to round-off along a trajectory, whatever θ', () => {
    const field = stoichiometricNeuralField(net.S, rates, controls);
    const solver = new FusedSolver(tapeByRecompute(field), { method: 'dopri5', rtol: 1e-8, atol: 1e-10 });
    const y0 = [1, 0.7, 0.2, 0];
    const r = solver.forward(p, y0, [0, 0.5, 1, 1.5, 2], false);
    expect(r.status).toBe('success');
    for (const w of conservationLaws(net.S)) {
      const c0 = w.reduce((a, wi, j) => a + wi * y0[j]!, 0);
      for (let i = 1; i < 5; i++) {
        const c = w.reduce((a, wi, j) => a + wi * r.Y[i * 4 + j]!, 0);
        expect(Math.abs(c - c0)).toBeLessThan(1e-13);
      }
    }
  });

  it('has VJPs matching central differences', () => {
    const field = stoichiometricNeuralField(net.S, rates, controls);
    const y = Float64Array.of(0.9, 0.6, 0.3, 0.1);
    const v = Float64Array.of(1, -2, 0.5, 0.3);
    const vJy = new Float64Array(4);
    const vJp = new Float64Array(p.length);
    field.vjp(0.7, y, p, v, vJy, vJp);
    const h = 1e-6;
    const dot = (yy: Float64Array, pp: Float64Array) => {
      const d = new Float64Array(4);
      field.f(0.7, yy, pp, d);
      return d.reduce((a, di, i) => a + di * v[i]!, 0);
    };
    for (let i = 0; i < 4; i++)
      expect(vJy[i]).toBeCloseTo(
        centralPartial((yy) => dot(yy, p), y, i, h),
        7,
      );
    for (let k = 0; k < p.length; k += 3)
      expect(vJp[k]).toBeCloseTo(
        centralPartial((pp) => dot(y, pp), p, k, h),
        7,
      );
  });
});
