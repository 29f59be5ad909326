import {
  type Dataset,
  datasetToJSON,
  type DatasetJSON,
  selectFeatures,
  selectGroups,
} from '@kinetica/omics-io';
import type { HeldOutRun } from './heldout';
import type { TableSelection } from './table';

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
