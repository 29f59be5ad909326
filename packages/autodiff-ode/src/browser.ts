/**
 * @kinetica/autodiff-ode, browser entry: neural and hybrid ODE vector fields on fused float64
 * kernels (with a TensorFlow.js path computing the same functions), and training through ODE
 * solves; everything the package exports except the Node-only helpers of ./node (file
 * checkpoints, the CPU-time benchmark). Bundlers resolving the `browser` condition get this entry
 * for `@kinetica/autodiff-ode`. In the browser give `trainNeuralODE` a `checkpoint.store` (any
 * `{ load, save }`) instead of a file path.
 */
export const packageName = '@kinetica/autodiff-ode';

export { ACTIVATIONS, type Activation } from './mlp/activations';
export { createMLP, MLP, type MLPSpec } from './mlp/mlp';
export { createRng, type Rng } from './random/rng';

export { useCpuBackend } from './tfjs/backend';
export { TfjsField, type TfjsFieldOptions } from './tfjs/field';
export { registerGradients } from './tfjs/gradients';
export { paramsFromTensors, TfjsMLP } from './tfjs/mlp';

export { ControlTransform, type ControlTransformJSON } from './field/control-transform';
export { type ControlSeries, LinearControls } from './field/controls';
export { BatchedNeuralField } from './field/batched-field';
export { HybridModel, type HybridSpec } from './field/hybrid';
export {
  AdditiveHybrid,
  type AdditiveHybridJSON,
  type AdditiveHybridSpec,
  type MechanisticPart,
} from './field/additive-hybrid';
export {
  NeuralField,
  NeuralODE,
  type NeuralODESpec,
  neuralODE,
  type NonNegativity,
  type Stoichiometry,
  type StoichiometrySpec,
} from './field/neural-ode';
export { type NeuralRatesSpec, neuralRates, stoichiometricNeuralField } from './field/stoichiometric';

export {
  type FusedForward,
  type FusedMethod,
  FusedSolver,
  type FusedSolveOptions,
} from './integrate/fused-solver';
export { isSolverMethod, type SolverMethod } from './integrate/forward-solve';
export {
  isTaped,
  type ParametricModel,
  TapedField,
  type TapedModel,
  tapeByRecompute,
} from './integrate/taped-model';

export { Adam, type AdamState } from './training/adam';
export type { CheckpointStore } from './training/checkpoint';
export { fillMissing, fitScaling } from './training/data';
export { fitRateScale } from './training/rate-scale';
export {
  LBFGS,
  type LBFGSIteration,
  type LBFGSOptions,
  type LBFGSResult,
  type LBFGSObjective,
} from './training/lbfgs';
export { clipGradientNorm, type LearningRateSchedule, learningRateAt } from './training/schedule';
export { type GradientSettings, SegmentGradient, type SegmentResult } from './training/segment-gradient';
export {
  type RefineOptions,
  type RefineSummary,
  type TrainingTrajectory,
  type TrainingCheckpoint,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
  trainNeuralODE,
} from './training/train';
export {
  type EnsembleBand,
  type EnsembleJSON,
  type EnsembleMemberTask,
  EnsembleModel,
  type EnsembleOptions,
  type EnsembleTrainAsyncOptions,
  type EnsembleTrainOptions,
  loadEnsemble,
  type MemberTrainer,
  mixtureQuantile,
  trainEnsemble,
  trainEnsembleAsync,
  trainingResidualScale,
  type TrainResultJSON,
  trainResultFromJSON,
  trainResultToJSON,
} from './training/ensemble';
export { DesignPredictor } from './training/design-predictor';
export {
  loadModel,
  type NeuralODEJSON,
  type Prediction,
  type PredictOptions,
  TrainedModel,
} from './training/trained-model';
export { type LossWeights, TrajectoryLoss } from './training/trajectory-loss';
export {
  type HybridObservable,
  type HybridTrainProgress,
  type HybridTrajectory,
  ObservationLoss,
  observableValue,
  type TrainHybridOptions,
  type TrainHybridResult,
  trainHybrid,
} from './training/train-hybrid';

export { CNF, type CNFOptions, type CNFTrainOptions, gaussianNLL, twoMoons } from './cnf/cnf';
export { TraceField } from './cnf/trace-field';

export { b1Data } from './benchmarks/train-step';
