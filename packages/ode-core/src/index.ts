export type * from './types';
export type * from './stepping';
export { prepareSolve } from './problem/prepare';
export type { PreparedSolve } from './problem/prepare';
export { OutputRecorder } from './output/recorder';
export type { RecorderConfig } from './output/recorder';
export { locateRoot } from './output/locate-root';
export { scaledErrorNorm } from './step-size/error-norm';
export { initialStepSize } from './step-size/initial-step';
export type { InitialStepWork } from './step-size/initial-step';
export { PIController } from './controllers/pi';
export { HermiteInterpolant, hermiteInterpolant, hermiteEvaluate } from './interpolation/hermite';
export { isFiniteVector } from './vector/finite';
export { solve } from './solve';
export { integrateExplicit } from './explicit/integrate';
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
