import { parseJsonFile } from '../io/json';
import {
  type Dataset,
  type DatasetJSON,
  datasetToJSON,
  selectFeatures,
  linspace,
  selectGroups,
} from '@kinetica/omics-io';
import { InputError } from '../io/errors';
import type { TableSelection } from './data';
import type { HeldOutRun } from './heldout';
import { MAX_MODEL_FILE_BYTES, readLimitedFile } from './limits';
import { checkModelFile, ModelFileProblem } from './model-schema';
import { loadNeuralOde, type NeuralOdeFit } from './neural';

export const MODEL_FORMAT = 'kinetica-heldout-model/1';

/** What `model.json` holds: the trained neural ODE plus everything needed to predict again. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  time: string;
  group: string;
  states: string[];
  controls: string[];
  train: string[];
  test: string[];
  grid: { t0: number; t1: number; points: number };
  trainScale: number[];
  seed: number;
  /** The baseline is refitted from the training groups with this seed (it is deterministic). */
  baseline: { kind: 'random-forest'; seed: number };
  neural: unknown;
  /**
   * The training groups' measurements in the model's columns: the distribution that `diagnose`
   * compares a strain with (interpolated onto the grid exactly as for training). Added after the
   * first release; files without it are diagnosed against the training groups read from `--data`.
   */
  trainingData?: DatasetJSON;
}

export function modelJson(run: HeldOutRun, sel: TableSelection, seed: number, dataset: Dataset): string {
  const columns = selectFeatures(selectGroups(dataset, sel.train), [...sel.states, ...sel.controls]);
  const file: ModelFile = {
    format: MODEL_FORMAT,
    time: sel.time,
    group: sel.group,
    states: sel.states,
    controls: sel.controls,
    train: sel.train,
    test: sel.test,
    grid: { t0: run.grid[0]!, t1: run.grid[run.grid.length - 1]!, points: run.grid.length },
    trainScale: run.trainScale,
    seed,
    baseline: { kind: 'random-forest', seed },
    neural: run.fit.toJSON(),
    // Measurements only: no replicate spread, and no path of the user's file.
    trainingData: datasetToJSON({
      timeColumn: columns.timeColumn,
      features: columns.features,
      groups: columns.groups.map((g) => ({ name: g.name, times: g.times, values: g.values })),
    }),
  };
  return `${JSON.stringify(file)}\n`;
}

/**
 * Read and check a model file: JSON within MAX_MODEL_FILE_BYTES that passes the schema of
 * model-schema.ts. Any problem is an InputError `FILE: <json path>: problem` (exit 3).
 */
export function readModelFile(path: string): ModelFile {
  const text = readLimitedFile(path, MAX_MODEL_FILE_BYTES, 'model');
  const json = parseJsonFile(text, path);
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== MODEL_FORMAT)
    throw new InputError(`not a kinetica model file (format ${JSON.stringify(format) ?? 'missing'})`, path);
  try {
    return checkModelFile(json) as ModelFile;
  } catch (err) {
    if (err instanceof ModelFileProblem) throw new InputError(err.message, path);
    throw err;
  }
}

/** A checked model file, its neural fit and its grid: what `predict`, `diagnose` and `knockout` start from. */
export interface LoadedModel {
  model: ModelFile;
  fit: NeuralOdeFit;
  grid: Float64Array;
}

/**
 * Read, check and build a model file. Building the networks, and any prediction that fails for
 * the file's weights (a solve that diverges), is reported against the file, never as a crash.
 */
export function loadModelFile(path: string): LoadedModel {
  const model = readModelFile(path);
  const fail = (err: unknown, what: string): never => {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what} (${(err as Error).message})`, path);
  };
  let fit: NeuralOdeFit;
  try {
    fit = loadNeuralOde(model.neural);
  } catch (err) {
    return fail(err, 'neural: the neural fit cannot be loaded');
  }
  const guard =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return f(...args);
      } catch (err) {
        return fail(err, "the model's prediction failed");
      }
    };
  const guarded: NeuralOdeFit = { ...fit, predict: guard(fit.predict) };
  if (fit.predictBand) guarded.predictBand = guard(fit.predictBand);
  return { model, fit: guarded, grid: linspace(model.grid.t0, model.grid.t1, model.grid.points) };
}
