import { describe, expect, it, vi } from 'vitest';
import { NeuralODE, type NeuralODESpec } from '../field/neural-ode';
import { WasmPairMLP } from '../mlp/wasm-pair';
import { createRng } from '../random/rng';
import { DesignPredictor } from './design-predictor';
import { EnsembleModel } from './ensemble';
import { TrainedModel } from './trained-model';

// A + B <-> C (reversible, enzyme 0), C -> D + B (enzymes 1 and 2), an influx of A (no
// enzyme), A + D -> ∅ (enzyme 2): reversible and irreversible rates, a lumped reaction with two
// enzymes, Michaelis–Menten substrate factors.
const S = [
  [-1, 0, 1, -1],
  [-1, 1, 0, 0],
  [1, -1, 0, 0],
  [0, 1, 0, -1],
];
const T = 41;
const times = Float64Array.from({ length: T }, (_, k) => (8 * k) / (T - 1));
// Control courses on a coarser, uneven grid (knots inside output intervals: the steps split
// there), enzyme 2 at zero at first (a factor then carries no flux, whatever the design).
const controls = {
  times: [0, 1.3, 2.5, 4, 6.1, 8],
  values: [
    [1, 3, 0],
    [2, 1, 0.4],
    [0.5, 2, 1],
    [1, 4, 2],
    [1.5, 2.5, 1.2],
    [0.8, 3, 0.6],
  ],
};
const x0 = [1, 0.5, 0.2, 0.1];

function srSpec(saturation: number | 'learned' | undefined, michaelisMenten = true): NeuralODESpec {
  return {
    nStates: 4,
    nControls: 3,
    hidden: [9, 7],
    activation: 'tanh',
    stateShift: [1, 0.5, 0.3, 0.2],
    stateScale: [0.8, 0.4, 0.5, 0.3],
    outputScale: [0.3, 0.2, 0.2, 0.1],
    stoichiometry: {
      S,
      enzymes: [0, [1, 2], null, 2],
      reversible: [true, false, false, false],
      networkControls: false,
      massAction: true,
      michaelisMenten,
      elasticity: 'learned',
      elasticityInit: 0.6,
      ...(saturation !== undefined ? { enzymeSaturation: saturation, enzymeSaturationInit: 2 } : {}),
      enzymeScale: [1, 2.5, 0.9],
    },
  };
}

/** Members with random weights and kinetic parameters (α, K, κ moved off their starts). */
function ensemble(spec: NeuralODESpec, members: number, seed: number, predict = { method: 'rk4' as const }) {
  const rng = createRng(seed);
  const models = Array.from({ length: members }, () => {
    const node = new NeuralODE(spec);
    const p = node.initParams(rng, 0.6);
    for (let q = node.mlp.nParams; q < p.length; q++) p[q] += 0.4 * rng.normal();
    return new TrainedModel(node, p, { method: 'rk4' });
  });
  return new EnsembleModel(models, new Float64Array(4), { nonnegative: true, predict });
}

const scaled = (f: ArrayLike<number>, d: number, m: number) => ({
  times: controls.times,
  values: controls.values.map((row) => row.map((u, c) => f[d * m + c]! * u)),
});

function expectClose(got: Float64Array, o: number, want: Float64Array[], tol: number): void {
  for (let k = 0; k < want.length; k++)
    for (let j = 0; j < 4; j++) {
      const w = want[k]![j]!;
      expect(Math.abs(got[o + k * 4 + j]! - w)).toBeLessThanOrEqual(tol * Math.max(Math.abs(w), 1e-12));
    }
}

describe('DesignPredictor', () => {
  for (const [saturation, mm] of [
    ['learned', true],
    [3, true],
    [undefined, false],
  ] as const)
    it(`fused rk4 path equals ensemble.predict on the scaled controls (saturation ${saturation}, Michaelis–Menten ${mm})`, () => {
      const ens = ensemble(srSpec(saturation, mm), 5, 11);
      const dp = new DesignPredictor(ens, x0, controls, times);
      expect(dp.fused).toBe(true);
      const rng = createRng(3);
      const D = 7; // odd: the last design runs alone
      const F = Float64Array.from({ length: D * 3 }, () => 0.3 + 2 * rng.uniform());
      F[4] = 0; // design 1 knocks enzyme 1 out
      F[3 * 5] = 1e-3;
      const out = new Float64Array(D * T * 4);
      const ok = new Uint8Array(D);
      // Designs 2…6 in one call, 0…1 in another: results do not depend on the batch.
      dp.predict(F, 2, D, out.subarray(2 * T * 4), ok.subarray(2));
      dp.predict(F, 0, 2, out, ok);
      let moved = 0;
      for (let d = 0; d < D; d++) {
        expect(ok[d]).toBe(1);
        const want = ens.predict(x0, scaled(F, d, 3), times);
        expectClose(out, d * T * 4, want, 1e-12);
        moved = Math.max(moved, Math.abs(want[T - 1]![3]! - ens.predict(x0, controls, times)[T - 1]![3]!));
      }
      // The designs change the prediction (a test that would pass with the base strain's would not).
      expect(moved).toBeGreaterThan(1e-3);
    });

  it('without WebAssembly SIMD the plain-JS network pass gives the same predictions', () => {
    const ens = ensemble(srSpec('learned'), 3, 13);
    const spy = vi.spyOn(WasmPairMLP, 'create').mockReturnValue(null);
    let dp: DesignPredictor;
    try {
      dp = new DesignPredictor(ens, x0, controls, times);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(dp.fused).toBe(true);
    const F = Float64Array.from([1.5, 0.5, 2, 0.7, 0, 1.3, 2, 2, 0.4]);
    const out = new Float64Array(3 * T * 4);
    const ok = new Uint8Array(3);
    dp.predict(F, 0, 3, out, ok);
    for (let d = 0; d < 3; d++) {
      expect(ok[d]).toBe(1);
      expectClose(out, d * T * 4, ens.predict(x0, scaled(F, d, 3), times), 1e-12);
    }
  });

  it('substeps and an even ensemble (median of two) are followed', () => {
    const ens = ensemble(srSpec('learned'), 4, 5, { method: 'rk4', substeps: 3 } as never);
    const dp = new DesignPredictor(ens, x0, controls, times);
    expect(dp.fused).toBe(true);
    const F = Float64Array.from([1.5, 0.5, 2, 0.7, 1, 1]);
    const out = new Float64Array(2 * T * 4);
    const ok = new Uint8Array(2);
    dp.predict(F, 0, 2, out, ok);
    for (let d = 0; d < 2; d++) expectClose(out, d * T * 4, ens.predict(x0, scaled(F, d, 3), times), 1e-12);
  });

  it('a design whose solve diverges is reported (ok 0, NaN) and its pair partner is not affected', () => {
    // Unsaturated power law and first-order mass action: a huge factor makes the states overflow.
    const ens = ensemble(srSpec(undefined, false), 3, 2);
    const dp = new DesignPredictor(ens, x0, controls, times);
    const F = Float64Array.from([1e200, 1e200, 1e200, 1.2, 0.8, 1.1]);
    expect(ens.simulate(x0, scaled(F, 0, 3), times).status).toBe('failed');
    const out = new Float64Array(2 * T * 4);
    const ok = new Uint8Array(2);
    dp.predict(F, 0, 2, out, ok);
    expect(Array.from(ok)).toEqual([0, 1]);
    expect(out.subarray(0, T * 4).every(Number.isNaN)).toBe(true);
    expectClose(out, T * 4, ens.predict(x0, scaled(F, 1, 3), times), 1e-12);
  });

  it('other ensembles take the general path with the same results', () => {
    const rng = createRng(9);
    const spec: NeuralODESpec = { nStates: 4, nControls: 3, hidden: [6], activation: 'tanh' };
    const models = [0, 1, 2].map(() => {
      const node = new NeuralODE(spec);
      return new TrainedModel(node, node.initParams(rng, 0.3), { method: 'rk4' });
    });
    const ens = new EnsembleModel(models, new Float64Array(4), { predict: { method: 'rk4' } });
    const dp = new DesignPredictor(ens, x0, controls, times);
    expect(dp.fused).toBe(false);
    const F = Float64Array.from([1.5, 0.5, 2, 0, 1, 3]);
    const out = new Float64Array(2 * T * 4);
    const ok = new Uint8Array(2);
    dp.predict(F, 0, 2, out, ok);
    for (let d = 0; d < 2; d++) {
      expect(ok[d]).toBe(1);
      expectClose(out, d * T * 4, ens.predict(x0, scaled(F, d, 3), times), 0);
    }
    // S·r_θ members predicted by an adaptive method are not fused either.
    const adaptive = ensemble(srSpec('learned'), 2, 1, { method: 'dopri5' } as never);
    expect(new DesignPredictor(adaptive, x0, controls, times).fused).toBe(false);
  });

  it('refuses bad arguments with one clear error', () => {
    const ens = ensemble(srSpec('learned'), 2, 4);
    const dp = new DesignPredictor(ens, x0, controls, times);
    const out = new Float64Array(2 * T * 4);
    const ok = new Uint8Array(2);
    expect(() => dp.predict([1, -1, 1], 0, 1, out, ok)).toThrow(/factor -1 of design 0/);
    expect(() => dp.predict([1, Number.NaN, 1], 0, 1, out, ok)).toThrow(/factor NaN of design 0/);
    expect(() => dp.predict([1, 1, 1], 0, 2, out, ok)).toThrow(/outside the factors/);
    expect(() => dp.predict([1, 1, 1], 0, 1, new Float64Array(3), ok)).toThrow(/too short/);
    expect(() => new DesignPredictor(ens, [1, 2], controls, times)).toThrow(/x0 has 2 entries/);
    expect(() => new DesignPredictor(ens, x0, controls, [0, 2, 1])).toThrow(/increase strictly/);
  });
});
