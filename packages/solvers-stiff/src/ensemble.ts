import type { AnyODEProblem, Solution, SolveOptions } from '@kinetica/ode-core';
import { isMethodName, solve } from './solve';

/**
 * Ensembles in the calling thread: many members of one problem (parameter sets, initial states),
 * each solved by `solve` (DifferentialEquations.jl's `EnsembleProblem` with `EnsembleSerial`).
 * Every environment, browser included; Node's worker-thread variant is `solveEnsembleThreads`.
 */

/** Builds member i's problem (i = 0 … count − 1): the problem `solve` takes. */
export type EnsembleMemberProblem = (i: number) => AnyODEProblem;

/**
 * Solve members 0 … count − 1, member i being `solve(makeProblem(i), options)`, in order, in the
 * calling thread. Returns one `Solution` per member, each exactly what `solve` returns. A member
 * never throws and never stops the others: a solver failure is its `status: 'failed'` as usual, and
 * a `makeProblem(i)` or `solve` that throws (a problem `solve` refuses) makes that member
 * `status: 'failed'` with the error's message and no output. Bad arguments (makeProblem not a
 * function, count not a positive integer, options not an object or an unknown method) throw a
 * one-line TypeError/RangeError before any member is built.
 */
export function solveEnsemble(
  makeProblem: EnsembleMemberProblem,
  count: number,
  options: SolveOptions = {},
): Solution[] {
  if (typeof makeProblem !== 'function')
    throw new TypeError('solveEnsemble: makeProblem must be a function (i) => problem');
  checkCount('solveEnsemble', count);
  checkEnsembleOptions('solveEnsemble', options);
  const out = new Array<Solution>(count);
  for (let i = 0; i < count; i++) {
    let problem: AnyODEProblem;
    try {
      problem = makeProblem(i);
    } catch (err) {
      out[i] = factoryFailure(i, err, options);
      continue;
    }
    out[i] = solveMember(problem, options);
  }
  return out;
}

/** `solve(problem, options)`, with a throw turned into a failed member. */
export function solveMember(problem: AnyODEProblem, options: SolveOptions): Solution {
  try {
    return solve(problem, options);
  } catch (err) {
    return failedMember(errorLine(err), options);
  }
}

/** The member whose problem could not be built: failed, with the factory's error. */
export function factoryFailure(i: number, err: unknown, options: SolveOptions): Solution {
  return failedMember(`problem factory threw for member ${i}: ${errorLine(err)}`, options);
}

/** A member that never ran: failed, no output, no work. */
export function failedMember(message: string, options: SolveOptions): Solution {
  return {
    status: 'failed',
    message,
    t: new Float64Array(0),
    y: [],
    Y: new Float64Array(0),
    stats: { nfev: 0, njev: 0, nlu: 0, nsteps: 0, naccept: 0, nreject: 0 },
    events: [],
    method: options.method ?? 'auto',
  };
}

/** The first line of what was thrown. */
export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

export function checkCount(fn: string, count: unknown): asserts count is number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    throw new RangeError(`${fn}: count must be a positive integer (got ${String(count)})`);
}

/** What every member shares is checked once, so that a bad method is one error, not count failures. */
export function checkEnsembleOptions(fn: string, options: unknown): asserts options is SolveOptions {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${fn}: options must be an object`);
  const { method } = options as SolveOptions;
  if (method !== undefined && (typeof method !== 'string' || !isMethodName(method)))
    throw new RangeError(`${fn}: unknown method '${String(method)}'`);
}
