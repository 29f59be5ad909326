import { solve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import { centralPartial, relErr } from '../../test/finite-difference';
import { createRng } from '../random/rng';
import { ObservationLoss, trainHybrid } from '../training/train-hybrid';
import { AdditiveHybrid, type MechanisticPart } from './additive-hybrid';

// A → B → C catalysed by enzymes u0, u1 (controls): r1 = k1·u0·A/(K + A), r2 = k2·u1·B.
// θ = [k1, K, k2, s] where s = 0 is a fixed, untrained entry (not positive).
const mechanistic: MechanisticPart = {
  nStates: 3,
  nControls: 2,
  params: [0.8, 0.5, 0.3, 0],
  f(_t, x, u, th, d) {
    const r1 = (th[0]! * u[0]! * x[0]!) / (th[1]! + x[0]!);
    const r2 = th[2]! * u[1]! * x[1]!;
    d[0] = -r1;
    d[1] = r1 - r2;
    d[2] = r2;
  },
  vjp(_t, x, u, th, v, vJx, vJth) {
    const den = th[1]! + x[0]!;
    const r1 = (th[0]! * u[0]! * x[0]!) / den;
    const dr1dA = (th[0]! * u[0]! * th[1]!) / (den * den);
    const w1 = v[1]! - v[0]!;
    const w2 = v[2]! - v[1]!;
    vJx[0] = w1 * dr1dA;
    vJx[1] = w2 * th[2]! * u[1]!;
    vJx[2] = 0;
    vJth[0] = (w1 * r1) / th[0]!;
    vJth[1] = (-w1 * r1) / den;
    vJth[2] = w2 * u[1]! * x[1]!;
    vJth[3] = 0;
  },
};

const controls = {
  times: [0, 2, 5, 10],
  values: [
    [1, 0.5],
    [1.5, 0.6],
    [0.7, 1.2],
    [1, 1],
  ],
};

function hybrid(hidden = [8]) {
  return new AdditiveHybrid(mechanistic, {
    stateScale: [1, 1, 1],
    controlScale: [1, 1],
    rateScale: [0.2, 0.2, 0.2],
    hidden,
  });
}

describe('AdditiveHybrid', () => {
  it('trains the positive entries of θ on a log scale and starts as the mechanistic model exactly', () => {
    const model = hybrid();
    expect(Array.from(model.trainable)).toEqual([0, 1, 2]);
    const p = model.initParams(createRng(3));
    expect(Array.from(p.subarray(0, 3))).toEqual([Math.log(0.8), Math.log(0.5), Math.log(0.3)]);
    const field = model.field(controls);
    const y = Float64Array.of(1.2, 0.4, 0.1);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    field.f(3.3, y, p, a);
    const u = Float64Array.of(1.5 + ((0.7 - 1.5) * 1.3) / 3, 0.6 + ((1.2 - 0.6) * 1.3) / 3);
    mechanistic.f(3.3, y, u, Float64Array.from(mechanistic.params), b);
    for (let j = 0; j < 3; j++) expect(a[j]).toBeCloseTo(b[j]!, 14);
    // Not all zero: the hidden layers are initialised, only the output layer is zero.
    expect(p.subarray(3).some((w) => w !== 0)).toBe(true);
    expect(Array.from(field.tstops)).toEqual([2, 5]);
  });

  it.each([
    ['every state in, every state corrected', {}],
    ['state 1 in, states 0 and 2 corrected', { inputs: [1], corrected: [0, 2], rateScale: [0.2, 0.4] }],
  ])('vjp and jac agree with central differences in x, log θ and the network weights (%s)', (_, extra) => {
    const model = new AdditiveHybrid(mechanistic, {
      stateScale: [1, 2, 0.5],
      controlScale: [1, 3],
      rateScale: [0.2, 0.2, 0.2],
      hidden: [6, 5],
      ...extra,
    });
    const p = model.initParams(createRng(7), 0.7);
    // A non-zero output layer, so the network's terms count.
    const rng = createRng(11);
    for (let i = 3; i < p.length; i++) p[i] += 0.3 * rng.normal();
    const field = model.field(controls);
    const t = 6.1;
    const y = Float64Array.of(0.9, 0.35, 0.2);
    const v = Float64Array.of(0.3, -1.1, 0.7);
    const vJy = new Float64Array(3);
    const vJp = new Float64Array(p.length);
    field.vjp(t, y, p, v, vJy, vJp);
    const d = new Float64Array(3);
    const vf = (yy: Float64Array, pp: Float64Array) => {
      field.f(t, yy, pp, d);
      return v[0]! * d[0]! + v[1]! * d[1]! + v[2]! * d[2]!;
    };
    const fdY = Array.from(y, (_, j) => centralPartial((z) => vf(z, p), y, j, 1e-6));
    const fdP = Array.from(p, (_, j) => centralPartial((z) => vf(y, z), p, j, 1e-6));
    expect(relErr(vJy, fdY)).toBeLessThan(1e-8);
    expect(relErr(vJp, fdP)).toBeLessThan(1e-8);
    expect(relErr(vJp.subarray(0, 3), fdP.slice(0, 3))).toBeLessThan(1e-8);
    const J = new Float64Array(9);
    field.jac!(t, y, p, J);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const fd = centralPartial(
          (z) => {
            field.f(t, z, p, d);
            return d[i]!;
          },
          y,
          j,
          1e-6,
        );
        expect(J[i * 3 + j]).toBeCloseTo(fd, 7);
      }
  });

  it('round-trips through toJSON with the same field', () => {
    const model = hybrid();
    const p = model.initParams(createRng(5));
    for (let i = 0; i < p.length; i++) p[i] += 0.01 * i;
    // ln θ values for which Math.log(Math.exp(x)) !== x (about 1 in 20 doubles).
    p.set([-0.999, -0.997, -0.994]);
    for (let q = 0; q < 3; q++) expect(Math.log(Math.exp(p[q]!))).not.toBe(p[q]);
    const json = JSON.parse(JSON.stringify(model.toJSON(p)));
    const back = AdditiveHybrid.fromJSON(json, mechanistic);
    const y = Float64Array.of(0.5, 0.5, 0.5);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    model.field(controls).f(4, y, p, a);
    back.model.field(controls).f(4, y, back.params, b);
    // The parameter vector comes back to the bit (ln θ is saved as trained), so the field does too.
    expect(Array.from(back.params)).toEqual(Array.from(p));
    expect(Array.from(b)).toEqual(Array.from(a));
    // An older file without logTheta restores from ln(theta): the same field to round-off.
    const { logTheta: _, ...old } = json;
    const fromTheta = AdditiveHybrid.fromJSON(old, mechanistic);
    fromTheta.model.field(controls).f(4, y, fromTheta.params, b);
    for (let j = 0; j < 3; j++) expect(b[j]).toBeCloseTo(a[j]!, 13);
    expect(() => AdditiveHybrid.fromJSON({ ...json, network: [1, 2] }, mechanistic)).toThrow(
      /network weights/,
    );
    expect(() => AdditiveHybrid.fromJSON({ ...json, logTheta: [0] }, mechanistic)).toThrow(/logTheta/);
    // A spec whose network would take gigabytes is refused from its size, before any allocation.
    const huge = { ...json, spec: { ...json.spec, hidden: new Array(8).fill(4096) } };
    expect(() => AdditiveHybrid.fromJSON(huge, mechanistic)).toThrow(/network weights, the spec needs 117/);
  });

  it('refuses bad specs with the entry named', () => {
    expect(() => new AdditiveHybrid(mechanistic, { stateScale: [1, 0, 1], rateScale: [1, 1, 1] })).toThrow(
      /stateScale\[1\]/,
    );
    expect(
      () => new AdditiveHybrid(mechanistic, { stateScale: [1, 1, 1], rateScale: [1, 1, 1], trainable: [3] }),
    ).toThrow(/trainable parameter 3 has the value 0/);
    expect(
      () => new AdditiveHybrid(mechanistic, { stateScale: [1, 1, 1], rateScale: [1], corrected: [1, 1] }),
    ).toThrow(/twice/);
  });
});

describe('ObservationLoss', () => {
  it('scores sums of states and maps the gradient back (Hᵀ∂L/∂z)', () => {
    const obs = Float64Array.of(1, 2, Number.NaN, 0.5);
    const loss = new ObservationLoss(
      obs,
      [{ states: [0] }, { states: [1, 2], coefficients: [1, 2] }],
      3,
      Float64Array.of(1, 4),
    );
    const y = Float64Array.of(1.5, 0.5, 1, 0.2, 0.1, 0.3);
    const g = new Float64Array(6);
    const L = loss.at(0, y, 0, g, 0) + loss.at(1, y, 3, g, 3);
    // Three observed entries: (1.5−1)²·1, (0.5+2−2)²·4, (0.1+0.6−0.5)²·4; the loss is their mean.
    expect(L).toBeCloseTo((0.25 + 1 + 0.16) / 3, 14);
    const fd = Array.from(y, (_, j) =>
      centralPartial((z) => loss.at(0, z, 0, null, 0) + loss.at(1, z, 3, null, 0), y, j, 1e-6),
    );
    for (let j = 0; j < 6; j++) expect(g[j]).toBeCloseTo(fd[j]!, 8);
    expect(g[3]).toBe(0); // state 0 at the second time: its observation is missing
  });
});

/** Observations of a system at `times` (tight bdf), as rows, the pool B + C as the second column. */
function observe(
  f: (t: number, x: Float64Array, u: Float64Array, d: Float64Array) => void,
  y0: number[],
  times: number[],
) {
  const u = new Float64Array(2);
  const interp = (t: number, c: number) => {
    const T = controls.times;
    if (t <= T[0]!) return controls.values[0]![c]!;
    for (let k = 1; k < T.length; k++)
      if (t <= T[k]!) {
        const a = (t - T[k - 1]!) / (T[k]! - T[k - 1]!);
        return controls.values[k - 1]![c]! * (1 - a) + controls.values[k]![c]! * a;
      }
    return controls.values.at(-1)![c]!;
  };
  const r = solve(
    {
      f: (t: number, x: Float64Array, d: Float64Array) => {
        u[0] = interp(t, 0);
        u[1] = interp(t, 1);
        f(t, x, u, d);
      },
      y0,
      tspan: [0, 10],
    },
    { method: 'radau5', rtol: 1e-11, atol: 1e-13, saveAt: times, tstops: [2, 5] },
  );
  expect(r.status).toBe('success');
  return r.y.map((row) => [row[0]!, row[1]! + row[2]!]);
}

describe('trainHybrid', () => {
  const times = Array.from({ length: 21 }, (_, i) => i * 0.5);
  const observables = [{ states: [0] }, { states: [1, 2] }];

  it('stage 1 recovers the mechanistic parameters from data the mechanism explains (C unobserved, B pooled with C)', () => {
    const truth = [1.6, 0.25, 0.3, 0];
    const data = (y0: number[]) =>
      observe((t, x, u, d) => mechanistic.f(t, x, u, Float64Array.from(truth), d), y0, times);
    const y0s = [
      [2, 0, 0],
      [1, 0.5, 0],
    ];
    const model = new AdditiveHybrid(mechanistic, {
      stateScale: [1, 1, 1],
      rateScale: [0.1, 0.1, 0.1],
      hidden: [4],
      trainable: [0, 1],
    });
    const r = trainHybrid({
      model,
      trajectories: y0s.map((y0) => ({ times, observations: data(y0), controls, y0 })),
      observables,
      mechanisticIterations: 60,
      epochs: 0,
      rtol: 1e-9,
      atol: 1e-12,
    });
    expect(r.lossMechanistic).toBeLessThan(1e-10 * r.lossStart);
    expect(Math.exp(r.params[0]!)).toBeCloseTo(1.6, 4);
    expect(Math.exp(r.params[1]!)).toBeCloseTo(0.25, 4);
    expect(r.history.every((h) => h.phase === 'mechanistic')).toBe(true);
  });

  it('the learned correction captures what the mechanism lacks (a first-order loss of B)', () => {
    const missing = 0.25;
    const data = (y0: number[]) =>
      observe(
        (t, x, u, d) => {
          mechanistic.f(t, x, u, Float64Array.from(mechanistic.params), d);
          d[1] -= missing * x[1]!;
        },
        y0,
        times,
      );
    const y0s = [
      [2, 0, 0],
      [1, 0.5, 0],
      [1.5, 0.2, 0.1],
    ];
    const trajectories = y0s.map((y0) => ({ times, observations: data(y0), controls, y0 }));
    const spec = { stateScale: [1, 1, 1], rateScale: [0.3, 0.3, 0.3], hidden: [12] };
    const common = { trajectories, observables, rtol: 1e-7, atol: 1e-10, seed: 2 };
    const mechOnly = trainHybrid({
      ...common,
      model: new AdditiveHybrid(mechanistic, spec),
      mechanisticIterations: 40,
      epochs: 0,
    });
    const both = trainHybrid({
      ...common,
      model: new AdditiveHybrid(mechanistic, spec),
      mechanisticIterations: 40,
      epochs: 150,
      lr: 0.02,
      refine: { iterations: 60 },
    });
    // The mechanism alone cannot remove B + C; the correction can.
    expect(mechOnly.loss).toBeGreaterThan(1e-3);
    expect(both.loss).toBeLessThan(0.05 * mechOnly.loss);
    expect(both.history.some((h) => h.phase === 'adam')).toBe(true);
    expect(both.history.some((h) => h.phase === 'refine')).toBe(true);
  });

  it('a starting model that cannot be solved is a failed status naming the trajectory, not a throw', () => {
    // The same mechanism with a rate that is NaN once A falls below 1.5: it fails on the way.
    const broken: MechanisticPart = {
      ...mechanistic,
      f(t, x, u, th, d) {
        mechanistic.f(t, x, u, th, d);
        if (x[0]! < 1.5) d[0] = Number.NaN;
      },
    };
    const model = new AdditiveHybrid(broken, {
      stateScale: [1, 1, 1],
      rateScale: [0.1, 0.1, 0.1],
      hidden: [4],
    });
    const r = trainHybrid({
      model,
      trajectories: [
        { name: 'strain-2', times, observations: times.map(() => [1, 1]), controls, y0: [2, 0, 0] },
      ],
      observables,
      epochs: 5,
    });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^the starting model cannot be solved: strain-2: /);
    expect(Number.isNaN(r.loss)).toBe(true);
    expect(r.history).toHaveLength(0);
    expect(Array.from(r.params)).toEqual(Array.from(model.initParams(createRng(0))));
  });
});
