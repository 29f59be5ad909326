import { getExplicitTableau, isExplicitMethod } from '@kinetica/ode-core';
import { backsolveGradient } from './continuous/backsolve';
import { checkpointedGradient } from './continuous/checkpointed';
import { interpolatingGradient } from './continuous/interpolating';
import { discreteBdf } from './discrete/bdf';
import { discreteExplicit } from './discrete/explicit-rk';
import { discreteRadau5 } from './discrete/radau5';
import { discreteRodas5 } from './discrete/rodas5';
import { forwardSensitivityGradient } from './forward/sensitivities';
import { resolveProblem } from './problem';
import type { GradientModel, GradientOptions, GradientResult, Observations } from './types';

/**
 * dL/dp, dL/dy0 and dL/dtimes of L = Σᵢ loss(i, y(tᵢ)) where y solves y' = f(t, y, p), y(t0) = y0.
 * See `GradientMode` for the methods; 'auto' picks forward sensitivities when n + p ≤ 100
 * (SciML's rule of thumb), else the checkpointed adjoint.
 */
export function odeGradient(
  model: GradientModel,
  observations: Observations,
  options: GradientOptions = {},
): GradientResult {
  const prob = resolveProblem(model, observations, options);
  const requested = options.mode ?? 'auto';
  const mode = requested === 'auto' ? (prob.n + prob.np <= 100 ? 'forward' : 'checkpointed') : requested;
  const tab = isExplicitMethod(prob.method) ? getExplicitTableau(prob.method) : undefined;
  switch (mode) {
    case 'discrete':
      if (tab) return discreteExplicit(prob, tab);
      if (prob.method === 'radau5') return discreteRadau5(prob);
      if (prob.method === 'bdf') return discreteBdf(prob);
      if (prob.method === 'rodas5') return discreteRodas5(prob);
      throw new RangeError(
        `odeGradient: mode 'discrete' has no taped stepper for method '${prob.method}' (explicit Runge–Kutta methods, 'radau5', 'bdf', 'rodas5')`,
      );
    case 'backsolve':
      return backsolveGradient(prob);
    case 'interpolating':
      return interpolatingGradient(prob);
    case 'checkpointed':
      return checkpointedGradient(prob);
    case 'forward':
      return forwardSensitivityGradient(prob);
    default:
      throw new RangeError(`odeGradient: unknown mode '${String(mode)}'`);
  }
}
