/**
 * @kinetica/ode-core, browser entry: the problem and solution types, `solve`, the explicit
 * Runge–Kutta methods, step-size control, dense output and events, without the reverse-mode
 * machinery (the step tape and the transposed explicit step), which only gradient code uses; that
 * is `@kinetica/ode-core/reverse`, in every environment. Bundlers resolving the `browser`
 * condition get this entry for `@kinetica/ode-core`. The Node root (src/index.ts) re-exports this
 * entry and the reverse-mode one.
 */
export type * from './types';
export type * from './stepping';
export { runIntegrator } from './stepping';
export { DEFAULT_ATOL, DEFAULT_RTOL } from './types';
export { prepareSolve, isParametric } from './problem/prepare';
export type { PreparedSolve } from './problem/prepare';
export { OutputRecorder } from './output/recorder';
export type { RecorderConfig } from './output/recorder';
export { locateRoot } from './output/locate-root';
export { scaledErrorNorm } from './step-size/error-norm';
export { reachesStop } from './step-size/landing';
export { firstStep, firstStepFloor, initialStepSize } from './step-size/initial-step';
export type { InitialStepWork } from './step-size/initial-step';
export { PIController } from './controllers/pi';
export { HermiteInterpolant, hermiteInterpolant, hermiteEvaluate } from './interpolation/hermite';
export { isFiniteVector } from './vector/finite';
export { solve } from './solve';
export { ExplicitIntegrator, integrateExplicit } from './explicit/integrate';
export { RungeKuttaStepper, RungeKuttaInterpolant } from './explicit/runge-kutta';
export type { ExplicitTableau, DenseExtension } from './explicit/tableau';
export {
  explicitMethods,
  explicitMethodNames,
  getExplicitTableau,
  isExplicitMethod,
} from './explicit/registry';
export { euler } from './explicit/euler';
export { rk4 } from './explicit/rk4';
export { bs3 } from './explicit/bs3';
export { dopri5 } from './explicit/dopri5';
export { tsit5 } from './explicit/tsit5';
export { dop853 } from './explicit/dop853';
