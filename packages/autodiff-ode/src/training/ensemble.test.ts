import { describe, expect, it } from 'vitest';
import { NeuralODE } from '../field/neural-ode';
import { createRng } from '../random/rng';
import {
  EnsembleModel,
  loadEnsemble,
  mixtureQuantile,
  trainEnsemble,
  trainEnsembleAsync,
  trainResultToJSON,
} from './ensemble';
import { trainNeuralODE } from './train';
import { TrainedModel } from './trained-model';

describe('mixtureQuantile', () => {
  it('is the normal quantile for one member and the empirical quantile without noise', () => {
    // z_0.9 = 1.2815515655446004, z_0.1 = −z_0.9.
    expect(mixtureQuantile([2], 0.5, 0.9)).toBeCloseTo(2 + 0.5 * 1.2815515655446004, 6);
    expect(mixtureQuantile([2], 0.5, 0.1)).toBeCloseTo(2 - 0.5 * 1.2815515655446004, 6);
    expect(mixtureQuantile([5, 1, 3, 2, 4], 0, 0.1)).toBe(1);
    expect(mixtureQuantile([5, 1, 3, 2, 4], 0, 0.9)).toBe(5);
    expect(mixtureQuantile([5, 1, 3, 2, 4], 0, 0.5)).toBe(3);
  });

  it('matches the mixture distribution sampled by Monte Carlo', () => {
    const centres = [0, 1, 4];
    const rng = createRng(11);
    const draws = Float64Array.from(
      { length: 200000 },
      () => centres[rng.int(3)]! + 0.7 * rng.normal(),
    ).sort();
    for (const q of [0.1, 0.5, 0.9]) {
      const empirical = draws[Math.floor(q * draws.length)]!;
      expect(Math.abs(mixtureQuantile(centres, 0.7, q) - empirical)).toBeLessThan(0.03);
    }
  });
});

describe('EnsembleModel', () => {
  const node = new NeuralODE({ nStates: 2, nControls: 0, hidden: [4] });
  const members = [1, 2, 3].map(
    (s) => new TrainedModel(node, node.initParams(createRng(s), 0.3), { method: 'rk4' }),
  );
  const times = [0, 0.5, 1, 2];

  it('predicts the members’ median, inside a band that widens with the residual scale', () => {
    const narrow = new EnsembleModel(members, [0, 0], { level: 0.8 });
    const wide = new EnsembleModel(members, [5, 5], { level: 0.8 });
    const runs = narrow.predictMembers([1, -0.5], undefined, times);
    const band = wide.predictBand([1, -0.5], undefined, times);
    const med = narrow.predict([1, -0.5], undefined, times);
    times.forEach((_, k) => {
      for (let j = 0; j < 2; j++) {
        const v = runs.map((r) => r[k]![j]!).sort((a, b) => a - b);
        expect(med[k]![j]).toBe(v[1]);
        expect(band.median[k]![j]).toBe(v[1]);
        expect(band.lower[k]![j]!).toBeLessThan(v[0]!);
        expect(band.upper[k]![j]!).toBeGreaterThan(v[2]!);
      }
    });
  });

  it('does not add the members’ spread on top of the error scale: variance ≈ max(σ², s²)', () => {
    const e = new EnsembleModel(members, [0.3, 0.3], { level: 0.8 });
    // One member, no spread: the band is the normal ±z₀.₉σ.
    const one = e.combine([[Float64Array.of(1, 2)]]);
    expect(one.upper[0]![0]! - one.median[0]![0]!).toBeCloseTo(1.2815515655446004 * 0.3, 6);
    // Members spread far wider than σ: the band is their own 10th–90th percentiles.
    const runs = [-3, -1, 0, 1, 3].map((c) => [Float64Array.of(c, c)]);
    const spread = e.combine(runs);
    expect(spread.lower[0]![0]).toBe(-3);
    expect(spread.upper[0]![0]).toBe(3);
    // Members spread less than σ: each keeps only what σ² leaves beyond their variance, so the
    // band's half-width stays near z₀.₉σ instead of growing with the spread.
    const close = e.combine([-0.1, 0, 0.1].map((c) => [Float64Array.of(c, c)]));
    expect(close.upper[0]![0]! - close.lower[0]![0]!).toBeLessThan(2 * 1.2815515655446004 * 0.3 * 1.02);
    expect(close.upper[0]![0]! - close.lower[0]![0]!).toBeGreaterThan(2 * 1.2815515655446004 * 0.3 * 0.9);
  });

  it('clips median and band at zero when nonnegative, and round-trips through JSON', () => {
    const e = new EnsembleModel(members, [0.5, 0.1], { nonnegative: true, level: 0.9 });
    const band = e.predictBand([0.05, -0.5], undefined, times);
    for (const rows of [band.median, band.lower, band.upper])
      for (const r of rows) for (const x of r) expect(x).toBeGreaterThanOrEqual(0);
    const again = loadEnsemble(JSON.stringify(e.toJSON()));
    expect(again.level).toBe(0.9);
    const b2 = again.predictBand([0.05, -0.5], undefined, times);
    expect(b2.upper.map((r) => Array.from(r))).toEqual(band.upper.map((r) => Array.from(r)));
    expect(() => new EnsembleModel(members, [0.1])).toThrow(/residualScale has 1 entries, expected 2/);
    expect(() => new EnsembleModel(members, [0.1, 0.1], { level: 1 })).toThrow(/level must lie in \(0, 1\)/);
    expect(() => loadEnsemble('{"format":"other"}')).toThrow(/not a kinetica-ensemble/);
  });

  it('covers about the nominal share of noisy held-out observations of an in-distribution trajectory', () => {
    // Exponential decay at two rates; training and test trajectories from the same law with noise.
    const rng = createRng(4);
    const grid = Array.from({ length: 21 }, (_, i) => i * 0.25);
    const traj = (x0: number, noise: number) => ({
      times: grid,
      states: grid.map((t) => [x0 * Math.exp(-0.8 * t) + noise * rng.normal()]),
    });
    const trajectories = [traj(1, 0.03), traj(2, 0.03), traj(1.5, 0.03)];
    const { model } = trainEnsemble({
      trajectories,
      ensemble: { members: 4 },
      hidden: [8],
      epochs: 150,
      method: 'rk4',
      lr: 0.02,
      seed: 1,
    });
    expect(model.residualScale[0]).toBeGreaterThan(0.015);
    let inside = 0;
    let total = 0;
    for (let rep = 0; rep < 6; rep++) {
      const test = traj(1.2 + 0.1 * rep, 0.03);
      const band = model.predictBand([1.2 + 0.1 * rep], undefined, grid);
      test.states.forEach((row, k) => {
        if (k === 0) return;
        total++;
        if (row[0]! >= band.lower[k]![0]! && row[0]! <= band.upper[k]![0]!) inside++;
      });
    }
    expect(inside / total).toBeGreaterThan(0.6);
    expect(inside / total).toBeLessThan(0.97);
  });
});

describe('trainEnsembleAsync', () => {
  // Two states, one control; A → B catalysed by the control (S·r_θ with learned elasticity,
  // saturation and Michaelis constants), and the plain MLP on the same data.
  const grid = Array.from({ length: 13 }, (_, i) => i * 0.5);
  const trajectory = (a0: number, level: number) => ({
    times: grid,
    states: grid.map((t) => [a0 * Math.exp(-0.3 * level * t), a0 * (1 - Math.exp(-0.3 * level * t))]),
    controls: { times: grid, values: grid.map((t) => [level * (1 + 0.05 * t)]) },
  });
  const trajectories = [trajectory(1, 1), trajectory(1.5, 0.7), trajectory(0.8, 1.3)];
  const settings = {
    mlp: { hidden: [6] },
    reactions: {
      hidden: [4],
      stoichiometry: {
        S: [[-1], [1]],
        enzymes: [0],
        massAction: true,
        michaelisMenten: true,
        elasticity: 'learned' as const,
        elasticityInit: 0.75,
        enzymeSaturation: 'learned' as const,
        enzymeSaturationInit: 3,
      },
    },
  };
  const common = { trajectories, epochs: 12, method: 'rk4' as const, lr: 0.02, seed: 7 };
  const json = (m: { toJSON(): unknown }) => JSON.stringify(m.toJSON());

  for (const [name, extra] of Object.entries(settings)) {
    it(`gives trainEnsemble's ensemble bit for bit, members trained out of order and sent as JSON (${name})`, async () => {
      const members = 4;
      const sync = trainEnsemble({ ...common, ...extra, ensemble: { members, nonnegative: true } });
      const started: number[] = [];
      const finished: number[] = [];
      const order: number[] = [];
      const progress = new Map<number, number>();
      // Member i ends only after member i + 1 has ended (a chain of gates, not timers: timers set
      // a few milliseconds apart let member 0 finish second on a loaded CI machine).
      const done = Array.from({ length: members }, () => {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        return { promise, resolve };
      });
      const result = await trainEnsembleAsync({
        ...common,
        ...extra,
        ensemble: { members, nonnegative: true },
        onMember: (i) => order.push(i),
        onMemberProgress: (i, p) => progress.set(i, p.epoch + 1),
        // As a pool of threads would: every member starts at once, the last one ends first, and
        // each result crosses as data (structured clone of its JSON form, through JSON text).
        trainMember: async (task) => {
          started.push(task.index);
          expect(task.seed).toBe(common.seed + task.index);
          expect(task.options.seed).toBe(task.seed);
          if (task.index < members - 1) await done[task.index + 1]!.promise;
          const r = trainNeuralODE(task.options);
          finished.push(task.index);
          done[task.index]!.resolve();
          return structuredClone(JSON.parse(JSON.stringify(trainResultToJSON(r))));
        },
      });
      expect(started).toEqual([0, 1, 2, 3]);
      expect(finished).toEqual([3, 2, 1, 0]);
      expect(order).toEqual([0, 1, 2, 3]);
      expect([...progress.entries()].sort()).toEqual([0, 1, 2, 3].map((i) => [i, 12]));
      expect(json(result.model)).toBe(json(sync.model));
      // The residual scale was computed from the rebuilt members: the same doubles.
      expect(Array.from(result.model.residualScale)).toEqual(Array.from(sync.model.residualScale));
      expect(result.results.map((r) => r.history.map((h) => h.loss))).toEqual(
        sync.results.map((r) => r.history.map((h) => h.loss)),
      );
      const x0 = [1.1, 0];
      const controls = trajectory(1.1, 0.9).controls;
      const a = result.model.predictBand(x0, controls, grid);
      const b = sync.model.predictBand(x0, controls, grid);
      for (const key of ['median', 'lower', 'upper'] as const)
        expect(a[key].map((r) => Array.from(r))).toEqual(b[key].map((r) => Array.from(r)));
    });
  }

  it('rejects with the first failing member’s error, after the members before it, aborting those after', async () => {
    const aborted: number[] = [];
    const done: number[] = [];
    const members: number[] = [];
    const run = trainEnsembleAsync({
      ...common,
      ...settings.mlp,
      ensemble: { members: 5 },
      onMember: (i) => members.push(i),
      trainMember: async ({ index, options, signal }) => {
        signal.addEventListener('abort', () => aborted.push(index));
        // Member 3 fails first, member 1 later: the error is member 1's, as trainEnsemble's would be.
        const wait = [30, 20, 5, 1, 40][index]!;
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (index === 1) throw new RangeError('member 1 failed');
        if (index === 3) throw new Error('member 3 failed');
        done.push(index);
        return trainNeuralODE({ ...options, epochs: 1 });
      },
    });
    await expect(run).rejects.toThrow(RangeError);
    await expect(run).rejects.toThrow('member 1 failed');
    expect(members).toEqual([0]);
    expect(done).toContain(0);
    expect(aborted.sort()).toEqual([2, 3, 4]);
  });

  it('without a trainer, trains on this thread as trainEnsemble does', async () => {
    const a = await trainEnsembleAsync({ ...common, ...settings.mlp, ensemble: { members: 2 } });
    const b = trainEnsemble({ ...common, ...settings.mlp, ensemble: { members: 2 } });
    expect(json(a.model)).toBe(json(b.model));
    await expect(trainEnsembleAsync({ ...common, ensemble: { members: 0 } })).rejects.toThrow(
      /ensemble.members must be a positive integer/,
    );
  });
});
