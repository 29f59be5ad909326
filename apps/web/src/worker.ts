/// <reference lib="webworker" />
/**
 * The page's Web Worker: trains and predicts with the reference app's held-out protocol (the code
 * `kinetica train` and `kinetica demo` run), and simulates SBML models. Everything is synchronous
 * in here; the page cancels by terminating the worker.
 */
import {
  type HeldOutRun,
  LIMONENE_CONTROLS,
  LIMONENE_STATES,
  allSpeciesSettings,
  checkSelection,
  metricsJson,
  modelJson,
  oneLine,
  poolTables,
  predictionsCsv,
  runHeldOut,
  simulateLimoneneStrains,
  type TableSelection,
  tableFromText,
} from '@kinetica/reference/web';
import { type Dataset, datasetToWideCsv } from '@kinetica/omics-io';
import { formatResultCsv, readSbml, simulateSbml } from '@kinetica/stoichiometry/sbml';
import type { EpochFigures, ResultView, TrainedReply, WorkerReply, WorkerRequest } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: WorkerReply) => self.postMessage(m);

function view(run: HeldOutRun): ResultView[] {
  return run.results.map((r) => ({
    group: r.group,
    stateNames: r.stateNames,
    grid: r.grid,
    measured: r.measured.map((m) => ({
      name: m.name,
      times: Array.from(m.times),
      values: Array.from(m.values),
    })),
    predicted: r.predicted,
    baseline: r.baseline,
    baselineName: r.baselineName,
    ...(r.band ? { band: { lower: r.band.lower, upper: r.band.upper } } : {}),
    overallNrmse: r.scores.overallNrmse,
    baselineOverallNrmse: r.baselineScores.overallNrmse,
    improvementPct: r.improvementPct,
    nrmse: { ...r.scores.nrmse },
    baselineNrmse: { ...r.baselineScores.nrmse },
    rmse: { ...r.scores.rmse },
    baselineRmse: { ...r.baselineScores.rmse },
  }));
}

const onProgress = (message: string, fraction: number, epoch?: EpochFigures) =>
  post({ type: 'progress', message, fraction, ...(epoch ? { epoch } : {}) });

function trained(
  run: HeldOutRun,
  sel: TableSelection,
  seed: number,
  dataset: Dataset,
  title: string,
  dataCsv?: string,
): TrainedReply {
  const results = view(run);
  return {
    type: 'trained',
    metricsJson: metricsJson(run),
    modelJson: modelJson(run, sel, seed, dataset),
    predictionsCsv: predictionsCsv(run.results),
    title,
    ...(dataCsv !== undefined ? { dataCsv } : {}),
    results,
    loss: Array.from(run.fit.lossHistory),
    time: sel.time,
    trainSeconds: run.timing.trainSeconds,
    structure: run.fit.model
      ? `${run.fit.model.structure}${run.fit.model.members > 1 ? `, ${run.fit.model.members} members` : ''}`
      : 'neural ODE',
  };
}

/** The held-out protocol of `kinetica train` (and `demo`) on a table and a selection. */
function heldOut(
  dataset: Dataset,
  sel: TableSelection,
  seed: number,
  epochs: number | undefined,
): HeldOutRun {
  return runHeldOut({
    dataset,
    states: sel.states,
    controls: sel.controls,
    train: sel.train,
    test: sel.test,
    seed,
    neural: epochs !== undefined ? { epochs } : {},
    onProgress,
  });
}

function train(req: Extract<WorkerRequest, { type: 'train' }>): TrainedReply {
  const sel: TableSelection = { data: req.file, ...req.selection };
  checkSelection('web', sel);
  const dataset = poolTables([tableFromText(req.text, req.file, sel)], [req.file], sel);
  const run = heldOut(dataset, sel, req.seed, req.epochs);
  return trained(run, sel, req.seed, dataset, `Kinetica: held-out strain prediction (${req.file})`);
}

function demo(req: Extract<WorkerRequest, { type: 'demo' }>): TrainedReply {
  const dataset = simulateLimoneneStrains({ strains: req.strains, seed: req.seed });
  const names = dataset.groups.map((g) => g.name);
  const sel: TableSelection = {
    data: 'data.csv',
    time: dataset.timeColumn,
    group: dataset.groupColumn ?? 'Strain',
    states: LIMONENE_STATES,
    controls: LIMONENE_CONTROLS,
    train: names.slice(0, req.strains - req.test),
    test: names.slice(req.strains - req.test),
  };
  const run = heldOut(dataset, sel, req.seed, req.epochs);
  return trained(
    run,
    sel,
    req.seed,
    dataset,
    'Kinetica demo: predicting unseen limonene strains',
    datasetToWideCsv(dataset),
  );
}

function simulate(req: Extract<WorkerRequest, { type: 'sbml' }>): WorkerReply {
  const model = readSbml(req.xml);
  const sim = simulateSbml(model, allSpeciesSettings(model, req.t1, req.points));
  return {
    type: 'simulated',
    header: sim.header,
    rows: sim.rows.map((r) => Array.from(r)),
    status: sim.status,
    message: sim.message,
    csv: formatResultCsv(sim),
  };
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  try {
    if (req.type === 'train') post(train(req));
    else if (req.type === 'demo') post(demo(req));
    else post(simulate(req));
  } catch (err) {
    // Input errors already read `file:line:column: what`; anything else is the solver's or
    // trainer's message, on one line as the CLI prints it.
    post({ type: 'error', message: oneLine((err as Error)?.message ?? String(err)) });
  }
};
