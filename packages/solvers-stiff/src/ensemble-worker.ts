import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import type { Solution, SolveOptions } from '@kinetica/ode-core';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { errorLine, factoryFailure, solveMember } from './ensemble';
import type { EnsembleProblemFactory } from './ensemble-threads';

/**
 * What `solveEnsembleThreads`' pool threads load (dist/ensemble-worker.cjs): member i is
 * `solve(await factory(i, input), options)`, exactly as in the calling thread, and its output
 * buffers are transferred back, not copied.
 */

/** The same for every task, sent once per thread (`workerData`). */
export interface EnsembleWorkerData {
  /** file: URL of the user's module. */
  module: string;
  /** The export that builds member i's problem from (i, input). */
  export: string;
}

/** One task: a member, or (no index) a check that the module loads and the export is a function. */
export interface EnsembleTask {
  index?: number;
  input?: unknown;
  options?: SolveOptions;
}

/** A member's solution as data: `y` is rebuilt as views of `Y` on the calling thread. */
export type MemberPayload = Omit<Solution, 'y' | 'at' | 'Y'> & { Y: Float64Array };

const data = workerData as EnsembleWorkerData;
// A real dynamic import in the CommonJS bundle too (tsup turns `import()` into `require()`, which
// cannot load ES modules or file: URLs), as piscina loads its own handlers.
const importModule = new Function('url', 'return import(url)') as (
  url: string,
) => Promise<Record<string, unknown>>;
let factory: Promise<EnsembleProblemFactory> | undefined;

/** The user's factory, loaded once per thread; rejects with one line naming what is wrong. */
function loadFactory(): Promise<EnsembleProblemFactory> {
  factory ??= (async () => {
    const where = fileURLToPath(data.module);
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(data.module);
    } catch (err) {
      if ((err as { code?: unknown } | null)?.code !== 'ERR_UNKNOWN_FILE_EXTENSION')
        throw new Error(`cannot load module ${where}: ${errorLine(err)}`);
      // A TypeScript module under tsx on Node 20: tsx's ESM hooks do not reach worker threads, its
      // CommonJS hook does (the threads inherit the process's execArgv).
      try {
        mod = createRequire(data.module)(where) as Record<string, unknown>;
      } catch (cause) {
        throw new Error(`cannot load module ${where}: ${errorLine(cause)}`);
      }
    }
    if (!(data.export in mod)) {
      const names = Object.keys(mod).join(', ') || 'nothing';
      throw new TypeError(`module ${where} has no export '${data.export}' (it exports: ${names})`);
    }
    const value = mod[data.export];
    if (typeof value !== 'function')
      throw new TypeError(
        `export '${data.export}' of ${where} is ${value === null ? 'null' : `a ${typeof value}`}, not a function (i, input) => problem`,
      );
    return value as EnsembleProblemFactory;
  })();
  return factory;
}

/** Piscina's handler: the check (resolves to the one-line error, or null) or one member. */
export async function runTask(task: EnsembleTask): Promise<string | null | ReturnType<typeof move>> {
  if (task.index === undefined) {
    try {
      await loadFactory();
      return null;
    } catch (err) {
      return errorLine(err);
    }
  }
  const make = await loadFactory();
  const options = task.options ?? {};
  let sol: Solution;
  try {
    sol = solveMember(await make(task.index, task.input), options);
  } catch (err) {
    sol = factoryFailure(task.index, err, options);
  }
  // Y is the whole output in one block (every Kinetica solve sets it); reading `y` would make a
  // view per row only to throw them away.
  const Y = sol.Y ?? Float64Array.from(sol.y.flatMap((row) => Array.from(row)));
  const { status, message, t, stats, events, method } = sol;
  const payload: MemberPayload = { status, message, t, Y, stats, events, method };
  const buffers = new Set<ArrayBuffer>([t.buffer as ArrayBuffer, Y.buffer as ArrayBuffer]);
  return move({ [transferableSymbol]: [...buffers], [valueSymbol]: payload });
}
