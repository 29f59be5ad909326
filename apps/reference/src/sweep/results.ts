import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../io/atomic';
import type { SpecValue, SweepRun } from './spec';

/**
 * DIR/results.jsonl: one line per finished run (../shared/API.md), written by the sweep process
 * alone. Each line goes out in one append of a whole line, so a reader (or a crash) never sees a
 * half line from a live sweep; a rerun drops anything that does not parse before it appends.
 */

export const RESULTS_FILE = 'results.jsonl';
export const RUNS_FOLDER = 'runs';

export interface ResultLine {
  id: string;
  /** The run's grid values. */
  params: Record<string, SpecValue>;
  status: 'success' | 'failed';
  /** The run's metrics.json (null when it failed). */
  metrics: unknown;
  /** Why it failed, one line. */
  error?: string;
  /** Wall-clock seconds of the run on its worker. */
  seconds?: number;
  /** Queue mode: how many times a worker started it (more than 1 after a worker died). */
  tries?: number;
}

/** The train output manifest (io/atomic.ts): its presence means the folder was committed whole. */
const MANIFEST = '.kinetica-outputs';

/** Whether DIR/runs/<id> holds a finished train output: committed, with every file it lists. */
export function runComplete(dir: string, id: string): boolean {
  const folder = join(dir, RUNS_FOLDER, id);
  let names: string[];
  try {
    names = readFileSync(join(folder, MANIFEST), 'utf8').split('\n').filter(Boolean);
  } catch {
    return false;
  }
  return (
    names.includes('metrics.json') &&
    names.includes('model.json') &&
    names.every((n) => existsSync(join(folder, n)))
  );
}

/** The lines of DIR/results.jsonl that parse as results (a torn last line is left out). */
export function readResults(dir: string): ResultLine[] {
  let text: string;
  try {
    text = readFileSync(join(dir, RESULTS_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: ResultLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as ResultLine;
      if (r && typeof r.id === 'string' && (r.status === 'success' || r.status === 'failed')) out.push(r);
    } catch {
      // A line a crash cut short: the run is not counted as finished.
    }
  }
  return out;
}

/** The append-only results file of one sweep folder. */
export class ResultsLog {
  private readonly path: string;
  private readonly written = new Set<string>();

  /**
   * Open DIR/results.jsonl keeping only `keep` (one line per id), rewritten atomically when the
   * file holds anything else (failed runs about to run again, duplicates, a torn line).
   */
  constructor(dir: string, keep: readonly ResultLine[]) {
    mkdirSync(join(dir, RUNS_FOLDER), { recursive: true });
    this.path = join(dir, RESULTS_FILE);
    const text = keep.map((r) => `${JSON.stringify(r)}\n`).join('');
    let current: string | undefined;
    try {
      current = readFileSync(this.path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== text) writeFileAtomicSync(this.path, text);
    for (const r of keep) this.written.add(r.id);
  }

  has(id: string): boolean {
    return this.written.has(id);
  }

  /** Append one run's line; a second line for the same run is dropped (returns false). */
  append(line: ResultLine): boolean {
    if (this.written.has(line.id)) return false;
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    this.written.add(line.id);
    return true;
  }
}

/**
 * What a rerun into the same folder keeps: the successful lines whose run folder is complete
 * (first line of each id). Runs of the spec among them are done; the others run (again).
 */
export function planResume(
  dir: string,
  runs: readonly SweepRun[],
): { keep: ResultLine[]; pending: SweepRun[] } {
  const keep: ResultLine[] = [];
  const seen = new Set<string>();
  for (const r of readResults(dir)) {
    if (seen.has(r.id) || r.status !== 'success' || !runComplete(dir, r.id)) continue;
    seen.add(r.id);
    keep.push(r);
  }
  return { keep, pending: runs.filter((r) => !seen.has(r.id)) };
}
