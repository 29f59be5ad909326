import { linspace } from '@kinetica/omics-io';
import { InputError } from '../io/errors';
import { parseJsonFile } from '../io/json';
import { MAX_MODEL_FILE_BYTES } from './limits';
import { readLimitedFile } from './read-limited';
import { checkModelFile, ModelFileProblem } from './model-schema';
import { type HybridFitJSON, loadHybridFit } from './hybrid';
import { loadNeuralOde, type NeuralOdeFit } from './neural';

import { MODEL_FORMAT, type ModelFile } from './model-json';

export { MODEL_FORMAT, type ModelFile, modelJson } from './model-json';

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
    fit =
      (model.neural as { format?: unknown }).format === 'kinetica-hybrid-fit'
        ? loadHybridFit(model.neural as HybridFitJSON, path)
        : loadNeuralOde(model.neural);
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
