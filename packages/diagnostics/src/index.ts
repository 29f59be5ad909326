export { bindParameters, type ParametricField, type Trajectory, type VectorField } from './field';
export { jacobianOf } from './jacobian/finite-difference';
export { type Eigenvalues, eigenvalues, singularValues, spectralNorm } from './linalg/eigen';
export { type ConservationReduction, conservationReduction } from './conservation/reduction';
export { jacobianSpectrum, spectralNormMap } from './spectrum/jacobian-spectrum';
export {
  type SolverRecommendation,
  type StiffnessOptions,
  type StiffnessProfile,
  stiffnessProfile,
  stiffnessRatio,
} from './spectrum/stiffness';
export type { LyapunovProblem } from './lyapunov/problem';
export { type LyapunovOptions, lyapunovSpectrum } from './lyapunov/spectrum';
export { type FtleOptions, type FtleResult, ftle, ftleAlongTrajectory } from './lyapunov/ftle';
export type { IterationOptions } from './steady-state/newton';
export type { ConservationSpec } from './steady-state/system';
export { classifyStability, type Stability } from './steady-state/stability';
export {
  findSteadyStates,
  type SteadyState,
  type SteadyStateOptions,
  type SteadyStateResult,
  steadyState,
} from './steady-state/find';
export {
  type Branch,
  type BranchPoint,
  type ContinuationOptions,
  continuation,
  type SpecialPoint,
} from './continuation/arclength';
export { branchToCsv } from './continuation/export';
export {
  nearest as nearestScaledDistance,
  scaledDistance,
  standardDeviations as coordinateScales,
} from './ood/distance';
export { type OodFields, type OodOptions, type OodReport, oodReport } from './ood/report';
export { applyInterventions, type Intervention } from './interventions/apply';
export { type SimulationOptions, simulate } from './interventions/trajectory';
export {
  type CompareOptions,
  compareIntervention,
  type InterventionComparison,
} from './interventions/compare';
export { localSensitivities, type SensitivityOptions, type Sensitivities } from './sensitivity/local';
