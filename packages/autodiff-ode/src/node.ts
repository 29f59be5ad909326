/**
 * @kinetica/autodiff-ode/node: the Node-only helpers: checkpoints in a file (node:fs) and the
 * training-step benchmark (process CPU time). The Node root entry exports them too.
 */
export {
  runTrainStepBenchmark,
  type TrainStepBenchmarkOptions,
  type TrainStepBenchmarkResult,
} from './benchmarks/train-step';
export { fileCheckpointStore, writeFileAtomic } from './training/checkpoint';
