import type { CheckpointStore } from './checkpoint';

// Browsers have no file system: `checkpoint.path` and a string `resume` are refused with a clear
// error; a CheckpointStore (`{ load, save }`) works everywhere.
const NODE_ONLY =
  "@kinetica/autodiff-ode: checkpoint files need Node's file system; in the browser give trainNeuralODE a checkpoint.store and resume as a CheckpointStore ({ load, save }), not a path";

export function fileCheckpointStore(_path: string): CheckpointStore {
  throw new Error(NODE_ONLY);
}

export function writeFileAtomic(_path: string, _text: string): void {
  throw new Error(NODE_ONLY);
}

export function readJSON<T>(_path: string): T {
  throw new Error(NODE_ONLY);
}
