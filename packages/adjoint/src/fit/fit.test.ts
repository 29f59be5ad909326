import { solve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import type { GradientModel } from '../types';
import { chiSquare1Quantile, type FitExperiment, fitParameters } from './fit';

/** A → B → C with rates k1·A and k2·B (p = [k1, k2]). */
function chain(y0: number[]): GradientModel {
  return {
    t0: 0,
    y0,
    p: [0.7, 0.25],
    f(_t, y, p, d) {
      d[0] = -p[0]! * y[0]!;
      d[1] = p[0]! * y[0]! - p[1]! * y[1]!;
      d[2] = p[1]! * y[1]!;
    },
    vjp(_t, y, p, v, vJy, vJp) {
      vJy[0] = p[0]! * (v[1]! - v[0]!);
      vJy[1] = p[1]! * (v[2]! - v[1]!);
      vJy[2] = 0;
      vJp[0] = y[0]! * (v[1]! - v[0]!);
      vJp[1] = y[1]! * (v[2]! - v[1]!);
    },
  };
}

const TIMES = Float64Array.from({ length: 12 }, (_, i) => 0.5 * (i + 1));

/** The model's states at TIMES with the true parameters (a tight solve). */
function simulate(model: GradientModel, p: number[]): Float64Array[] {
  const sol = solve(
    { ...model, p, tspan: [0, TIMES[TIMES.length - 1]!] },
    { method: 'radau5', rtol: 1e-12, atol: 1e-14, saveAt: TIMES },
  );
  expect(sol.status).toBe('success');
  return sol.y;
}

/** A deterministic standard normal (Box–Muller on mulberry32). */
function normal(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('chiSquare1Quantile', () => {
  it('matches tabulated χ²(1) quantiles', () => {
    expect(chiSquare1Quantile(0.95)).toBeCloseTo(3.841458820694124, 7);
    expect(chiSquare1Quantile(0.99)).toBeCloseTo(6.634896601021214, 7);
    expect(chiSquare1Quantile(0.68)).toBeCloseTo(0.9889465, 6);
  });
});

describe('fitParameters', () => {
  it('recovers k1, k2 from noise-free data of two experiments with B unobserved, from starts 3× off', () => {
    const truth = [0.7, 0.25];
    const experiments: FitExperiment[] = [
      [1, 0, 0],
      [0.5, 0.8, 0],
    ].map((y0, j) => {
      const model = chain(y0);
      const y = simulate(model, truth);
      return {
        name: `e${j}`,
        model,
        times: TIMES,
        outputs: [0, 2].map((state) => ({ state, values: y.map((row) => row[state]!) })),
      };
    });
    const r = fitParameters(
      experiments,
      [
        { index: 0, name: 'k1', start: 3 * truth[0]! },
        { index: 1, name: 'k2', start: truth[1]! / 3 },
      ],
      { starts: 1 },
    );
    expect(r.status).toBe('success');
    expect(r.names).toEqual(['k1', 'k2']);
    expect(Math.abs(r.values[0]! / truth[0]! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(r.values[1]! / truth[1]! - 1)).toBeLessThan(1e-5);
    expect(r.loss).toBeLessThan(1e-12);
    expect(r.observations).toBe(2 * 2 * TIMES.length);
  });

  it('fits data in any units: amounts of 1e-5 (a loss of 1e-10 at the start) as well as amounts of 1', () => {
    for (const unit of [1e-5, 1, 1e4]) {
      const model = chain([unit, 0, 0]);
      const y = simulate(model, [0.7, 0.25]);
      const r = fitParameters(
        [
          {
            model,
            times: TIMES,
            outputs: [0, 2].map((s) => ({ state: s, values: y.map((row) => row[s]!) })),
          },
        ],
        [
          { index: 0, start: 2.2 },
          { index: 1, start: 0.09 },
        ],
        { starts: 1 },
      );
      expect(r.status).toBe('success');
      expect(Math.abs(r.values[0]! / 0.7 - 1), `unit ${unit}`).toBeLessThan(1e-5);
      expect(Math.abs(r.values[1]! / 0.25 - 1), `unit ${unit}`).toBeLessThan(1e-5);
    }
  });

  it('gives profile-likelihood intervals whose ends sit where 2ΔL = χ²(1, 95%) and that contain the estimate', () => {
    const truth = [0.7, 0.25];
    const model = chain([1, 0, 0]);
    const y = simulate(model, truth);
    const z = normal(7);
    const sigma = 0.02;
    const experiment: FitExperiment = {
      model,
      times: TIMES,
      outputs: [1, 2].map((state) => ({ state, sigma, values: y.map((row) => row[state]! + sigma * z()) })),
    };
    const params = [
      { index: 0, name: 'k1', start: 1 },
      { index: 1, name: 'k2', start: 0.1 },
    ];
    const r = fitParameters([experiment], params, { starts: 2, profile: true });
    expect(r.status).toBe('success');
    expect(r.sigma).toBeUndefined();
    expect(r.level).toBe(0.95);
    const q = chiSquare1Quantile(0.95);
    r.intervals!.forEach((iv, i) => {
      expect(iv.lowerFound && iv.upperFound).toBe(true);
      expect(iv.lower).toBeLessThan(r.values[i]!);
      expect(iv.upper).toBeGreaterThan(r.values[i]!);
      // At each end, the others re-fitted with this one fixed there: 2ΔL is the threshold.
      for (const end of [iv.lower, iv.upper]) {
        const fixed = params.map((p, j) =>
          j === i ? { ...p, start: end, lower: end, upper: end * (1 + 1e-12) } : p,
        );
        const at = fitParameters([experiment], fixed, { starts: 1 });
        expect(2 * (at.loss - r.loss)).toBeGreaterThan(0.97 * q);
        expect(2 * (at.loss - r.loss)).toBeLessThan(1.03 * q);
      }
    });
  });

  it('estimates σ from the residuals when none is given', () => {
    const model = chain([1, 0, 0]);
    const y = simulate(model, [0.7, 0.25]);
    const z = normal(3);
    const sigma = 0.01;
    const r = fitParameters(
      [
        {
          model,
          times: TIMES,
          outputs: [0, 1, 2].map((s) => ({ state: s, values: y.map((row) => row[s]! + sigma * z()) })),
        },
      ],
      [{ index: 0 }, { index: 1 }],
      { starts: 1 },
    );
    expect(r.status).toBe('success');
    expect(r.sigma!).toBeGreaterThan(0.6 * sigma);
    expect(r.sigma!).toBeLessThan(1.4 * sigma);
  });

  it('stays inside the bounds', () => {
    const model = chain([1, 0, 0]);
    const y = simulate(model, [0.7, 0.25]);
    const r = fitParameters(
      // A observed: k1 is identified (C alone is symmetric in k1 and k2), and its truth 0.7 is above the box.
      [{ model, times: TIMES, outputs: [0, 2].map((s) => ({ state: s, values: y.map((row) => row[s]!) })) }],
      [
        { index: 0, lower: 0.1, upper: 0.5, start: 0.2 },
        { index: 1, lower: 0.01, upper: 10 },
      ],
      { starts: 1 },
    );
    expect(r.status).toBe('success');
    expect(r.values[0]!).toBeLessThanOrEqual(0.5);
    expect(r.values[0]!).toBeGreaterThan(0.49);
  });

  it('refuses bad input with one line each', () => {
    const model = chain([1, 0, 0]);
    const ok: FitExperiment = { model, times: [1, 2, 3], outputs: [{ state: 0, values: [1, 1, 1] }] };
    expect(() => fitParameters([], [{ index: 0 }])).toThrow(/at least one experiment/);
    expect(() => fitParameters([ok], [])).toThrow(/at least one parameter/);
    expect(() => fitParameters([ok], [{ index: 5 }])).toThrow(/index 5 is not an index of p/);
    expect(() => fitParameters([ok], [{ index: 0 }, { index: 0 }])).toThrow(/listed twice/);
    expect(() => fitParameters([{ ...ok, times: [2, 1, 3] }], [{ index: 0 }])).toThrow(/times must increase/);
    expect(() =>
      fitParameters([{ ...ok, outputs: [{ state: 3, values: [1, 1, 1] }] }], [{ index: 0 }]),
    ).toThrow(/state 3 is not an index/);
    expect(() => fitParameters([ok], [{ index: 0, lower: -1 }])).toThrow(/log scale/);
    expect(() => fitParameters([ok], [{ index: 0 }, { index: 1 }], { starts: 1 })).not.toThrow();
  });
});
