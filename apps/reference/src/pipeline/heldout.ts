import { type Dataset, featureIndex, type Group, linspace, resampleDataset } from '@kinetica/omics-io';
import { fitBaseline, predictBaseline, type GridTrajectory } from '../baseline/costello-martin';
import { improvementPct, type MeasuredState, pooledStd, scorePrediction } from '../protocol';
import { CliError, ExitCode, InputError } from '../io/errors';
import type { HeldOutResult } from '../report/heldout';
import { fitNeuralOde, type NeuralFitOptions, type NeuralOdeFit } from './neural';

/**
 * The held-out strain protocol of ../shared/API.md, end to end: interpolate every group onto one
 * grid, fit the neural ODE and the baseline on the training groups only, predict the test groups
 * from their initial states and controls, and score both at the measured times.
 */

export interface HeldOutSpec {
  dataset: Dataset;
  states: string[];
  controls: string[];
  train: string[];
  test: string[];
  gridPoints?: number;
  seed?: number;
  neural?: Omit<NeuralFitOptions, 'seed'>;
  onProgress?: (message: string, fraction: number) => void;
}

export interface HeldOutRun {
  grid: Float64Array;
  fit: NeuralOdeFit;
  results: HeldOutResult[];
  trainScale: number[];
  timing: {
    trainSeconds: number;
    inferenceMsPerTrajectory: number;
    baselineInferenceMsPerTrajectory: number;
  };
}

export function groupOnGrid(
  ds: Dataset,
  g: Group,
  states: string[],
  controls: string[],
  grid: Float64Array,
): GridTrajectory {
  // Step 1 of the protocol: per feature, missing cells dropped, linear in time, constant beyond the ends.
  const onGrid = resampleDataset({ ...ds, groups: [g] }, grid).groups[0]!;
  const curve = (name: string) => {
    const values = onGrid.values[featureIndex(ds, name)]!;
    if (Number.isNaN(values[0]!))
      throw new InputError(`group '${g.name}' has no measurement of '${name}'`, ds.file);
    return values;
  };
  return { t: grid, states: states.map(curve), controls: controls.map(curve) };
}

export function measuredStates(ds: Dataset, g: Group, states: string[]): MeasuredState[] {
  return states.map((s) => {
    const v = g.values[featureIndex(ds, s)]!;
    const times: number[] = [];
    const values: number[] = [];
    for (let k = 0; k < g.times.length; k++) {
      if (Number.isFinite(v[k]!)) {
        times.push(g.times[k]!);
        values.push(v[k]!);
      }
    }
    return { name: s, times, values };
  });
}

export function datasetSpan(ds: Dataset): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const g of ds.groups) {
    lo = Math.min(lo, g.times[0]!);
    hi = Math.max(hi, g.times[g.times.length - 1]!);
  }
  return [lo, hi];
}

export function runHeldOut(spec: HeldOutSpec): HeldOutRun {
  const [t0, t1] = datasetSpan(spec.dataset);
  const grid = linspace(t0, t1, spec.gridPoints ?? 200);
  const trainTraj = spec.train.map((name) =>
    groupOnGrid(spec.dataset, groupByName(spec.dataset, name), spec.states, spec.controls, grid),
  );
  const trainScale = spec.states.map((_, j) => pooledStd(trainTraj.map((tr) => tr.states[j]!)));
  const start = performance.now();
  const fit = fitNeuralOde(trainTraj, { ...spec.neural, seed: spec.seed ?? 0, onProgress: spec.onProgress });
  const trainSeconds = (performance.now() - start) / 1000;
  return evaluateHeldOut(spec, fit, grid, trainScale, trainSeconds);
}

function groupByName(ds: Dataset, name: string): Group {
  const g = ds.groups.find((x) => x.name === name);
  if (!g) throw new RangeError(`unknown group '${name}'`);
  return g;
}

/** Steps 3–5 with a fitted (or loaded) neural ODE: predict every test group, fit and run the baseline, score. */
export function evaluateHeldOut(
  spec: HeldOutSpec,
  fit: NeuralOdeFit,
  grid: Float64Array,
  trainScale: number[],
  trainSeconds = 0,
): HeldOutRun {
  const { dataset, states, controls } = spec;
  const trainTraj = spec.train.map((name) =>
    groupOnGrid(dataset, groupByName(dataset, name), states, controls, grid),
  );
  const baseline = fitBaseline(trainTraj, { seed: spec.seed ?? 0 });
  const results: HeldOutResult[] = [];
  let nodeMs = 0;
  let baseMs = 0;
  for (const name of spec.test) {
    const g = groupByName(dataset, name);
    const traj = groupOnGrid(dataset, g, states, controls, grid);
    const x0 = traj.states.map((s) => s[0]!);
    let predicted: Float64Array[];
    try {
      predicted = fit.predict(x0, traj.controls, grid);
    } catch (err) {
      throw new CliError(
        `neural ODE prediction of group ${name} failed: ${(err as Error).message}`,
        ExitCode.failure,
      );
    }
    const base = predictBaseline(baseline, x0, grid, traj.controls);
    nodeMs += medianMs(() => fit.predict(x0, traj.controls, grid));
    baseMs += medianMs(() => predictBaseline(baseline, x0, grid, traj.controls));
    const measured = measuredStates(dataset, g, states);
    const scores = scorePrediction(measured, grid, predicted, trainScale);
    const baselineScores = scorePrediction(measured, grid, base, trainScale);
    results.push({
      group: name,
      stateNames: states,
      grid,
      measured,
      predicted,
      baseline: base,
      scores,
      baselineScores,
      improvementPct: improvementPct(scores.overallNrmse, baselineScores.overallNrmse),
    });
  }
  const nTest = Math.max(1, spec.test.length);
  return {
    grid,
    fit,
    results,
    trainScale,
    timing: {
      trainSeconds,
      inferenceMsPerTrajectory: nodeMs / nTest,
      baselineInferenceMsPerTrajectory: baseMs / nTest,
    },
  };
}

/** Median wall time of a few warm calls (the first call above has already paid for JIT compilation). */
function medianMs(call: () => unknown, repeats = 5): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    call();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[repeats >> 1]!;
}

/** metrics.json in the contract's layout. */
export function metricsJson(run: HeldOutRun): string {
  const test: Record<string, unknown> = {};
  for (const r of run.results) {
    test[r.group] = {
      rmse: r.scores.rmse,
      nrmse: r.scores.nrmse,
      overallNrmse: r.scores.overallNrmse,
      baseline: {
        rmse: r.baselineScores.rmse,
        nrmse: r.baselineScores.nrmse,
        overallNrmse: r.baselineScores.overallNrmse,
      },
      improvementPct: r.improvementPct,
    };
  }
  return `${JSON.stringify({ test, timing: run.timing }, null, 2)}\n`;
}
