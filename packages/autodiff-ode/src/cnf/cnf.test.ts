import { describe, expect, it } from 'vitest';
import { FusedSolver } from '../integrate/fused-solver';
import { MLP } from '../mlp/mlp';
import { createRng } from '../random/rng';
import { CNF, gaussianNLL, twoMoons } from './cnf';
import { TraceField } from './trace-field';
import { relErr, centralGradient } from '../../test/finite-difference';

describe('continuous normalizing flow', () => {
  for (const activation of ['tanh', 'softplus'] as const) {
    it(`has exact trace, and VJPs through the trace matching finite differences (${activation})`, () => {
      const mlp = new MLP({ widths: [4, 7, 6, 3], activation });
      const p = mlp.initParams(createRng(3), 0.7);
      const field = new TraceField(mlp, 'exact');
      const y = Float64Array.of(0.3, -0.4, 0.8, 0);
      const t = 0.4;
      const d = new Float64Array(4);
      field.f(t, y, p, d);
      const J = new Float64Array(12);
      mlp.jacobian(p, [0.3, -0.4, 0.8, t], J);
      expect(d[3]).toBeCloseTo(J[0]! + J[5]! + J[10]!, 13);
      const v = Float64Array.of(0.5, -1, 0.25, 2);
      const vJy = new Float64Array(4);
      const vJp = new Float64Array(p.length);
      field.vjp(t, y, p, v, vJy, vJp);
      const h = 1e-6;
      const dot = (yy: Float64Array, pp: Float64Array) => {
        field.f(t, yy, pp, d);
        return d[0]! * v[0]! + d[1]! * v[1]! + d[2]! * v[2]! + d[3]! * v[3]!;
      };
      const gp = centralGradient((pp) => dot(y, pp), p, h);
      const gy = centralGradient((yy) => dot(yy, p), y, h);
      expect(relErr(vJp, gp)).toBeLessThan(1e-7);
      expect(relErr(vJy, gy)).toBeLessThan(1e-7);
    });
  }

  it("Hutchinson's estimate averages to the exact trace", () => {
    const mlp = new MLP({ widths: [4, 8, 3] });
    const p = mlp.initParams(createRng(5), 0.8);
    const exact = new TraceField(mlp, 'exact');
    const hutch = new TraceField(mlp, 'hutchinson');
    const y = Float64Array.of(0.1, 0.2, -0.3, 0);
    const d = new Float64Array(4);
    exact.f(0.5, y, p, d);
    const tr = d[3]!;
    // Rademacher probes: the mean over all 2³ sign patterns is exactly the trace.
    let mean = 0;
    for (let s = 0; s < 8; s++) {
      hutch.setProbe([s & 1 ? 1 : -1, s & 2 ? 1 : -1, s & 4 ? 1 : -1]);
      hutch.f(0.5, y, p, d);
      mean += d[3]! / 8;
    }
    expect(mean).toBeCloseTo(tr, 12);
    const solver = new FusedSolver(hutch, { method: 'rk4', substeps: 2 });
    expect(solver.forward(p, y, [0, 1], false).status).toBe('success');
  });

  it('fits two moons: held-out NLL beats the best single Gaussian', () => {
    const train = twoMoons(256, 0.1, 1);
    const test = twoMoons(256, 0.1, 2);
    const cnf = new CNF({ dim: 2, hidden: [16, 16], trace: 'hutchinson', steps: 6, seed: 3 });
    cnf.train(train, { epochs: 20, batchSize: 32, lr: 1e-2 });
    const flow = cnf.nll(test);
    const gauss = gaussianNLL(train, test);
    console.info(`two moons held-out NLL: CNF ${flow.toFixed(3)}, Gaussian ${gauss.toFixed(3)}`);
    expect(flow).toBeLessThan(gauss - 0.1);
  });
});
