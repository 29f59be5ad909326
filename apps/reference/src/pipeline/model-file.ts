import { readFileSync } from 'node:fs';
import { InputError } from '../io/errors';
import type { TableSelection } from './data';
import type { HeldOutRun } from './heldout';

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
}

export function modelJson(run: HeldOutRun, sel: TableSelection, seed: number): string {
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
  };
  return `${JSON.stringify(file)}\n`;
}

export function readModelFile(path: string): ModelFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError('cannot read the model file (does it exist?)', path);
  }
  let json: ModelFile;
  try {
    json = JSON.parse(text) as ModelFile;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, path);
  }
  if (json?.format !== MODEL_FORMAT)
    throw new InputError(`not a kinetica model file (format ${JSON.stringify(json?.format)})`, path);
  return json;
}
