import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type TrainingTrajectory, type TrainResult, trainNeuralODE } from '../src/index';
import { LV, lotkaVolterra, nrmse } from './lotka-volterra';

const times = Array.from({ length: 41 }, (_, i) => i * 0.25);
const train: TrainingTrajectory[] = [
  [4, 2],
  [6, 3],
  [3, 4],
  [5, 1.5],
  [7, 2.5],
  [2.5, 2],
].map((ic) => ({ times, states: lotkaVolterra(ic, times) }));
const heldOut = [
  [4.5, 2.2],
  [5.5, 3.5],
].map((ic) => ({ ic, states: lotkaVolterra(ic, times) }));

const dir = mkdtempSync(join(tmpdir(), 'kinetica-autodiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trainNeuralODE on Lotka–Volterra', () => {
  let result: TrainResult;
  beforeAll(() => {
    result = trainNeuralODE({
      trajectories: train,
      hidden: [16],
      activation: 'quadratic',
      weightStd: 0.1,
      method: 'rk4',
      epochs: 1500,
      lr: 3e-2,
      schedule: { kind: 'cosine', minLr: 1e-4 },
      seed: 1,
    });
  });

  it('predicts held-out initial conditions with nRMSE < 0.05', () => {
    for (const h of heldOut) {
      const pred = result.model.predict(h.ic, undefined, times);
      const e = nrmse(pred, h.states);
      console.info(`LV held-out ${h.ic}: nRMSE ${e.map((x) => x.toFixed(4)).join(', ')}`);
      for (const x of e) expect(x).toBeLessThan(0.05);
    }
  });

  it('with the quadratic activation, recovers the mass-action coefficients of the field', () => {
    // The learned field is an exact quadratic polynomial: read off its coefficients by differences.
    const field = result.model.node.field();
    const f = (x: number, y: number) => {
      const d = new Float64Array(2);
      field.f(0, Float64Array.of(x, y), result.model.params, d);
      return d;
    };
    const x0 = 4;
    const y0 = 2.5;
    const h = 1;
    const coef = (i: number) => {
      const fxy = (dx: number, dy: number) => f(x0 + dx, y0 + dy)[i]!;
      const cxy = (fxy(h, h) - fxy(h, -h) - fxy(-h, h) + fxy(-h, -h)) / (4 * h * h);
      const cxx = (fxy(h, 0) - 2 * fxy(0, 0) + fxy(-h, 0)) / (2 * h * h);
      const cyy = (fxy(0, h) - 2 * fxy(0, 0) + fxy(0, -h)) / (2 * h * h);
      // Linear coefficients at the origin from the slopes at (x0, y0).
      const sx = (fxy(h, 0) - fxy(-h, 0)) / (2 * h);
      const sy = (fxy(0, h) - fxy(0, -h)) / (2 * h);
      return { x: sx - 2 * cxx * x0 - cxy * y0, y: sy - 2 * cyy * y0 - cxy * x0, xx: cxx, xy: cxy, yy: cyy };
    };
    const cx = coef(0);
    const cy = coef(1);
    console.info('recovered dx/dt:', cx, 'dy/dt:', cy);
    // Seed 1, 1500 epochs: the four mass-action coefficients come back within 5%; terms absent
    // from the true field stay below 0.25 in magnitude (−0.20 for y in dx/dt is the largest).
    const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);
    expect(rel(cx.x, LV.a)).toBeLessThan(0.06);
    expect(rel(cx.xy, -LV.b)).toBeLessThan(0.06);
    expect(rel(cy.y, -LV.c)).toBeLessThan(0.06);
    expect(rel(cy.xy, LV.d)).toBeLessThan(0.06);
    for (const v of [cx.y, cx.xx, cx.yy, cy.x, cy.xx, cy.yy]) expect(Math.abs(v)).toBeLessThan(0.25);
  });

  it('serialises to JSON and reloads to identical predictions', () => {
    const text = JSON.stringify(result.model.toJSON());
    const again = loadModel(text);
    const a = result.model.predict([4.5, 2.2], undefined, times);
    const b = again.predict([4.5, 2.2], undefined, times);
    expect(b.map((r) => Array.from(r))).toEqual(a.map((r) => Array.from(r)));
    expect(() => loadModel('{"format":"other"}')).toThrow(/not a kinetica-neural-ode/);
  });
});

describe('training loop mechanics', () => {
  const base = {
    trajectories: train.slice(0, 4),
    hidden: [8],
    method: 'rk4' as const,
    lr: 1e-2,
    batchSize: 2,
    seed: 7,
  };

  it('resumes from a checkpoint to exactly the parameters of an uninterrupted run, writing atomically', () => {
    const path = join(dir, 'ck', 'checkpoint.json');
    const straight = trainNeuralODE({ ...base, epochs: 6 });
    trainNeuralODE({ ...base, epochs: 3, checkpoint: { path } });
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(join(dir, 'ck'))).toEqual(['checkpoint.json']);
    const seen: number[] = [];
    const resumed = trainNeuralODE({
      ...base,
      epochs: 6,
      checkpoint: { path },
      resume: path,
      onProgress: (p) => seen.push(p.epoch),
    });
    expect(seen).toEqual([3, 4, 5]);
    expect(Array.from(resumed.model.params)).toEqual(Array.from(straight.model.params));
    expect(resumed.history.map((h) => h.loss)).toEqual(straight.history.map((h) => h.loss));
  });

  it('keeps the parameters of the best validation epoch and stops after `patience` worse ones', () => {
    const r = trainNeuralODE({
      ...base,
      epochs: 60,
      lr: 5e-2,
      validation: [{ times, states: heldOut[0]!.states }],
      earlyStopping: { patience: 3 },
    });
    const vals = r.history.map((h) => h.valLoss!);
    const best = Math.min(...vals);
    expect(vals[r.bestEpoch]).toBe(best);
    if (r.stoppedEarly) expect(r.history.length - 1 - r.bestEpoch).toBe(3);
    else expect(r.history.length).toBe(60);
  });

  it('trains the ResNet-as-Euler and discrete-map baselines with the same loop', () => {
    for (const method of ['euler', 'map'] as const) {
      const r = trainNeuralODE({ ...base, method, epochs: 40 });
      expect(r.history.at(-1)!.loss).toBeLessThan(0.5 * r.history[0]!.loss);
      expect(r.model.method).toBe(method);
      expect(loadModel(JSON.stringify(r.model.toJSON())).method).toBe(method);
    }
  });

  it('multiple shooting trains and ties the segments together', () => {
    const r = trainNeuralODE({ ...base, epochs: 60, shooting: { segmentLength: 10, continuityWeight: 5 } });
    expect(r.history.at(-1)!.loss).toBeLessThan(0.3 * r.history[0]!.loss);
    const pred = r.model.predict(train[0]!.states[0]!, undefined, times);
    expect(pred.every((row) => row.every(Number.isFinite))).toBe(true);
  });

  it('masks missing observations and rejects malformed data with a named location', () => {
    const gappy = train.slice(0, 2).map((t) => ({
      times,
      states: t.states.map((r, i) => (i % 3 === 1 ? Float64Array.of(r[0]!, Number.NaN) : r)),
    }));
    const r = trainNeuralODE({ ...base, trajectories: gappy, epochs: 5 });
    expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    const bad = [
      train[0]!,
      {
        times: [0, 1, 1],
        states: [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      },
    ];
    expect(() => trainNeuralODE({ ...base, trajectories: bad })).toThrow(
      /trajectories\[1\]: times must increase strictly/,
    );
  });

  it('lockstep mini-batches give the same training run as trajectory-by-trajectory solves (rk4)', () => {
    const a = trainNeuralODE({ ...base, epochs: 5, negativePenalty: 0.5, lockstep: true });
    const b = trainNeuralODE({ ...base, epochs: 5, negativePenalty: 0.5, lockstep: false });
    for (let e = 0; e < 5; e++) expect(a.history[e]!.loss).toBeCloseTo(b.history[e]!.loss, 10);
    for (let k = 0; k < a.model.params.length; k += 7)
      expect(a.model.params[k]).toBeCloseTo(b.model.params[k]!, 8);
  });
});
