import { type Dataset, datasetFromJSON, findGroup, type Group } from '@kinetica/omics-io';
import type { GridTrajectory } from '../baseline/costello-martin';
import { CliError, InputError } from '../io/errors';
import { loadSelection } from './data';
import { groupOnGrid } from './heldout';
import { loadModelFile, type ModelFile } from './model-file';
import type { NeuralOdeFit } from './neural';

/**
 * A model written by `kinetica train` and one strain of a table, on the model's grid: what
 * `diagnose --model-file` and `knockout --model-file` start from. The table is read with the
 * model's own time, group, state and control columns, as `predict` does.
 */
export interface LearnedStrain {
  modelPath: string;
  model: ModelFile;
  fit: NeuralOdeFit;
  grid: Float64Array;
  dataset: Dataset;
  strain: Group;
  /** The strain's states and controls on the grid; its initial state is the first grid point. */
  onGrid: GridTrajectory;
  /** The training groups on the grid, as the network was fitted on them; only loaded when asked for. */
  training?: GridTrajectory[];
}

export interface LearnedStrainRequest {
  command: string;
  modelPath: string;
  data: string;
  /** Default: the model's first held-out group. */
  strain?: string;
  /**
   * 'required': the training groups must come from model.json or, for older files, from the
   * table; 'optional': load them when either has them.
   */
  training?: 'required' | 'optional';
}

export function loadLearnedStrain(req: LearnedStrainRequest): LearnedStrain {
  const { model, fit, grid } = loadModelFile(req.modelPath);
  const strainName = req.strain ?? model.test[0];
  if (strainName === undefined)
    throw new CliError(
      `kinetica ${req.command}: --strain is needed (${req.modelPath} names no held-out group)`,
    );
  const dataset = loadSelection({
    data: req.data,
    time: model.time,
    group: model.group,
    states: model.states,
    controls: model.controls,
    train: [],
    test: [strainName],
  });
  const strain = findGroup(dataset, strainName);
  const onGrid = groupOnGrid(dataset, strain, model.states, model.controls, grid);
  const result: LearnedStrain = { modelPath: req.modelPath, model, fit, grid, dataset, strain, onGrid };
  if (req.training === undefined) return result;
  // Stored measurements first; a model file written before they were stored needs them in --data.
  const source = model.trainingData ? storedTrainingData(model, req.modelPath) : dataset;
  const missing = model.train.find((name) => !source.groups.some((g) => g.name === name));
  if (missing === undefined) {
    result.training = model.train.map((name) =>
      groupOnGrid(source, findGroup(source, name), model.states, model.controls, grid),
    );
  } else if (model.trainingData) {
    throw new InputError(`trainingData lacks the training group '${missing}'`, req.modelPath);
  } else if (req.training === 'required') {
    throw new InputError(
      `the model stores no training data (written by an older kinetica) and ${req.data} has no training group '${missing}' to take it from`,
      req.modelPath,
    );
  }
  return result;
}

/** The training measurements stored in model.json, checked: a damaged file is an input error. */
function storedTrainingData(model: ModelFile, path: string): Dataset {
  let ds: Dataset;
  try {
    ds = datasetFromJSON(model.trainingData!);
  } catch (err) {
    throw new InputError(`trainingData: ${(err as Error).message}`, path);
  }
  for (const name of [...model.states, ...model.controls]) {
    if (!ds.features.some((f) => f.name === name))
      throw new InputError(`trainingData lacks the column '${name}'`, path);
  }
  return { ...ds, file: path };
}

/** Smallest and largest value over some curves. */
export function curveRange(curves: readonly ArrayLike<number>[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const c of curves)
    for (let k = 0; k < c.length; k++) {
      min = Math.min(min, c[k]!);
      max = Math.max(max, c[k]!);
    }
  return { min, max };
}
