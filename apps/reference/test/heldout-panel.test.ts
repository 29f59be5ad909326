import type { NeuralOdeFit } from '../src/pipeline/neural';
import { linspace, parseWideCsv } from '@kinetica/omics-io';
import { describe, expect, it } from 'vitest';
import type { BaselineModel } from '../src/baseline/costello-martin';
import {
  type BaselineSpec,
  DEFAULT_BASELINES,
  datasetSpan,
  evaluateHeldOut,
  groupOnGrid,
  type HeldOutSpec,
  measuredStates,
  metricsJson,
} from '../src/pipeline/heldout';
import { pooledStd, scorePrediction } from '../src/protocol';
import { renderFigure } from '../src/plot/charts';
import { nodeDocument } from '../src/plot/node-document';
import { heldOutBlocks, predictionsCsv, trainingFitBlocks } from '../src/report/heldout';
import { smallTable } from './cli-helpers';

/** The held-out protocol on cli-helpers' small table (G1, G2 trained, G3 held out), without training anything. */
function setup(baselines?: readonly BaselineSpec[]) {
  const dataset = parseWideCsv(smallTable(), {
    groupColumn: 'Strain',
    timeColumn: 'Hour',
    features: ['A', 'B', 'P', 'Q'],
  });
  const spec: HeldOutSpec = {
    dataset,
    states: ['A', 'B'],
    controls: ['P', 'Q'],
    train: ['G1', 'G2'],
    test: ['G3'],
    seed: 3,
    ...(baselines ? { baselines } : {}),
  };
  const grid = linspace(...datasetSpan(dataset), 50);
  const train = spec.train.map((g) =>
    groupOnGrid(dataset, dataset.groups.find((x) => x.name === g)!, spec.states, spec.controls, grid),
  );
  const trainScale = spec.states.map((_, j) => pooledStd(train.map((tr) => tr.states[j]!)));
  const measured = measuredStates(dataset, dataset.groups.find((x) => x.name === 'G3')!, spec.states);
  return { spec, grid, trainScale, measured };
}

/** A stand-in for a trained neural ODE: x0·(1 + 0.01·t) for every state. */
function fakeFit(): NeuralOdeFit {
  return {
    lossHistory: [1, 0.5],
    members: 1,
    combineMembers: (values) => values[0]!,
    predict: (x0, _controls, grid) => Array.from(x0, (v) => grid.map((t) => v * (1 + 0.01 * t))),
    toJSON: () => ({}),
    field: () => {
      throw new Error('not used');
    },
    networkControls: (c) => c.map((x) => Float64Array.from(x)),
  };
}

const randomForest = DEFAULT_BASELINES.find((b) => b.name === 'random-forest')!;

/** A baseline whose field is NaN everywhere: the solver fails on its first step. */
const nanField: BaselineSpec = {
  name: 'nan-field',
  fit: (train, seed): BaselineModel => ({
    ...randomForest.fit(train, seed),
    name: 'nan-field',
    derivative: (_x, _u, out) => out.fill(Number.NaN),
  }),
};

const brokenFit: BaselineSpec = {
  name: 'broken-fit',
  fit: () => {
    throw new Error('forced failure');
  },
};

const throwingField: BaselineSpec = {
  name: 'throwing-field',
  fit: (train, seed): BaselineModel => ({
    ...randomForest.fit(train, seed),
    derivative: () => {
      throw new Error('field exploded');
    },
  }),
};

describe('evaluateHeldOut with the baseline panel', () => {
  it('reports every default baseline and compares against the strongest (lowest overall nRMSE)', () => {
    const { spec, grid, trainScale } = setup();
    const r = evaluateHeldOut(spec, fakeFit(), grid, trainScale).results[0]!;
    expect(r.baselines.map((b) => b.name)).toEqual([
      'random-forest',
      'extra-trees',
      'gradient-boosting',
      'linear',
    ]);
    const ok = r.baselines.filter((b) => b.status === 'success');
    expect(ok.length).toBeGreaterThan(0);
    const best = Math.min(...ok.map((b) => b.scores.overallNrmse));
    expect(r.baselineScores.overallNrmse).toBe(best);
    expect(ok.find((b) => b.name === r.baselineName)!.scores.overallNrmse).toBe(best);
    expect(r.improvementPct).toBeCloseTo(100 * (1 - r.scores.overallNrmse / best), 10);
    expect(r.metrics!.aggregates.overallNrmse.improvementPct).toBe(r.improvementPct);
    // The paper-style row is against the linear baseline, under the integral metric.
    const linear = r.baselines.find((b) => b.name === 'linear')!;
    expect(linear.status).toBe('success');
    if (linear.status === 'success') {
      expect(r.paperStyle!.aggregate.baseline).toBe(linear.scores.meanIntegral);
      expect(r.paperStyle!.aggregate.model).toBe(r.scores.meanIntegral);
      expect(Object.keys(linear.selected!)).toEqual(['A', 'B']);
    }
    const up = r.paperStyle!.upTo!;
    expect(up.improvementPct).toBe(Math.max(...Object.values(r.paperStyle!.perState)));
  });

  it('keeps the neural ODE outputs and metrics intact when baselines fail, and reports the failures', () => {
    const { spec, grid, trainScale, measured } = setup([brokenFit, nanField, randomForest, throwingField]);
    const fit = fakeFit();
    const run = evaluateHeldOut(spec, fit, grid, trainScale);
    const r = run.results[0]!;
    const x0 = [r.measured[0]!.values[0]!, r.measured[1]!.values[0]!];
    expect(r.predicted).toEqual(fit.predict(x0, [], grid));
    expect(r.scores).toEqual(scorePrediction(measured, grid, r.predicted, trainScale));
    expect(r.baselines.map((b) => [b.name, b.status])).toEqual([
      ['broken-fit', 'failed'],
      ['nan-field', 'failed'],
      ['random-forest', 'success'],
      ['throwing-field', 'failed'],
    ]);
    expect(r.baselineName).toBe('random-forest');

    // The same run with the random forest alone gives the same numbers.
    const alone = evaluateHeldOut(setup([randomForest]).spec, fit, grid, trainScale).results[0]!;
    expect(r.scores).toEqual(alone.scores);
    expect(r.baselineScores).toEqual(alone.baselineScores);
    expect(r.improvementPct).toBe(alone.improvementPct);

    const m = JSON.parse(metricsJson(run)).test.G3;
    expect(m.overallNrmse).toBe(r.scores.overallNrmse);
    expect(m.baseline.name).toBe('random-forest');
    expect(m.baselines['broken-fit']).toEqual({ status: 'failed', message: 'fit failed: forced failure' });
    expect(m.baselines['nan-field'].status).toBe('failed');
    expect(m.baselines['nan-field'].message).toMatch(/NaN/);
    expect(m.baselines['throwing-field']).toEqual({ status: 'failed', message: 'field exploded' });
    expect(m.baselines['random-forest'].status).toBe('success');
    expect(m.paperStyle).toBeNull();
    expect(m.band).toBeNull();
    expect(run.timing.baselinesInferenceMsPerTrajectory['random-forest']).toBeGreaterThan(0);
    expect(Number.isNaN(run.timing.baselinesInferenceMsPerTrajectory['broken-fit'])).toBe(true);

    const text = heldOutBlocks(r)
      .map((b) => ('text' in b ? b.text : 'markdown' in b ? b.markdown : b.caption))
      .join('\n');
    expect(text).toMatch(/Baseline broken-fit failed \(fit failed: forced failure\)/);
    expect(text).toMatch(/random-forest \(strongest\)/);
  });

  it('still reports the neural ODE when every baseline fails', () => {
    const { spec, grid, trainScale, measured } = setup([brokenFit, nanField]);
    const run = evaluateHeldOut(spec, fakeFit(), grid, trainScale);
    const r = run.results[0]!;
    expect(r.scores).toEqual(scorePrediction(measured, grid, r.predicted, trainScale));
    expect(r.baselineName).toBeNull();
    expect(r.metrics).toBeNull();
    const m = JSON.parse(metricsJson(run)).test.G3;
    expect(m.overallNrmse).toBe(r.scores.overallNrmse);
    expect(m.baseline.name).toBeNull();
    expect(m.baseline.overallNrmse).toBeNull();
    expect(m.improvementPct).toBeNull();
    expect(m.metrics).toBeNull();
    const csv = predictionsCsv(run.results).trim().split('\n');
    expect(csv.slice(1).every((l) => l.split(',')[5] === '')).toBe(true);
    const figure = heldOutBlocks(r, 'Hour', [{ name: 'A', label: 'A', unit: 'mM' }]).find(
      (b) => b.kind === 'figure',
    );
    // The figure still draws: observed dots and the neural ODE, no baseline, units on the axes.
    const svg = renderFigure(figure!.figure, { document: nodeDocument() });
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).toContain('>A (mM)</text>');
    expect(svg).toContain('>time (h)</text>');
    const observed = r.measured.reduce((n, m) => n + Array.from(m.values).filter(Number.isFinite).length, 0);
    expect(svg.match(/<circle /g)).toHaveLength(observed + 1); // and the legend's dot
  });

  it("uses a fit's band: its median as the prediction, lower/upper in predictions.csv, coverage in metrics.json", () => {
    const { spec, grid, trainScale, measured } = setup([randomForest]);
    const base = fakeFit();
    const fit: NeuralOdeFit = {
      ...base,
      predict: () => {
        throw new Error('predict must not be called when there is a band');
      },
      predictBand: (x0, controls, g) => {
        const median = base.predict(x0, controls, g);
        // A band that holds every B measurement (wide) and no A measurement (far above).
        return {
          median,
          lower: [median[0]!.map((v) => v + 100), median[1]!.map(() => -100)],
          upper: [median[0]!.map((v) => v + 200), median[1]!.map(() => 100)],
        };
      },
    };
    const run = evaluateHeldOut(spec, fit, grid, trainScale);
    const r = run.results[0]!;
    const x0 = [measured[0]!.values[0]!, measured[1]!.values[0]!];
    expect(r.predicted).toEqual(base.predict(x0, [], grid));
    expect(r.band!.upper[1]![0]).toBe(100);
    const points = measured[0]!.times.length + measured[1]!.times.length;
    expect(r.coverage).toEqual({ level: 0.8, coverage: measured[1]!.times.length / points, points });
    expect(JSON.parse(metricsJson(run)).test.G3.band).toEqual(r.coverage);
    const lines = predictionsCsv(run.results).trim().split('\n');
    expect(lines[0]).toBe('group,time,state,observed,predicted,baseline,lower,upper');
    const bRow = lines.find((l) => l.startsWith('G3,0,B,'))!.split(',');
    expect(bRow.slice(6).map(Number)).toEqual([-100, 100]);
  });

  it('scores every training group in-sample as a held-out group, and a failed prediction there is a status', () => {
    const { spec, grid, trainScale } = setup();
    const dataset = spec.dataset;
    const g1 = dataset.groups.find((x) => x.name === 'G1')!;
    const g1x0 = groupOnGrid(dataset, g1, spec.states, spec.controls, grid).states[0]![0]!;
    const run = evaluateHeldOut(spec, fakeFit(), grid, trainScale);
    expect(run.training!.map((f) => f.group)).toEqual(['G1', 'G2']);
    for (const f of run.training!) {
      const g = dataset.groups.find((x) => x.name === f.group)!;
      const traj = groupOnGrid(dataset, g, spec.states, spec.controls, grid);
      const x0 = traj.states.map((s) => s[0]!);
      const expected = scorePrediction(
        measuredStates(dataset, g, spec.states),
        grid,
        fakeFit().predict(x0, traj.controls, grid),
        trainScale,
      );
      expect(f.status).toBe('success');
      expect(f.overallNrmse).toBeCloseTo(expected.overallNrmse, 12);
      expect(f.overallNrmse).toBeGreaterThan(0.01);
      expect(DEFAULT_BASELINES.map((b) => b.name)).toContain(f.baseline!.name);
      expect(Number.isFinite(f.baseline!.overallNrmse)).toBe(true);
    }
    const json = JSON.parse(metricsJson(run));
    expect(json.training.G2.overallNrmse).toBe(run.training![1]!.overallNrmse);
    expect(json.training.G1.baseline).toEqual(run.training![0]!.baseline);
    const table = trainingFitBlocks(run.training!)[1]!;
    expect(table.kind === 'table' && table.markdown).toContain(
      `| G1 | ${run.training![0]!.overallNrmse.toPrecision(4)} |`,
    );

    // A prediction that fails on G1 only: G1 failed with the message, G2 and the held-out G3 as before.
    const failing: NeuralOdeFit = {
      ...fakeFit(),
      predict: (x0, controls, g) => {
        if (x0[0] === g1x0) throw new Error('diverged at t=3');
        return fakeFit().predict(x0, controls, g);
      },
    };
    const again = evaluateHeldOut(spec, failing, grid, trainScale);
    expect(again.training![0]).toMatchObject({ group: 'G1', status: 'failed' });
    expect(again.training![0]!.message).toContain('diverged at t=3');
    expect(again.training![0]!.baseline).toEqual(run.training![0]!.baseline);
    expect(again.training![1]).toEqual(run.training![1]);
    expect(again.results[0]!.scores.overallNrmse).toBe(run.results[0]!.scores.overallNrmse);
    expect(JSON.parse(metricsJson(again)).training.G1.overallNrmse).toBeNull();
  });
});
