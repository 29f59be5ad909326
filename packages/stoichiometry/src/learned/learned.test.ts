import { describe, expect, it } from 'vitest';
import { centralGradient, closeTo } from '../../test/support/finite-difference';
import { conservationLaws } from '../conservation/laws';
import { parseNetwork } from '../network/parse';
import { conservationPenalty } from './conservation-penalty';
import { michaelisMenten } from '../kinetics/michaelis-menten';
import { mixedRates } from './mixed-rates';
import { mlpRates } from './mlp-rates';
import { nonNegativeRates, softplus } from './non-negative';
import { type StoichiometricField, stoichiometricField } from './stoichiometric-field';

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 48271) >>> 0) % 2147483647;
    return s / 2147483647;
  };
}

const net = parseNetwork('A + B <-> C\nC -> D + B\nD -> A');
const irreversible = net.reactions.map((r) => !r.reversible);
const random = lcg(7);
const mlp = mlpRates({ nSpecies: 4, nControls: 2, nReactions: 3, hidden: [6, 5] });
const theta = mlp.initParams(random, 0.8);
const x = Float64Array.from([0.4, 1.1, 0.3, 0.8]);
const u = Float64Array.from([0.5, -0.2]);
const v = Float64Array.from([0.3, -1.2, 0.7, 0.2]);

/** vJx and vJθ of `field` at (x, u, θ) against central differences of vᵀf, to 1e-7. */
function checkFieldVjp(field: StoichiometricField, th: Float64Array): void {
  const gx = new Float64Array(4);
  const gt = new Float64Array(th.length);
  field.vjp(0, x, u, th, v, gx, gt);
  const dot = (y: Float64Array, t: Float64Array): number => {
    const f = new Float64Array(4);
    field.f(0, y, u, t, f);
    return f.reduce((s, fi, i) => s + fi * v[i]!, 0);
  };
  closeTo(
    gx,
    centralGradient((y) => dot(y, th), x),
    1e-7,
    'vJx',
  );
  closeTo(
    gt,
    centralGradient((t) => dot(x, t), th),
    1e-7,
    'vJθ',
  );
}

describe('learned rates', () => {
  it('mlpRates: VJP in x and θ matches finite differences', () => {
    const w = Float64Array.from([0.5, -1, 2]);
    const gx = new Float64Array(4);
    const gt = new Float64Array(mlp.nParams);
    mlp.vjp(x, u, theta, w, gx, gt);
    const dot = (y: Float64Array, th: Float64Array): number => {
      const r = new Float64Array(3);
      mlp.rates(y, u, th, r);
      return r.reduce((s, ri, j) => s + ri * w[j]!, 0);
    };
    closeTo(
      gx,
      centralGradient((y) => dot(y, theta), x),
      1e-7,
      'vJx',
    );
    closeTo(
      gt,
      centralGradient((th) => dot(x, th), theta),
      1e-7,
      'vJθ',
    );
  });

  it('nonNegativeRates: irreversible rates are softplus ≥ 0, reversible ones pass through', () => {
    const nn = nonNegativeRates(mlp, irreversible);
    const raw = new Float64Array(3);
    const out = new Float64Array(3);
    for (let k = 0; k < 50; k++) {
      const th = mlp.initParams(random, 3);
      mlp.rates(x, u, th, raw);
      nn.rates(x, u, th, out);
      expect(out[0]).toBe(raw[0]);
      expect(out[1]).toBeGreaterThanOrEqual(0);
      expect(out[1]).toBeCloseTo(softplus(raw[1]!), 15);
      expect(out[2]).toBeGreaterThanOrEqual(0);
    }
    expect(softplus(-800)).toBe(0);
    expect(softplus(800)).toBe(800);
  });

  it('stoichiometricField: f = S·r_θ and its VJP match finite differences', () => {
    const rates = nonNegativeRates(mlp, irreversible);
    const field = stoichiometricField(net.S, rates);
    checkFieldVjp(field, theta);
    const bound = field.withControls((t, out) => {
      out[0] = t;
      out[1] = -t;
    });
    const f1 = new Float64Array(4);
    const f2 = new Float64Array(4);
    bound.f(0.5, x, theta, f1);
    field.f(0.5, x, Float64Array.from([0.5, -0.5]), theta, f2);
    expect(Array.from(f1)).toEqual(Array.from(f2));
  });

  it('stoichiometricField: W·f = 0 for every θ (the hard constraint)', () => {
    const field = stoichiometricField(net.S, mlp);
    const W = conservationLaws(net.S);
    const f = new Float64Array(4);
    for (let k = 0; k < 20; k++) {
      field.f(0, x, u, mlp.initParams(random, 2), f);
      const scale = f.reduce((s, fi) => s + Math.abs(fi), 0);
      for (const w of W)
        expect(Math.abs(w.reduce((s, wi, i) => s + wi * f[i]!, 0))).toBeLessThanOrEqual(1e-15 * scale * 4);
    }
  });

  it('conservationPenalty: zero on S·r fields, positive off them, gradient matches finite differences', () => {
    const W = conservationLaws(net.S);
    const penalty = conservationPenalty(W);
    const f = new Float64Array(4);
    stoichiometricField(net.S, mlp).f(0, x, u, theta, f);
    expect(penalty.value(f)).toBeLessThan(1e-28);
    const g = new Float64Array(4);
    expect(penalty.gradient(v, g)).toBeGreaterThan(0);
    closeTo(
      g,
      centralGradient((y) => penalty.value(y), v),
      1e-8,
      '∂P',
    );
  });

  it('mixedRates: known laws and a learned remainder, VJP matching finite differences', () => {
    const learned = mlpRates({ nSpecies: 4, nControls: 2, nReactions: 2, hidden: [5] });
    const th = learned.initParams(random, 0.8);
    const mm = michaelisMenten({ substrate: 2, vmax: 1.5, km: 0.3, enzyme: 1 });
    const mixed = mixedRates([null, mm, null], learned);
    const r = new Float64Array(3);
    const rl = new Float64Array(2);
    mixed.rates(x, u, th, r);
    learned.rates(x, u, th, rl);
    expect(Array.from(r)).toEqual([rl[0], mm.rate(x, u), rl[1]]);
    checkFieldVjp(stoichiometricField(net.S, mixed), th);
    expect(() => mixedRates([mm, mm, null], learned)).toThrow(/1 reactions are left to learn/);
  });

  it('refuses mismatched shapes', () => {
    expect(() => stoichiometricField([[1, -1]], mlp)).toThrow(/S is 1×2/);
    expect(() => nonNegativeRates(mlp, [true])).toThrow(/1 flags for 3 reactions/);
    expect(() => mlp.rates(x, u, new Float64Array(3), new Float64Array(3))).toThrow(/θ has length 3/);
  });
});
