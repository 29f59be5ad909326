import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyODEProblem, Solution, SolveOptions } from '@kinetica/ode-core';
import { checkCount, checkEnsembleOptions, errorLine, failedMember } from './ensemble';
import type { EnsembleTask, EnsembleWorkerData, MemberPayload } from './ensemble-worker';

/**
 * Ensembles on worker threads (Node only; `EnsembleThreads` of DifferentialEquations.jl). Functions
 * cannot cross threads, so the members' problems are built in each thread by an export of a module
 * the caller names, from (i, input) where input is structured-clonable data.
 */

/**
 * The export that builds member i's problem in a thread, from the member's input (cloned): the
 * problem `solve` takes, or a promise of one. Type a module's export with it:
 * `export const problem: EnsembleProblemFactory<number[]> = (i, k) => ({ … })`.
 */
export type EnsembleProblemFactory<Input = unknown> = (
  i: number,
  input: Input,
) => AnyODEProblem | Promise<AnyODEProblem>;

/** Where the members' problems come from, and on how many threads. */
export interface EnsembleThreadsSource {
  /**
   * The module that builds the problems: a path (relative to the working directory) or a `file:`
   * URL, ESM or CommonJS. Threads load it with `import()` under the process's own `execArgv`, so
   * a loader such as tsx applies there too.
   */
  module: string | URL;
  /** The name of the export of `module` that builds member i's problem (an `EnsembleProblemFactory`). */
  export: string;
  /**
   * Worker threads; default `os.availableParallelism()` (`solveEnsembleThreads`: never more than
   * the members).
   */
  threads?: number;
}

/** The members of one ensemble: one per input, or `count` of them. */
export interface EnsembleMembers {
  /** One member per input, each passed (cloned) to the export; or give `count`. */
  inputs?: readonly unknown[];
  /** The number of members when they need no input (the export gets `undefined`). */
  count?: number;
  /** `solve`'s options, shared by every member. Data only: no `events`, no `dense`. */
  options?: SolveOptions;
}

/** What `solveEnsembleThreads` solves. */
export interface EnsembleThreadsSpec extends EnsembleThreadsSource, EnsembleMembers {}

/** Threads kept open for several ensembles of one module's problems (`openEnsembleThreads`). */
export interface EnsembleThreads {
  /** The number of threads. */
  readonly threads: number;
  /** Solve an ensemble on these threads, as `solveEnsembleThreads` does. */
  solve(members: EnsembleMembers): Promise<Solution[]>;
  /** End the threads (members still queued fail); later `solve` calls reject. */
  close(): Promise<void>;
}

/**
 * Solve an ensemble on worker threads (a piscina pool): member i is
 * `solve(await factory(i, inputs[i]), options)` with `factory` the named export, run in whichever
 * thread is free next. Resolves to one `Solution` per member, in member order, equal bit for bit to
 * what `solve` returns for that problem in the calling thread (`t`, `Y` and the rows `y` are the
 * thread's own buffers, transferred, not copied); there is no `at` (dense output is a function).
 *
 * Failures, as `solveEnsemble`: a solver failure is that member's `status: 'failed'`; a factory or a
 * `solve` that throws makes the member failed with the error's message; a thread that dies fails the
 * member it was solving (and the pool replaces it). None of these rejects or stops the others.
 * Rejects with one line naming what is wrong, before any member is solved, for a module that is
 * missing or cannot be loaded, an export that is missing or not a function, an input or options that
 * cannot be cloned to a thread, a count or threads that is not a positive integer; and, never
 * waiting, if a thread fails outside any member (cannot start, or a stray asynchronous error).
 *
 * Each call starts its threads and ends them: a fresh thread takes about 0.1 s to start and solves
 * slowly until V8 has compiled the solver (0.6–0.9 s per thread on a 2-core machine). For small or
 * repeated ensembles of one module, `openEnsembleThreads`.
 */
export async function solveEnsembleThreads(spec: EnsembleThreadsSpec): Promise<Solution[]> {
  const fn = 'solveEnsembleThreads';
  if (spec === null || typeof spec !== 'object') throw new TypeError(`${fn}: spec must be an object`);
  const source = checkSource(fn, spec);
  const { inputs, options } = checkMembers(fn, spec);
  const pool = await openPool(fn, { ...source, threads: Math.min(source.threads, inputs.length) });
  try {
    return await pool.solveChecked(inputs, options);
  } finally {
    await pool.close();
  }
}

/**
 * Open worker threads for the ensembles of one module's problems: they load the module once and
 * stay warm (compiled) between ensembles, until `close()`. Rejects, without starting any work,
 * for the module, export or threads as `solveEnsembleThreads` does; `solve` rejects for its members
 * and options as that does too, and once the threads are closed or broken.
 */
export async function openEnsembleThreads(source: EnsembleThreadsSource): Promise<EnsembleThreads> {
  const fn = 'openEnsembleThreads';
  if (source === null || typeof source !== 'object') throw new TypeError(`${fn}: source must be an object`);
  const pool = await openPool(fn, checkSource(fn, source));
  return {
    threads: pool.threads,
    async solve(members) {
      const sfn = 'EnsembleThreads.solve';
      if (members === null || typeof members !== 'object')
        throw new TypeError(`${sfn}: members must be an object`);
      const { inputs, options } = checkMembers(sfn, members);
      return pool.solveChecked(inputs, options);
    },
    close: () => pool.close(),
  };
}

interface CheckedSource {
  module: string;
  export: string;
  threads: number;
}

function checkSource(fn: string, source: EnsembleThreadsSource): CheckedSource {
  const module = moduleUrl(fn, source.module);
  if (typeof source.export !== 'string' || source.export === '')
    throw new TypeError(`${fn}: export must be the name of an export of ${fileURLToPath(module)}`);
  const threads = source.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`${fn}: threads must be a positive integer (got ${String(threads)})`);
  return { module, export: source.export, threads };
}

function checkMembers(fn: string, members: EnsembleMembers): { inputs: unknown[]; options: SolveOptions } {
  const inputs = memberInputs(fn, members.inputs, members.count);
  const options = members.options ?? {};
  checkEnsembleOptions(fn, options);
  if (options.dense)
    throw new TypeError(`${fn}: options.dense cannot cross threads (dense output is a function); use saveAt`);
  if (options.events !== undefined && options.events.length > 0)
    throw new TypeError(`${fn}: options.events cannot cross threads (event functions); use solveEnsemble`);
  cloneable(fn, options, 'options');
  return { inputs, options };
}

/** A started pool whose threads have loaded the module and found the export. */
interface Pool {
  threads: number;
  solveChecked(inputs: readonly unknown[], options: SolveOptions): Promise<Solution[]>;
  close(): Promise<void>;
}

async function openPool(fn: string, source: CheckedSource): Promise<Pool> {
  // The default export: the CommonJS bundle's interop (splitting) drops piscina's named ones.
  const { default: Piscina } = await import('piscina');
  const workerData: EnsembleWorkerData = { module: source.module, export: source.export };
  const pool = new Piscina<EnsembleTask, string | null | MemberPayload>({
    ...workerFile(),
    name: 'runTask',
    workerData,
    minThreads: source.threads,
    maxThreads: source.threads,
  });
  // A thread that fails outside any task: while starting, piscina replaces it by none, and the
  // members queued for it would wait forever; after (a stray asynchronous error), something is
  // wrong with the module. Either way the threads are broken: pending and later ensembles reject.
  let closed = false;
  let failure: Error | undefined;
  const broken = new Promise<never>((_, reject) =>
    pool.on('error', (err: unknown) => {
      failure ??= new Error(`${fn}: worker threads failed: ${errorLine(err)}`);
      reject(failure);
    }),
  );
  broken.catch(() => {});
  const close = async () => {
    if (closed) return;
    closed = true;
    await pool.destroy();
  };
  try {
    // One thread loads the module and checks the export before any member is queued.
    const checked = pool
      .run({})
      .catch(
        (err: unknown) =>
          `the worker thread loading ${fileURLToPath(source.module)} stopped: ${errorLine(err)}`,
      );
    const loadError = await Promise.race([checked, broken]);
    if (loadError !== null) throw new Error(`${fn}: ${String(loadError)}`);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    threads: source.threads,
    async solveChecked(inputs, options) {
      if (closed) throw new Error(`${fn}: the worker threads are closed`);
      if (failure) throw failure;
      const members = inputs.map((input, index) =>
        pool.run({ index, input, options }).then(
          (payload) => solutionOf(payload as MemberPayload),
          (err: unknown) =>
            failedMember(`the worker thread solving member ${index} stopped: ${errorLine(err)}`, options),
        ),
      );
      return Promise.race([Promise.all(members), broken]);
    },
    close,
  };
}

/** The module as a file: URL string, checked to exist. */
function moduleUrl(fn: string, module: unknown): string {
  let url: URL;
  if (module instanceof URL) url = module;
  else if (typeof module === 'string' && module !== '')
    url = module.startsWith('file:') ? new URL(module) : pathToFileURL(resolve(module));
  else throw new TypeError(`${fn}: module must be a path or a file: URL`);
  if (url.protocol !== 'file:')
    throw new TypeError(`${fn}: module must be a path or a file: URL (got ${url})`);
  if (!existsSync(fileURLToPath(url))) throw new Error(`${fn}: module not found: ${fileURLToPath(url)}`);
  return url.href;
}

/** One input per member (`undefined` with `count`), each checked to clone. */
function memberInputs(
  fn: string,
  inputs: readonly unknown[] | undefined,
  count: number | undefined,
): unknown[] {
  if ((inputs === undefined) === (count === undefined))
    throw new TypeError(`${fn}: give either inputs (one per member) or count, not both`);
  if (count !== undefined) {
    checkCount(fn, count);
    return new Array<unknown>(count).fill(undefined);
  }
  if (!Array.isArray(inputs)) throw new TypeError(`${fn}: inputs must be an array (one input per member)`);
  if (inputs.length === 0) throw new RangeError(`${fn}: inputs is empty (no members)`);
  for (const [i, input] of inputs.entries()) cloneable(fn, input, `inputs[${i}]`);
  return inputs;
}

function cloneable(fn: string, value: unknown, what: string): void {
  try {
    structuredClone(value);
  } catch (err) {
    throw new TypeError(`${fn}: ${what} cannot be cloned to a worker thread: ${errorLine(err)}`);
  }
}

/**
 * The worker and how threads load it: dist/ensemble-worker.cjs beside this bundle (CommonJS, so
 * that Node 20 loads it without require(esm)'s warning); from source (the `source` condition:
 * tests, benches), src/ensemble-worker.ts through tsx, on the sources too.
 */
function workerFile(): { filename: string; execArgv?: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { filename: fileURLToPath(new URL('./ensemble-worker.cjs', here)) };
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return {
    filename: fileURLToPath(new URL('./ensemble-worker.ts', here)),
    execArgv: ['--import', tsx, '--conditions=source'],
  };
}

/** The member's `Solution`, its rows views of the transferred block `Y` (made on first use, as `solve` does). */
function solutionOf(payload: MemberPayload): Solution {
  const { Y, t } = payload;
  const count = t.length;
  const n = count === 0 ? 0 : Y.length / count;
  let rows: Float64Array[] | undefined;
  return {
    ...payload,
    get y() {
      rows ??= Array.from({ length: count }, (_, i) => Y.subarray(i * n, (i + 1) * n));
      return rows;
    },
    set y(value) {
      rows = value;
    },
  };
}
