import type { TrainingCheckpoint } from './types';

/**
 * Where `trainNeuralODE` keeps its checkpoints: any object that loads the last one saved (or
 * nothing) and saves a new one. Training itself does no I/O; `fileCheckpointStore` is the
 * file-system one (Node), others can keep checkpoints in browser storage or a database.
 */
export interface CheckpointStore {
  load(): TrainingCheckpoint | undefined;
  save(checkpoint: TrainingCheckpoint): void;
}

// The file store: node:fs in Node, a stand-in that refuses paths in browsers (the `browser`
// condition of the `#checkpoint-files` import in package.json).
export { fileCheckpointStore, readJSON, writeFileAtomic } from '#checkpoint-files';
