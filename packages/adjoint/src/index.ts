export { odeGradient } from './odeGradient';
export type {
  GradientMode,
  GradientModel,
  GradientOptions,
  GradientResult,
  GradientStats,
  Observations,
} from './types';
