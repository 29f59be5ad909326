import { type Dataset, featureIndex, type Group, linspace, resampleDataset } from '@kinetica/omics-io';
import {
  BASELINE_NAMES,
  type BaselineModel,
  fitBaseline,
  type GridTrajectory,
  predictBaseline,
} from '../baseline/costello-martin';
import { CliError, ExitCode, InputError } from '../io/errors';
import {
  type BandCoverage,
  bandCoverage,
  compareScores,
  improvementPct,
  type MeasuredState,
  pooledStd,
  type StateScores,
  type TrainingFit,
  scorePrediction,
} from '../protocol';
import {
  type BaselineOutcome,
  type BaselineSuccess,
  type HeldOutResult,
  type PaperStyleRow,
  succeeded,
} from '../report/heldout';
import type { MemberTrainer } from '@kinetica/autodiff-ode';
import {
  checkNeuralSize,
  fitNeuralOde,
  fitNeuralOdeAsync,
  NETWORK_DEFAULTS,
  NEURAL_DEFAULTS,
  type NeuralFitOptions,
  type NeuralOdeFit,
  neuralSizeProblem,
} from './neural';
import { defaultStructure } from './structure';
import { selectByCrossValidation, selectByCrossValidationAsync } from './structure-selection';

/**
 * The held-out strain protocol of ../shared/API.md, end to end: interpolate every group onto one
 * grid, fit the neural ODE and the panel of baselines on the training groups only, predict the
 * test groups from their initial states and controls, and score them all at the measured times.
 * The headline comparison is against the strongest baseline of the panel (the lowest overall
 * nRMSE on the group); a baseline that fails is reported as failed and changes nothing else.
 */

/** One member of the baseline panel: a name and how it is fitted from the training trajectories. */
export interface BaselineSpec {
  name: string;
  fit(train: GridTrajectory[], seed: number): BaselineModel;
}

/** The panel: every Costello & Martin regressor, each seeded from the run's seed. */
export const DEFAULT_BASELINES: readonly BaselineSpec[] = BASELINE_NAMES.map((name) => ({
  name,
  fit: (train, seed) => fitBaseline(train, { regressor: name, seed }),
}));

/** The baseline of the study's setting (the paper-style row). */
export const PAPER_BASELINE = 'linear';

/** Nominal level of the neural ODE's prediction band. */
export const BAND_LEVEL = 0.8;

export interface HeldOutSpec {
  dataset: Dataset;
  states: string[];
  controls: string[];
  train: string[];
  test: string[];
  gridPoints?: number;
  seed?: number;
  neural?: Omit<NeuralFitOptions, 'seed'>;
  /** The baseline panel (default DEFAULT_BASELINES). */
  baselines?: readonly BaselineSpec[];
  /**
   * Fit this model instead of the neural ODE of `neural` (a hybrid of `kinetica train --hybrid`):
   * it gets the training groups on the grid, and is scored like the neural ODE.
   */
  fitModel?: (
    train: GridTrajectory[],
    seed: number,
    onProgress?: NeuralFitOptions['onProgress'],
  ) => NeuralOdeFit;
  onProgress?: NeuralFitOptions['onProgress'];
}

export interface HeldOutRun {
  grid: Float64Array;
  /** In-sample fit per training group (each group scored like a held-out one). */
  training?: TrainingFit[];
  /** Threads that trained the neural ODE (1: this one); not written to any file. */
  threads?: number;
  fit: NeuralOdeFit;
  results: HeldOutResult[];
  trainScale: number[];
  timing: {
    trainSeconds: number;
    inferenceMsPerTrajectory: number;
    /** The strongest baseline's (of each test group), averaged over the test groups. */
    baselineInferenceMsPerTrajectory: number;
    /** Each baseline's, averaged over the test groups where it succeeded (NaN: it never did). */
    baselinesInferenceMsPerTrajectory: Record<string, number>;
  };
}

/**
 * A group on the grid. A state the group never measured is an error, or with `maskMissing` (a
 * training group of pooled tables) a curve of NaN that the training loss masks.
 */
export function groupOnGrid(
  ds: Dataset,
  g: Group,
  states: string[],
  controls: string[],
  grid: Float64Array,
  maskMissing = false,
): GridTrajectory {
  // Step 1 of the protocol: per feature, missing cells dropped, linear in time, constant beyond the ends.
  const onGrid = resampleDataset({ ...ds, groups: [g] }, grid).groups[0]!;
  const curve = (masked: boolean) => (name: string) => {
    const values = onGrid.values[featureIndex(ds, name)]!;
    if (Number.isNaN(values[0]!) && !masked)
      throw new InputError(`group '${g.name}' has no measurement of '${name}'`, ds.file);
    return values;
  };
  return { t: grid, states: states.map(curve(maskMissing)), controls: controls.map(curve(false)) };
}

/** Whether a grid trajectory has every state (a baseline regresses on complete rows only). */
const complete = (tr: GridTrajectory) => tr.states.every((s) => !Number.isNaN(s[0]!));

/**
 * The training groups on the grid. A state may be missing from some of them (pooled tables of
 * different pathways), never from all.
 */
function trainingOnGrid(spec: HeldOutSpec, grid: Float64Array): GridTrajectory[] {
  const { dataset, states, controls } = spec;
  const trajs = spec.train.map((name) =>
    groupOnGrid(dataset, groupByName(dataset, name), states, controls, grid, true),
  );
  states.forEach((s, j) => {
    if (trajs.every((tr) => Number.isNaN(tr.states[j]![0]!)))
      throw new InputError(`no training group measures '${s}'`, dataset.file);
  });
  return trajs;
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
  const trainTraj = trainingOnGrid(spec, grid);
  const trainScale = spec.states.map((_, j) => pooledStd(trainTraj.map((tr) => tr.states[j]!)));
  const start = performance.now();
  const fit = spec.fitModel
    ? spec.fitModel(trainTraj, spec.seed ?? 0, spec.onProgress)
    : fitNeuralOde(trainTraj, {
        ...resolveStructure(spec, trainTraj),
        seed: spec.seed ?? 0,
        onProgress: spec.onProgress,
      });
  const trainSeconds = (performance.now() - start) / 1000;
  return evaluateHeldOut(spec, fit, grid, trainScale, trainSeconds);
}

/**
 * Worker threads for the neural ODE's fits (the app's piscina pool; injected, so that this
 * module stays free of Node's thread modules and runs in a browser's Web Worker).
 */
export interface MemberThreads {
  /** The most threads to train on (e.g. the number of cores). */
  threads: number;
  /** A pool of `threads` (≥ 2) threads training members; closed once the fit is done. */
  open(threads: number): Promise<MemberPool>;
}

/** A pool of threads training ensemble members. */
export interface MemberPool {
  trainMember: MemberTrainer;
  /** Threads that trained a member so far. */
  threadsUsed(): number;
  /** Whether an error is the pool's own (a thread that died), not a member's training failing. */
  isCrash(err: unknown): boolean;
  close(): Promise<void>;
}

/**
 * How many threads the neural ODE's fits can use: at most `threads`, the fits that can run at
 * once (the members; the candidates × folds of the cross-validation) and what the memory limit
 * allows (README "Limits": every thread holds a member's optimiser state and solver tapes).
 */
export function heldOutThreads(spec: HeldOutSpec, threads: number): number {
  if (spec.fitModel || threads <= 1) return 1;
  const [t0, t1] = datasetSpan(spec.dataset);
  const grid = linspace(t0, t1, spec.gridPoints ?? 200);
  const training = trainingOnGrid(spec, grid);
  const candidates = Object.values(structureCandidates(spec, training));
  const folds = training.length >= 2 ? Math.min(training.length, 3) : 0;
  const members = spec.neural?.ensemble ?? NEURAL_DEFAULTS.ensemble;
  let t = Math.max(1, Math.min(threads, Math.max(members, candidates.length * folds)));
  while (t > 1 && candidates.some((c) => neuralSizeProblem(training, c, t))) t--;
  return t;
}

/**
 * `runHeldOut` with the neural ODE's fits on worker threads: the cross-validation's fits, then
 * the ensemble's members, each stage all at once on a pool of `heldOutThreads` threads (none:
 * `runHeldOut` itself, on this thread). The files it leads to are `runHeldOut`'s, byte for byte
 * (each fit depends only on its options and seed); `threads` says how many threads trained.
 */
export async function runHeldOutAsync(spec: HeldOutSpec, parallel: MemberThreads): Promise<HeldOutRun> {
  const threads = heldOutThreads(spec, parallel.threads);
  if (threads <= 1) return { ...runHeldOut(spec), threads: 1 };
  const [t0, t1] = datasetSpan(spec.dataset);
  const grid = linspace(t0, t1, spec.gridPoints ?? 200);
  const trainTraj = trainingOnGrid(spec, grid);
  const trainScale = spec.states.map((_, j) => pooledStd(trainTraj.map((tr) => tr.states[j]!)));
  const start = performance.now();
  const pool = await parallel.open(threads);
  let fit: NeuralOdeFit;
  try {
    const structure = await resolveStructureAsync(spec, trainTraj, pool);
    fit = await fitNeuralOdeAsync(
      trainTraj,
      { ...structure, seed: spec.seed ?? 0, onProgress: spec.onProgress },
      pool.trainMember,
    );
  } finally {
    await pool.close();
  }
  const trainSeconds = (performance.now() - start) / 1000;
  return {
    ...evaluateHeldOut(spec, fit, grid, trainScale, trainSeconds),
    threads: Math.max(1, pool.threadsUsed()),
  };
}

/**
 * The candidate structures (name → neural options): with 'auto' and no reaction file, when the
 * states and controls name a pathway with a built-in network, the S·r_θ model on that network
 * (learned elasticities, Michaelis–Menten substrates) first; then the MLP (or the reaction
 * file's model). Sizes that cannot fit are refused here, before anything is trained.
 */
function structureCandidates(
  spec: HeldOutSpec,
  training: GridTrajectory[],
): Record<string, Omit<NeuralFitOptions, 'seed'>> {
  const neural = spec.neural ?? {};
  const found =
    neural.stoichiometry || (neural.structure ?? NEURAL_DEFAULTS.structure) !== 'auto'
      ? null
      : defaultStructure(spec.states, spec.controls);
  const candidates: Record<string, Omit<NeuralFitOptions, 'seed'>> = {};
  if (found) {
    candidates[`network:${found.name}`] = {
      hidden: NETWORK_DEFAULTS.hidden,
      epochs: NETWORK_DEFAULTS.epochs,
      ...neural,
      network: found.name,
      stoichiometry: {
        ...found.structure,
        elasticity: NETWORK_DEFAULTS.elasticity,
        elasticityInit: NETWORK_DEFAULTS.elasticityInit,
        enzymeSaturation: NETWORK_DEFAULTS.enzymeSaturation,
        enzymeSaturationInit: NETWORK_DEFAULTS.enzymeSaturationInit,
        michaelisMenten: NETWORK_DEFAULTS.michaelisMenten,
      },
    };
  }
  candidates[neural.stoichiometry ? 'reactions' : 'mlp'] = neural;
  // Sizes that cannot fit are refused before the cross-validation trains anything.
  for (const c of Object.values(candidates)) checkNeuralSize(training, c);
  return candidates;
}

/**
 * The neural options with the structure resolved. With 'auto' and no reaction file, when the
 * states and controls name a pathway with a built-in network, the S·r_θ model on that network
 * (learned elasticities, Michaelis–Menten substrates) and the MLP are compared by
 * cross-validation over the training groups (`selectByCrossValidation`; with a single training
 * group, the network is taken) and the better one is trained. With two or more training groups
 * the same cross-validation (of the one candidate otherwise) gives the held-out error per state
 * that calibrates the ensemble's band (`residualScale`: `heldOutSigma`).
 */
export function resolveStructure(
  spec: HeldOutSpec,
  training: GridTrajectory[],
): Omit<NeuralFitOptions, 'seed'> {
  const candidates = structureCandidates(spec, training);
  // Cross-validation over the training groups chooses the structure and calibrates the band.
  if (training.length < 2) return Object.values(candidates)[0]!;
  const selection = selectByCrossValidation(
    candidates,
    training,
    measuredTraining(spec),
    spec.seed ?? 0,
    (m) => spec.onProgress?.(m, 0),
  );
  return { ...candidates[selection.chosen]!, residualScale: selection.heldOutSigma, selection };
}

/** `resolveStructure` with the cross-validation's fits on the pool: the same result. */
async function resolveStructureAsync(
  spec: HeldOutSpec,
  training: GridTrajectory[],
  pool: MemberPool,
): Promise<Omit<NeuralFitOptions, 'seed'>> {
  const candidates = structureCandidates(spec, training);
  if (training.length < 2) return Object.values(candidates)[0]!;
  const selection = await selectByCrossValidationAsync(
    candidates,
    training,
    measuredTraining(spec),
    spec.seed ?? 0,
    pool.trainMember,
    (err) => pool.isCrash(err),
    (m) => spec.onProgress?.(m, 0),
  );
  return { ...candidates[selection.chosen]!, residualScale: selection.heldOutSigma, selection };
}

const measuredTraining = (spec: HeldOutSpec) =>
  spec.train.map((name) => measuredStates(spec.dataset, groupByName(spec.dataset, name), spec.states));

function groupByName(ds: Dataset, name: string): Group {
  const g = ds.groups.find((x) => x.name === name);
  if (!g) throw new RangeError(`unknown group '${name}'`);
  return g;
}

type Fitted = { name: string; model: BaselineModel } | { name: string; message: string };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Steps 3–5 with a fitted (or loaded) neural ODE: predict every test group, fit and run the baselines, score. */
export function evaluateHeldOut(
  spec: HeldOutSpec,
  fit: NeuralOdeFit,
  grid: Float64Array,
  trainScale: number[],
  trainSeconds = 0,
): HeldOutRun {
  const { dataset, states, controls } = spec;
  const seed = spec.seed ?? 0;
  const training = trainingOnGrid(spec, grid);
  // A test group is scored on the states it measures (with pooled tables of other pathways, a
  // strain lacks the other pathway's product). The baselines regress each of those states'
  // derivatives on complete rows: they fit on the training groups that measure all of them.
  const panels = new Map<string, Fitted[]>();
  const panelFor = (scored: number[]): Fitted[] => {
    const key = scored.join(',');
    const cached = panels.get(key);
    if (cached) return cached;
    const trainTraj = training
      .map((tr) => ({ ...tr, states: scored.map((j) => tr.states[j]!) }))
      .filter(complete);
    const panel = (spec.baselines ?? DEFAULT_BASELINES).map((b): Fitted => {
      try {
        if (trainTraj.length === 0)
          throw new Error('no training group measures every state of the test group');
        return { name: b.name, model: b.fit(trainTraj, seed) };
      } catch (err) {
        return { name: b.name, message: `fit failed: ${messageOf(err)}` };
      }
    });
    panels.set(key, panel);
    return panel;
  };
  const pick = <T>(v: readonly T[], scored: number[]) => scored.map((j) => v[j]!);
  /** A group on the grid, the states it measures, its initial state, and its scoring. */
  const prepare = (name: string) => {
    const g = groupByName(dataset, name);
    const traj = groupOnGrid(dataset, g, states, controls, grid, true);
    const scored = states.map((_, j) => j).filter((j) => !Number.isNaN(traj.states[j]![0]!));
    // A state the group never measured (another pathway's product) starts at zero.
    const x0 = traj.states.map((s) => (Number.isNaN(s[0]!) ? 0 : s[0]!));
    const names = pick(states, scored);
    const measured = measuredStates(dataset, g, names);
    const scale = pick(trainScale, scored);
    const score = (curves: Float64Array[]) => scorePrediction(measured, grid, curves, scale);
    return { traj, scored, x0, names, measured, score };
  };
  const results: HeldOutResult[] = [];
  let nodeMs = 0;
  for (const name of spec.test) {
    const { traj, scored, x0, names, measured, score } = prepare(name);
    if (scored.length === 0)
      throw new InputError(`test group '${name}' measures none of the states`, dataset.file);
    const predictNode = () =>
      fit.predictBand ? fit.predictBand(x0, traj.controls, grid) : fit.predict(x0, traj.controls, grid);
    let node: ReturnType<typeof predictNode>;
    try {
      node = predictNode();
    } catch (err) {
      throw new CliError(
        `neural ODE prediction of group ${name} failed: ${messageOf(err)}`,
        ExitCode.failure,
      );
    }
    nodeMs += medianMs(predictNode);
    const baselines = panelFor(scored).map((b) =>
      runBaseline(b, pick(x0, scored), grid, traj.controls, score),
    );
    const band = Array.isArray(node)
      ? undefined
      : { lower: pick(node.lower, scored), upper: pick(node.upper, scored) };
    const predicted = pick(Array.isArray(node) ? node : node.median, scored);
    const coverage: BandCoverage | null = band
      ? bandCoverage(measured, grid, band.lower, band.upper, BAND_LEVEL)
      : null;
    const scores = score(predicted);
    results.push({
      group: name,
      stateNames: names,
      grid,
      measured,
      predicted,
      scores,
      baselines,
      ...(band ? { band } : {}),
      coverage,
      ...compareWithPanel(scores, baselines, names, grid.length),
    });
  }
  // In-sample: every training group predicted and scored as a held-out group would be (no band,
  // no timing).
  const trainingFit = spec.train.map((name): TrainingFit => {
    const { traj, scored, x0, score } = prepare(name);
    const baseline = strongestBaseline(
      panelFor(scored).map((b) => runBaseline(b, pick(x0, scored), grid, traj.controls, score, false)),
    );
    const base = baseline ? { name: baseline.name, overallNrmse: baseline.scores.overallNrmse } : null;
    try {
      // `predict` is the median a held-out group's band comes with, without computing the band.
      const scores = score(pick(fit.predict(x0, traj.controls, grid), scored));
      return {
        group: name,
        status: 'success',
        nrmse: scores.nrmse,
        overallNrmse: scores.overallNrmse,
        baseline: base,
      };
    } catch (err) {
      return {
        group: name,
        status: 'failed',
        message: `neural ODE prediction failed: ${messageOf(err)}`,
        nrmse: {},
        overallNrmse: Number.NaN,
        baseline: base,
      };
    }
  });
  const nTest = Math.max(1, spec.test.length);
  return {
    grid,
    training: trainingFit,
    fit,
    results,
    trainScale,
    timing: {
      trainSeconds,
      inferenceMsPerTrajectory: nodeMs / nTest,
      ...baselineTiming(results),
    },
  };
}

/** Predict one group with one baseline; every failure (a throw, a solver failure, a non-finite score) becomes a status. */
function runBaseline(
  b: Fitted,
  x0: number[],
  grid: Float64Array,
  controls: Float64Array[],
  score: (curves: Float64Array[]) => StateScores,
  timed = true,
): BaselineOutcome {
  if (!('model' in b)) return { name: b.name, status: 'failed', message: b.message };
  const { model } = b;
  try {
    const p = predictBaseline(model, x0, grid, controls);
    if (p.status === 'failed') return { name: b.name, status: 'failed', message: p.message };
    const scores = score(p.states);
    if (!Number.isFinite(scores.overallNrmse))
      return { name: b.name, status: 'failed', message: 'non-finite overall nRMSE' };
    const selections = model.regressors.map((r) => r.selection);
    return {
      name: b.name,
      status: 'success',
      predicted: p.states,
      scores,
      inferenceMs: timed ? medianMs(() => predictBaseline(model, x0, grid, controls)) : Number.NaN,
      ...(selections.every((x) => x !== undefined)
        ? { selected: Object.fromEntries(Object.keys(scores.rmse).map((s, j) => [s, selections[j]!])) }
        : {}),
    };
  } catch (err) {
    return { name: b.name, status: 'failed', message: messageOf(err) };
  }
}

/** NaN scores for the states (the strongest baseline when every baseline failed). */
function missingScores(states: string[]): StateScores {
  const nan = Object.fromEntries(states.map((s) => [s, Number.NaN]));
  return {
    rmse: nan,
    nrmse: { ...nan },
    overallNrmse: Number.NaN,
    meanRmse: Number.NaN,
    integral: { ...nan },
    meanIntegral: Number.NaN,
    residuals: Object.fromEntries(states.map((s) => [s, new Float64Array(0)])),
  };
}

/** The lowest overall nRMSE among the baselines that succeeded (the first on a tie), or undefined. */
export function strongestBaseline(baselines: BaselineOutcome[]): BaselineSuccess | undefined {
  let best: BaselineSuccess | undefined;
  for (const b of baselines.filter(succeeded))
    if (!best || b.scores.overallNrmse < best.scores.overallNrmse) best = b;
  return best;
}

/** The result's fields that compare the neural ODE with the panel: the strongest baseline, the metric panel, the study-setting row. */
function compareWithPanel(
  scores: StateScores,
  baselines: BaselineOutcome[],
  stateNames: string[],
  gridLength: number,
): Pick<
  HeldOutResult,
  'baseline' | 'baselineName' | 'baselineScores' | 'improvementPct' | 'metrics' | 'paperStyle'
> {
  const strongest = strongestBaseline(baselines);
  const baselineScores = strongest?.scores ?? missingScores(stateNames);
  const linear = baselines.filter(succeeded).find((b) => b.name === PAPER_BASELINE);
  return {
    baseline: strongest?.predicted ?? stateNames.map(() => new Float64Array(gridLength).fill(Number.NaN)),
    baselineName: strongest?.name ?? null,
    baselineScores,
    improvementPct: improvementPct(scores.overallNrmse, baselineScores.overallNrmse),
    metrics: strongest ? compareScores(scores, strongest.scores) : null,
    paperStyle: linear ? paperStyleRow(scores, linear) : null,
  };
}

/** The study's setting: the model against the linear baseline under Costello's integral metric. */
function paperStyleRow(scores: StateScores, linear: BaselineSuccess): PaperStyleRow {
  const panel = compareScores(scores, linear.scores);
  return {
    baseline: linear.name,
    metric: 'integral',
    aggregate: panel.aggregates.meanIntegral,
    perState: Object.fromEntries(
      Object.entries(panel.perState).map(([s, c]) => [s, c.integral.improvementPct]),
    ),
    upTo: panel.upTo.integral,
  };
}

function baselineTiming(
  results: HeldOutResult[],
): Omit<HeldOutRun['timing'], 'trainSeconds' | 'inferenceMsPerTrajectory'> {
  const mean = (v: number[]) => (v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
  const names = [...new Set(results.flatMap((r) => r.baselines.map((b) => b.name)))];
  const msOf = (name: string) =>
    results.flatMap((r) =>
      r.baselines
        .filter(succeeded)
        .filter((b) => b.name === name)
        .map((b) => b.inferenceMs),
    );
  return {
    baselineInferenceMsPerTrajectory: mean(
      results.flatMap((r) =>
        r.baselines
          .filter(succeeded)
          .filter((b) => b.name === r.baselineName)
          .map((b) => b.inferenceMs),
      ),
    ),
    baselinesInferenceMsPerTrajectory: Object.fromEntries(names.map((n) => [n, mean(msOf(n))])),
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

/** A state's scores as metrics.json writes them. */
function scoresJson(s: StateScores) {
  return {
    rmse: s.rmse,
    nrmse: s.nrmse,
    overallNrmse: s.overallNrmse,
    meanRmse: s.meanRmse,
    integral: s.integral,
    meanIntegral: s.meanIntegral,
  };
}

function baselineJson(b: BaselineOutcome) {
  if (b.status === 'failed') return { status: b.status, message: b.message };
  return {
    status: b.status,
    ...scoresJson(b.scores),
    inferenceMsPerTrajectory: b.inferenceMs,
    ...(b.selected ? { selected: b.selected } : {}),
  };
}

/**
 * metrics.json: the contract's layout (rmse, nrmse, overallNrmse, baseline, improvementPct per
 * test group, timing), the baseline now being the strongest of the panel, plus the panel, the
 * metric panel, the study-setting row and the band's coverage (apps/reference/README.md).
 */
export function metricsJson(run: HeldOutRun): string {
  const test: Record<string, unknown> = {};
  for (const r of run.results) {
    test[r.group] = {
      ...scoresJson(r.scores),
      baseline: { name: r.baselineName, ...scoresJson(r.baselineScores) },
      improvementPct: r.improvementPct,
      baselines: Object.fromEntries(r.baselines.map((b) => [b.name, baselineJson(b)])),
      metrics: r.metrics && { baseline: r.baselineName, ...r.metrics },
      paperStyle: r.paperStyle && {
        label:
          "the study's setting, reproduced: the neural ODE against the TPOT-like linear baseline under Costello's integral metric; upTo is a per-state maximum",
        ...r.paperStyle,
      },
      band: r.coverage,
    };
  }
  const training = run.training && {
    training: Object.fromEntries(run.training.map(({ group, ...fit }) => [group, fit])),
  };
  return `${JSON.stringify({ ...(run.fit.model ? { model: run.fit.model } : {}), test, ...training, timing: run.timing }, null, 2)}\n`;
}
