/**
 * @kinetica/solvers-stiff, browser entry: every solver, the linear algebra, Jacobians and
 * positivity, without the stiff test set and the taped (adjoint) solves. Bundlers resolving the
 * `browser` condition get this entry for `@kinetica/solvers-stiff`, so that a web page solving its
 * own models does not carry the test problems' data (ROBER, HIRES, POLLU, …) nor the reverse-mode
 * code only gradients use: they are `@kinetica/solvers-stiff/testset` and
 * `@kinetica/solvers-stiff/reverse` (`solveTaped` and the transposed steps), in every environment.
 * The Node root (src/index.ts) re-exports this entry, the reverse-mode one and the test set.
 */
export { isMethodName, isStiffMethod, solve, stiffMethodNames } from './solve';
export { solveEnsemble } from './ensemble';
export type { EnsembleMemberProblem } from './ensemble';
export { auto } from './auto';
export type { AutoOptions } from './auto';
export { radau5 } from './implicit/radau5';
export type { Radau5Options } from './implicit/radau5';
export { bdf } from './implicit/bdf';
export type { BdfSettings } from './implicit/bdf';
export { integrateRosenbrock, RosenbrockIntegrator } from './rosenbrock/integrate';
export type { StepOutcome } from '@kinetica/ode-core';
export { rodas5Stepper } from './rosenbrock/rodas5';
export { RODAS5P_TABLEAU } from './rosenbrock/rodas5p-tableau';
export { ros23Stepper } from './rosenbrock/ros23';
export type { RosenbrockFactory, RosenbrockStepper } from './rosenbrock/scheme';
export { DenseLU } from './linalg/dense-lu';
export { ComplexDenseLU } from './linalg/complex-dense-lu';
export { BandedLU, ComplexBandedLU } from './linalg/banded-lu';
export { SparsityPattern } from './linalg/sparsity-pattern';
export { reverseCuthillMcKee } from './linalg/rcm';
export { DenseSolver, ComplexDenseSolver } from './linalg/dense-solver';
export { BandOrdering, SparseSolver, ComplexSparseSolver } from './linalg/sparse-solver';
export { SparseLU } from './linalg/sparse-lu';
export { SparseLUSolver, ComplexSparseLUSolver } from './linalg/sparse-lu-solver';
export { minimumDegreeOrder } from './linalg/minimum-degree';
export { selectLinearAlgebra } from './linalg/select';
export type { LinearAlgebra } from './linalg/select';
export type { ComplexLinearSolver, JacobianLayout, LinearSolver } from './linalg/linear-solver';
export { AnalyticJacobian, FiniteDifferenceJacobian } from './jacobian/jacobian';
export type { JacobianEvaluator } from './jacobian/jacobian';
export { groupColumns } from './jacobian/coloring';
export { setupNewtonAlgebra } from './jacobian/setup';
export type { NewtonAlgebra } from './jacobian/setup';
export { timeDerivative } from './jacobian/time-derivative';
export { PositivityGuard, rescuesOf } from './positivity';
export type {
  PositivityMode,
  PositivitySettings,
  RescueKind,
  RescueRecord,
  RestartPoint,
  StiffSolverStats,
} from './positivity';
