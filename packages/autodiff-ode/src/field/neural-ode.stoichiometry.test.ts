import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { loadModel, TrainedModel } from '../training/trained-model';
import { BatchedNeuralField } from './batched-field';
import { NeuralODE, type NeuralODESpec } from './neural-ode';
import { relErr, centralPartial, centralGradient } from '../../test/finite-difference';

// A + B <-> C (reversible, enzyme 0), C -> D + B (enzyme 1), an influx of A (no enzyme),
// A + D -> ∅ (enzyme 1). B is a catalyst: w = [0, 1, 1, 0] has wᵀS = 0 in this open system.
const S = [
  [-1, 0, 1, -1],
  [-1, 1, 0, 0],
  [1, -1, 0, 0],
  [0, 1, 0, -1],
];
const enzymes = [0, 1, null, 1];
const reversible = [true, false, false, false];
const law = [0, 1, 1, 0];
const controls = {
  times: [0, 1, 2.5, 4],
  values: [
    [1, 3],
    [2, 1],
    [0.5, 2],
    [1, 4],
  ],
};

function spec(
  networkControls: boolean,
  massAction = false,
  kinetic: {
    elasticity?: number | 'learned';
    michaelisMenten?: boolean;
    enzymeSaturation?: number | 'learned';
    enzymes?: NeuralODESpec['stoichiometry'] extends infer T
      ? T extends { enzymes: infer E }
        ? E
        : never
      : never;
  } = {},
): NeuralODESpec {
  return {
    nStates: 4,
    nControls: 2,
    hidden: [8, 8],
    activation: 'tanh',
    timeInput: true,
    stateShift: [1, 0.5, 0, -1],
    stateScale: [2, 0.5, 1, 3],
    controlShift: [1, 2],
    controlScale: [0.5, 2],
    timeScale: 4,
    outputScale: [0.3, 2, 1, 0.7],
    stoichiometry: {
      S,
      enzymes: kinetic.enzymes ?? enzymes,
      reversible,
      networkControls,
      massAction,
      ...(kinetic.elasticity !== undefined ? { elasticity: kinetic.elasticity } : {}),
      ...(kinetic.michaelisMenten ? { michaelisMenten: true } : {}),
      ...(kinetic.enzymeSaturation !== undefined ? { enzymeSaturation: kinetic.enzymeSaturation } : {}),
    },
  };
}

/** Learned elasticities (two enzymes on one reaction) and learned Michaelis constants. */
const KINETIC = { elasticity: 'learned' as const, michaelisMenten: true, enzymes: [0, [1, 0], null, 1] };

describe('NeuralODE in the S·r_θ form', () => {
  for (const [networkControls, massAction, kinetic] of [
    [false, false, {}],
    [true, false, {}],
    [false, true, {}],
    [true, true, {}],
    [false, true, KINETIC],
    [true, false, { elasticity: 'learned' as const }],
    [false, true, { elasticity: 0.4, michaelisMenten: true }],
    [false, true, { ...KINETIC, enzymeSaturation: 'learned' as const }],
    [true, false, { elasticity: 0.6, enzymeSaturation: 'learned' as const, enzymes: [0, [1, 0], null, 1] }],
    [false, true, { elasticity: 'learned' as const, enzymeSaturation: 2.5 }],
  ] as const) {
    it(`has VJP and Jacobian matching central differences (networkControls ${networkControls}, massAction ${massAction}, ${JSON.stringify(kinetic)})`, () => {
      const node = new NeuralODE(spec(networkControls, massAction, kinetic));
      const p = node.initParams(createRng(3), 0.5);
      // Move the kinetic parameters off their starting values so every term is exercised.
      for (let k = node.elasticityOffset; k < node.nParams; k++) p[k] = 0.3 * Math.sin(k + 1);
      const field = node.field(controls);
      const t = 1.7;
      const y = Float64Array.of(0.8, 1.3, 0.4, 2);
      const v = Float64Array.of(0.3, -1.1, 0.7, 0.2);
      const vJy = new Float64Array(4);
      const vJp = new Float64Array(node.nParams);
      field.vjp(t, y, p, v, vJy, vJp);
      const h = 1e-6;
      const dot = (yy: Float64Array, pp: Float64Array) => {
        const d = new Float64Array(4);
        field.f(t, yy, pp, d);
        return d.reduce((a, di, i) => a + di * v[i]!, 0);
      };
      const central = (x: Float64Array, k: number, g: (x: Float64Array) => number) =>
        centralPartial(g, x, k, h);
      const gy = centralGradient((yy) => dot(yy, p), y, h);
      const gp = centralGradient((pp) => dot(y, pp), p, h);
      expect(relErr(vJy, gy)).toBeLessThan(1e-7);
      expect(relErr(vJp, gp)).toBeLessThan(1e-7);
      const J = new Float64Array(16);
      field.jac(t, y, p, J);
      const Jfd = new Float64Array(16);
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) {
          Jfd[i * 4 + j] = central(y, j, (yy) => {
            const d = new Float64Array(4);
            field.f(t, yy, p, d);
            return d[i]!;
          });
        }
      }
      expect(relErr(J, Jfd)).toBeLessThan(1e-7);
    });
  }

  it('learns elasticities: α = 0.5 makes rates scale with √E, and the kinetics read back', () => {
    const node = new NeuralODE({
      ...spec(false, true, { elasticity: 'learned', michaelisMenten: true }),
      stoichiometry: {
        S: S.map((row) => [row[0]!, row[1]!, row[3]!]),
        enzymes: [0, [1, 0], 1],
        reversible: [true, false, false],
        massAction: true,
        michaelisMenten: true,
        elasticity: 'learned',
      },
    });
    // Four reaction–enzyme pairs; substrates: C of reaction 1, A and D of reaction 2.
    expect(node.nParams).toBe(node.mlp.nParams + 4 + 3);
    const p = node.initParams(createRng(5), 0.7);
    const k = node.kinetics(p);
    expect(k.elasticity.map((e) => [e.reaction, e.control, e.alpha])).toEqual([
      [0, 0, 0.5],
      [1, 1, 0.5],
      [1, 0, 0.5],
      [2, 1, 0.5],
    ]);
    // K starts at each substrate's typical level (substrateScale).
    expect(k.michaelis.map((m) => m.K)).toEqual(
      k.michaelis.map((m) => node.stoichiometry!.substrateScale[m.state]!),
    );
    const quadrupled = { times: controls.times, values: controls.values.map((u) => u.map((x) => 4 * x)) };
    const y = Float64Array.of(0.8, 1.3, 0.4, 2);
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    node.field(controls).f(1.7, y, p, a);
    node.field(quadrupled).f(1.7, y, p, b);
    // Reactions 0 and 2 have one enzyme (×√4 = 2), reaction 1 two (×2·2 = 4): recover the rates.
    const solve3 = (f: Float64Array) => {
      const A = f[0]!;
      const C = f[2]!;
      const D = f[3]!;
      // C = r0 − r1, D = r1 − r2, A = −r0 − r2 ⇒ r2 = −(A + C + D)/2, r1 = D + r2, r0 = C + r1.
      const r2 = -(A + C + D) / 2;
      const r1 = D + r2;
      return [C + r1, r1, r2];
    };
    const ra = solve3(a);
    const rb = solve3(b);
    expect(rb[0]! / ra[0]!).toBeCloseTo(2, 12);
    expect(rb[1]! / ra[1]!).toBeCloseTo(4, 12);
    expect(rb[2]! / ra[2]!).toBeCloseTo(2, 12);
  });

  it('saturates enzyme factors: h = 1 at the typical level, at most 1 + κ far above it, κ read back', () => {
    const stoich = {
      S: S.map((row) => [row[0]!, row[1]!, row[3]!]),
      enzymes: [0, [1, 0], 1],
      reversible: [true, false, false],
      elasticity: 0.5,
      enzymeSaturation: 'learned' as const,
      enzymeSaturationInit: 3,
    };
    const node = new NeuralODE({ ...spec(false), stoichiometry: stoich });
    // One κ per reaction–enzyme pair after the network's weights (α fixed, no Michaelis constants).
    expect(node.nParams).toBe(node.mlp.nParams + 4);
    const p = node.initParams(createRng(5), 0.7);
    for (const e of node.kinetics(p).elasticity) expect(e.kappa).toBeCloseTo(3, 14);
    const pure = new NeuralODE({ ...spec(false), stoichiometry: { ...stoich, enzymeSaturation: undefined } });
    const q = p.subarray(0, pure.nParams);
    const y = Float64Array.of(0.8, 1.3, 0.4, 2);
    const es = node.stoichiometry!.enzymeScale;
    const at = (m: NeuralODE, params: Float64Array, factor: number) => {
      const d = new Float64Array(4);
      const u = Array.from(es, (v) => factor * v);
      m.field({ times: [0, 4], values: [u, u] }).f(1.7, y, params, d);
      // A = −r0 − r2, C = r0 − r1, D = r1 − r2: recover the three rates.
      const r2 = -(d[0]! + d[2]! + d[3]!) / 2;
      const r1 = d[3]! + r2;
      return [d[2]! + r1, r1, r2];
    };
    // At the typical level w = 1 and h = 1: the saturated model equals the pure power law.
    const typical = at(node, p, 1);
    at(pure, q, 1).forEach((r, j) => {
      expect(typical[j]).toBeCloseTo(r, 12);
    });
    // 10¹² times more enzyme: the power law grows 10⁶ per enzyme, the saturated factor ≤ 1 + κ = 4.
    const huge = at(node, p, 1e12);
    const h = (4 * 1e6) / (3 + 1e6);
    expect(huge[0]! / typical[0]!).toBeCloseTo(h, 10);
    expect(huge[1]! / typical[1]!).toBeCloseTo(h * h, 10);
    expect(huge[2]! / typical[2]!).toBeCloseTo(h, 10);
    expect(at(pure, q, 1e12)[0]! / typical[0]!).toBeCloseTo(1e6, 0);
    // The spec round-trips with its saturation.
    const back = new NeuralODE(node.toSpec());
    expect(at(back, p, 1e12)).toEqual(huge);
    expect(
      () => new NeuralODE({ ...spec(false), stoichiometry: { ...stoich, enzymeSaturation: 0 } }),
    ).toThrow(/enzymeSaturation must be 'learned' or a positive number/);
  });

  it('with Michaelis–Menten substrates, rates vanish at zero and saturate far beyond K', () => {
    const node = new NeuralODE(spec(false, true, { michaelisMenten: true }));
    const p = node.initParams(createRng(9), 0.3);
    const field = node.field(controls);
    const d = new Float64Array(4);
    // Every irreversible reaction with substrate D or A stops when A = D = 0 (reaction 1 needs C).
    field.f(1, Float64Array.of(0, 1, 0, 0), p, d);
    // Only the influx (reaction 2, no substrate) and the reversible reaction 0 remain: D unchanged.
    expect(d[3]).toBe(0);
    const big = new Float64Array(4);
    const bigger = new Float64Array(4);
    // Far above K the substrate factor is ≈ 1: tenfold more C changes the C → D + B flux by < 1%.
    field.f(1, Float64Array.of(0, 1, 1e6, 0), p, big);
    field.f(1, Float64Array.of(0, 1, 1e7, 0), p, bigger);
    expect(Math.abs(bigger[3]! / big[3]! - 1)).toBeLessThan(0.01);
  });

  it('conserves wᵀx for every left null vector w of S, whatever θ', () => {
    const node = new NeuralODE(spec(false, true));
    const rng = createRng(8);
    const d = new Float64Array(4);
    for (let trial = 0; trial < 20; trial++) {
      const p = node.initParams(rng, 2);
      const y = Float64Array.from({ length: 4 }, () => 3 * rng.normal());
      node.field(controls).f(4 * rng.uniform(), y, p, d);
      const wf = law.reduce((a, w, i) => a + w * d[i]!, 0);
      const size = law.reduce((a, w, i) => a + Math.abs(w * d[i]!), 0);
      expect(size).toBeGreaterThan(0);
      expect(Math.abs(wf)).toBeLessThanOrEqual(4 * Number.EPSILON * size);
    }
    const model = new TrainedModel(node, node.initParams(createRng(1), 0.5));
    const x0 = [1, 0.7, 0.2, 0];
    const pred = model.predict(x0, controls, [0, 1, 2, 3, 4]);
    const c0 = law.reduce((a, w, i) => a + w * x0[i]!, 0);
    for (const x of pred)
      expect(Math.abs(law.reduce((a, w, i) => a + w * x[i]!, 0) - c0)).toBeLessThan(1e-13);
  });

  it('scales every rate with its enzyme: all enzymes ×3 gives dx/dt ×3 without an influx', () => {
    const node = new NeuralODE({
      ...spec(false),
      stoichiometry: {
        S: S.map((row) => [row[0]!, row[1]!, row[3]!]),
        enzymes: [0, 1, 1],
        reversible: [true, false, false],
        massAction: true,
      },
    });
    const p = node.initParams(createRng(5), 0.7);
    const tripled = { times: controls.times, values: controls.values.map((u) => u.map((x) => 3 * x)) };
    const y = Float64Array.of(0.8, 1.3, 0.4, 2);
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    node.field(controls).f(1.7, y, p, a);
    node.field(tripled).f(1.7, y, p, b);
    expect(
      relErr(
        b,
        a.map((x) => 3 * x),
      ),
    ).toBeLessThan(1e-15);
  });

  it('evaluates the same stacked in a BatchedNeuralField as one field at a time', () => {
    const node = new NeuralODE(spec(false, true));
    const p = node.initParams(createRng(6), 0.5);
    const other = {
      times: [0, 4],
      values: [
        [2, 0.5],
        [1, 1],
      ],
    };
    const fields = [node.field(controls), node.field(other), node.field(controls)];
    const batched = new BatchedNeuralField(fields);
    const y = Float64Array.of(0.8, 1.3, 0.4, 2, 0.1, 0.2, 0.3, 0.4, 1, 1, 1, 1);
    const v = Float64Array.from(y, (_, i) => Math.sin(i + 1));
    const f = new Float64Array(12);
    const vJy = new Float64Array(12);
    const vJp = new Float64Array(node.nParams);
    batched.vjp(2.2, y, p, v, vJy, vJp);
    batched.f(2.2, y, p, f);
    const fOne = new Float64Array(4);
    const vJyOne = new Float64Array(4);
    const vJpOne = new Float64Array(node.nParams);
    const vJpSum = new Float64Array(node.nParams);
    fields.forEach((field, b) => {
      field.f(2.2, y.subarray(4 * b, 4 * b + 4), p, fOne);
      expect(relErr(f.subarray(4 * b, 4 * b + 4), fOne)).toBeLessThan(1e-14);
      field.vjp(2.2, y.slice(4 * b, 4 * b + 4), p, v.slice(4 * b, 4 * b + 4), vJyOne, vJpOne);
      expect(relErr(vJy.subarray(4 * b, 4 * b + 4), vJyOne)).toBeLessThan(1e-14);
      for (let k = 0; k < vJpSum.length; k++) vJpSum[k] += vJpOne[k]!;
    });
    expect(relErr(vJp, vJpSum)).toBeLessThan(1e-14);
  });

  it('round-trips through JSON (S, enzymes and scales in the spec) to identical predictions', () => {
    const node = new NeuralODE({ ...spec(true), stoichiometry: { S, enzymes, massAction: true } });
    const model = new TrainedModel(node, node.initParams(createRng(7), 0.5));
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.spec.stoichiometry.S).toEqual(S);
    expect(json.spec.stoichiometry.enzymes).toEqual(enzymes);
    expect(json.spec.stoichiometry.massAction).toBe(true);
    const again = loadModel(JSON.stringify(model.toJSON()));
    expect(Array.from(again.node.stoichiometry!.rateScale)).toEqual(
      Array.from(node.stoichiometry!.rateScale),
    );
    const times = [0, 0.5, 1.5, 3, 4];
    const a = model.predict([1, 0.7, 0.2, 0], controls, times);
    const b = again.predict([1, 0.7, 0.2, 0], controls, times);
    expect(b.map((x) => Array.from(x))).toEqual(a.map((x) => Array.from(x)));
  });

  it('derives default scales from outputScale and the control means', () => {
    const node = new NeuralODE({ ...spec(false), stoichiometry: { S, enzymes, massAction: true } });
    const st = node.stoichiometry!;
    // Reaction 0 changes A, B, C (outputScale 0.3, 2, 1); 1 changes B, C, D; 2 changes A; 3 A, D.
    expect(Array.from(st.rateScale)).toEqual([2, 2, 0.3, 0.7]);
    expect(Array.from(st.enzymeScale)).toEqual([1, 2]);
    // |stateShift|, or stateScale where the shift is 0.
    expect(Array.from(st.substrateScale)).toEqual([1, 0.5, 1, 1]);
    expect(Array.from(st.substrates)).toEqual([0, 1, 2, 0, 3]);
    expect(node.mlp.widths[0]).toBe(5);
    expect(node.mlp.widths.at(-1)).toBe(4);
  });

  it('names what is wrong with the stoichiometry', () => {
    const base = spec(false);
    const st = base.stoichiometry!;
    expect(() => new NeuralODE({ ...base, stoichiometry: { ...st, S: S.slice(0, 3) } })).toThrow(
      /stoichiometry\.S has 3 rows, expected nStates = 4/,
    );
    expect(() => new NeuralODE({ ...base, stoichiometry: { ...st, enzymes: [0, 1] } })).toThrow(
      /enzymes has 2 entries, expected one per reaction \(4\)/,
    );
    expect(() => new NeuralODE({ ...base, stoichiometry: { ...st, enzymes: [0, 2, null, 1] } })).toThrow(
      /enzymes\[1\] = 2 is not a control index in \[0, 2\)/,
    );
    expect(() => new NeuralODE({ ...base, stoichiometry: { ...st, reversible: [true] } })).toThrow(
      /reversible has 1 entries, expected 4/,
    );
    expect(() => new NeuralODE({ ...base, stoichiometry: { ...st, rateScale: [1, 0, 1, 1] } })).toThrow(
      /rateScale\[1\] must be a finite positive/,
    );
    expect(() => new NeuralODE({ ...base, nonnegative: 'multiplicative' })).toThrow(
      /nonnegative must be 'none' with stoichiometry/,
    );
    expect(
      () =>
        new NeuralODE({
          ...base,
          stoichiometry: {
            ...st,
            S: [
              [1, 0, 0],
              [0, 1],
              [0, 0, 1],
              [1, 1, 1],
            ],
          },
        }),
    ).toThrow(/row 1 has 2 entries, expected 3/);
  });
});
