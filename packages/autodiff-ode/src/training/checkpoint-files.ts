import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckpointStore } from './checkpoint';
import type { TrainingCheckpoint } from './types';

/** Checkpoints in one JSON file, written atomically (a crash leaves the old or the new one). */
export function fileCheckpointStore(path: string): CheckpointStore {
  return {
    load: () => (existsSync(path) ? readJSON<TrainingCheckpoint>(path) : undefined),
    save: (ck) => writeFileAtomic(path, JSON.stringify(ck)),
  };
}

/**
 * Write a file atomically: the text goes to a temporary file beside the target, which is then
 * renamed over it, so a crash leaves either the old or the new file, never half of one.
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function readJSON<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
