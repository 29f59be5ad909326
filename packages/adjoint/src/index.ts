export { odeGradient } from './odeGradient';
export type {
  GradientMode,
  GradientModel,
  GradientOptions,
  GradientResult,
  GradientStats,
  Observations,
} from './types';
export {
  type BoundedIterationInfo,
  type BoundedObjective,
  type MinimizeBoundedOptions,
  type MinimizeBoundedResult,
  type MinimizeBoundedStatus,
  minimizeBounded,
} from './fit/bounded-lbfgs';
export {
  chiSquare1Quantile,
  type FitExperiment,
  type FitOptions,
  type FitOutput,
  type FitParameter,
  type FitResult,
  fitParameters,
  type ProfileInterval,
} from './fit/fit';
