import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CliError } from './errors';

/**
 * Output folders and files. Every output is staged in a hidden sibling (`.NAME.partial-PID-*`,
 * `.NAME.PID.tmp`) and swapped into place only when the whole command has succeeded, so that a
 * failure (bad input, a crash, Ctrl-C) never leaves a half-written file and an existing folder
 * keeps its old contents. A finished folder holds one run's outputs: the outputs of an earlier
 * run (listed in its `.kinetica-outputs`) are replaced, files kinetica did not write are kept.
 * Staging left behind by a killed run (its process is gone) is swept by the next run into the
 * same parent; SIGINT/SIGTERM/SIGHUP during the write discard the staging before exiting.
 */

/** Lists the outputs of the run that wrote a folder (one name per line). */
const MANIFEST = '.kinetica-outputs';

/** Outputs of runs from before the manifest existed. */
const LEGACY_OUTPUT =
  /^((model|metrics|diagnosis)\.json|(predictions|data)\.csv|report\.(html|md)|[\w.-]+\.(svg|png))$/;

const STAGING = /^\.(.+)\.(partial|old)-(\d+)-[A-Za-z0-9]+$/;
const LEGACY_STAGING = /^\.(.+)\.partial-[A-Za-z0-9]{6}$/;
const TEMP_FILE = /^\.(.+)\.(\d+)\.tmp$/;
/** A staging folder of the old naming (no process id) is swept once it is this old. */
const LEGACY_AGE_MS = 10 * 60_000;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `stat`, or undefined where nothing is (a path through a file counts as nothing there). */
function statOrNone(p: string) {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Remove what killed runs left in `parent`: staging folders and temporary files of processes that
 * are gone, and old-style staging folders for `name`. A swap interrupted after the old folder was
 * moved aside is finished: the old folder is put back, or its foreign files carried over.
 */
function sweepStale(parent: string, name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(parent, e);
    try {
      const m = STAGING.exec(e) ?? TEMP_FILE.exec(e);
      if (m) {
        const pid = Number(m.length > 3 ? m[3] : m[2]);
        if (alive(pid)) continue;
        if (m[2] === 'old') {
          const dest = join(parent, m[1]!);
          if (!existsSync(dest)) {
            renameSync(path, dest);
            continue;
          }
          carryForeign(path, dest, []);
        }
        rmSync(path, { recursive: true, force: true });
      } else if (LEGACY_STAGING.exec(e)?.[1] === name) {
        if (Date.now() - statSync(path).mtimeMs > LEGACY_AGE_MS)
          rmSync(path, { recursive: true, force: true });
      }
    } catch {
      // Another run may be sweeping the same entry; what is left is swept next time.
    }
  }
}

/** The outputs of the run that wrote `dir` (undefined: no manifest, an older kinetica). */
function manifestOf(dir: string): Set<string> | undefined {
  try {
    return new Set(readFileSync(join(dir, MANIFEST), 'utf8').split('\n').filter(Boolean));
  } catch {
    return undefined;
  }
}

/**
 * Move the entries of `from` (an old copy of `to`) that kinetica did not write, and those that
 * were inputs of this run (`keep`: their paths in `to`), into `to`, unless `to` has them.
 */
function carryForeign(from: string, to: string, keep: readonly string[]): void {
  const ours = manifestOf(from);
  for (const e of readdirSync(from)) {
    if (e === MANIFEST) continue;
    const dst = join(to, e);
    const written = ours ? ours.has(e) : LEGACY_OUTPUT.test(e);
    if (written && !keep.includes(dst)) continue;
    if (!existsSync(dst)) renameSync(join(from, e), dst);
  }
}

/** Nearest existing folder at or above `path`; a usage error when an ancestor is a file. */
function existingAncestor(command: string, out: string, path: string): string {
  let p = path;
  for (;;) {
    const st = statOrNone(p);
    if (st) {
      if (!st.isDirectory())
        throw new CliError(`kinetica ${command}: --out ${out}: ${p} is a file, not a folder`);
      return p;
    }
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

/** Whether this process can create entries in `dir` (a real probe: root ignores modes, read-only mounts do not). */
function writable(dir: string): boolean {
  try {
    rmdirSync(mkdtempSync(join(dir, `.kinetica-probe-${process.pid}-`)));
    return true;
  } catch {
    return false;
  }
}

/**
 * Check an output path before any work: not empty, not an input file, a folder (`kind` 'folder')
 * or a file path ('file') as the command writes, and in a place this process can write. Sweeps
 * the staging that killed runs left beside it. Usage errors (exit 2), one line each.
 */
export function checkOutputPath(
  command: string,
  out: string,
  kind: 'folder' | 'file',
  inputs: readonly string[] = [],
): void {
  if (out.trim() === '') throw new CliError(`kinetica ${command}: option --out needs a value`);
  const abs = resolve(out);
  for (const input of inputs)
    if (resolve(input) === abs)
      throw new CliError(`kinetica ${command}: --out ${out} is an input file; it would be overwritten`);
  const st = statOrNone(abs);
  if (kind === 'folder' && st && !st.isDirectory())
    throw new CliError(
      `kinetica ${command}: --out ${out} is an existing file; give a folder (it is created)`,
    );
  if (kind === 'file' && st?.isDirectory())
    throw new CliError(`kinetica ${command}: --out ${out} is a folder; give a file path (RESULTS.csv)`);
  if (kind === 'folder' && isInside(process.cwd(), abs))
    throw new CliError(
      `kinetica ${command}: --out ${out} holds the current folder; a run replaces its --out folder, so give one of its own`,
    );
  const place = existingAncestor(command, out, dirname(abs));
  for (const dir of st?.isDirectory() ? [place, abs] : [place])
    if (!writable(dir))
      throw new CliError(
        `kinetica ${command}: --out ${out}: cannot write in ${dir} (read-only or permission denied)`,
      );
  sweepStale(dirname(abs), basename(abs));
}

/** Stages in progress, discarded when a signal ends the process. */
const active = new Set<OutputStage>();
let signalsHandled = false;

/**
 * From the first stage on, SIGINT/SIGTERM/SIGHUP end the process only between writes: the write
 * in progress (synchronous) finishes or is discarded first, then any stage still open is removed.
 */
function handleSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      for (const s of active) s.discard();
      process.stderr.write(`kinetica: stopped by ${sig}\n`);
      process.exit(128 + (constants.signals[sig] ?? 1));
    });
  }
}

/** Test hook: hold a commit this long (ms) so that a test can signal the process mid-write. */
function testDelay(): void {
  const ms = Number(process.env.KINETICA_TEST_COMMIT_DELAY_MS);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Stage every output file of one run in a hidden sibling folder; `commit` swaps it into place. */
export class OutputStage {
  readonly staging: string;
  private committed = false;

  /** `inputs`: files the run read; one inside `dir` is kept there even when an earlier run wrote it. */
  constructor(
    readonly dir: string,
    private readonly inputs: readonly string[] = [],
  ) {
    const abs = resolve(dir);
    const parent = dirname(abs);
    mkdirSync(parent, { recursive: true });
    handleSignals();
    this.staging = mkdtempSync(join(parent, `.${basename(abs)}.partial-${process.pid}-`));
    active.add(this);
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

  /**
   * Put the staged run in place of `dir`: the old folder is moved aside, the stage renamed to
   * `dir`, the old folder's foreign files (and inputs) carried over and the rest removed.
   */
  commit(): void {
    if (this.committed) return;
    const names = readdirSync(this.staging);
    writeFileSync(join(this.staging, MANIFEST), `${names.join('\n')}\n`);
    testDelay();
    const dest = resolve(this.dir);
    const old = statOrNone(dest);
    // mkdtemp makes the stage private (0700): give it the old folder's mode, or mkdir's.
    chmodSync(this.staging, old ? old.mode & 0o7777 : 0o777 & ~process.umask());
    if (old) {
      const aside = `${this.staging.replace(/\.partial-(\d+)-/, '.old-$1-')}`;
      renameSync(dest, aside);
      renameSync(this.staging, dest);
      carryForeign(
        aside,
        dest,
        this.inputs.map((p) => resolve(p)),
      );
      rmSync(aside, { recursive: true, force: true });
    } else renameSync(this.staging, dest);
    active.delete(this);
    this.committed = true;
  }

  /** Throw the staged files away. */
  discard(): void {
    active.delete(this);
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Run `fill` on a fresh stage for `dir` and commit it; on any error discard it and rethrow. */
export function writeStaged(
  dir: string,
  fill: (stage: OutputStage) => void,
  inputs: readonly string[] = [],
): void {
  const stage = new OutputStage(dir, inputs);
  try {
    fill(stage);
    stage.commit();
  } catch (err) {
    stage.discard();
    throw err;
  }
}

/** Write one file atomically: a temporary file beside it (`.NAME.PID.tmp`), then a rename. */
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

/** Whether `path` lies inside `dir` (or is it). */
function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
}
