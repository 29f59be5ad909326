/**
 * @kinetica/solvers-stiff, Node root: everything of the browser entry (src/browser.ts), the taped
 * solves and transposed steps (also `@kinetica/solvers-stiff/reverse`), the stiff test set
 * (also `@kinetica/solvers-stiff/testset`) and the ensembles on worker threads (`solveEnsembleThreads`, `openEnsembleThreads`).
 */
export * from './browser';
export * from './reverse';
export { openEnsembleThreads, solveEnsembleThreads } from './ensemble-threads';
export type {
  EnsembleMembers,
  EnsembleProblemFactory,
  EnsembleThreads,
  EnsembleThreadsSource,
  EnsembleThreadsSpec,
} from './ensemble-threads';
export {
  blockRober,
  e5,
  hires,
  intermediateTimes,
  massAction,
  mescd,
  orego,
  pollu,
  rober,
  scd,
  testProblems,
  vdpol,
  vdpolUnscaled,
} from './testset/index';
export type { MassActionReaction, TestProblem } from './testset/index';
