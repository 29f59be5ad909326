import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Stage every output file in a hidden sibling folder and move them into `dir` only when the whole
 * command has succeeded, so that a failure (bad input, a crash, Ctrl-C) never leaves a
 * half-written file in `dir` and an existing `dir` keeps its old contents.
 */
export class OutputStage {
  readonly staging: string;
  private committed = false;

  constructor(readonly dir: string) {
    const abs = resolve(dir);
    const parent = dirname(abs);
    mkdirSync(parent, { recursive: true });
    this.staging = mkdtempSync(join(parent, `.${basename(abs)}.partial-`));
  }

  /** Path of `name` inside the staging folder (parents are created). */
  path(name: string): string {
    const p = join(this.staging, name);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  write(name: string, data: string | Uint8Array): void {
    writeFileSync(this.path(name), data);
  }

  /** Move every staged file into the destination (each by rename: atomic per file). */
  commit(): void {
    if (this.committed) return;
    const dest = resolve(this.dir);
    mkdirSync(dest, { recursive: true });
    const move = (from: string, to: string) => {
      for (const entry of readdirSync(from)) {
        const src = join(from, entry);
        const dst = join(to, entry);
        if (statSync(src).isDirectory()) {
          mkdirSync(dst, { recursive: true });
          move(src, dst);
        } else renameSync(src, dst);
      }
    };
    move(this.staging, dest);
    rmSync(this.staging, { recursive: true, force: true });
    this.committed = true;
  }

  /** Throw the staged files away. */
  discard(): void {
    if (existsSync(this.staging)) rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Run `fill` on a fresh stage for `dir` and commit it; on any error discard it and rethrow. */
export function writeStaged(dir: string, fill: (stage: OutputStage) => void): void {
  const stage = new OutputStage(dir);
  try {
    fill(stage);
    stage.commit();
  } catch (err) {
    stage.discard();
    throw err;
  }
}

/** Write one file atomically: a temporary file beside it, then a rename. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, abs);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
