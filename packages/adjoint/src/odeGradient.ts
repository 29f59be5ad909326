import { backsolveGradient } from './continuous/backsolve';
import { checkpointedGradient } from './continuous/checkpointed';
import { interpolatingGradient } from './continuous/interpolating';
import { tapedMethodNames } from '@kinetica/solvers-stiff/reverse';
import { discreteGradient } from './discrete/taped';
import { forwardSensitivityGradient } from './forward/sensitivities';
import { GradientGuardError } from './guards';
import { type GradientProblem, resolveProblem } from './problem';
import { failResult, newResult } from './result';
import type { GradientMode, GradientModel, GradientOptions, GradientResult, Observations } from './types';

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
  let res: GradientResult;
  try {
    res = runMode(prob, mode);
  } catch (err) {
    // A model or loss that broke its contract is a failed gradient, not a crash.
    if (!(err instanceof GradientGuardError)) throw err;
    return failResult(newResult(prob, mode), err.message);
  }
  if (res.status === 'success') {
    const bad = firstNonFinite(res);
    if (bad)
      return failResult(res, `the gradient is not finite (${bad}): the model's vjp produced NaN or Infinity`);
  }
  return res;
}

function firstNonFinite(res: GradientResult): string | null {
  for (const [name, a] of [
    ['dp', res.dp],
    ['dy0', res.dy0],
    ['dtimes', res.dtimes],
  ] as const) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return `${name}[${i}] = ${a[i]}`;
  }
  return Number.isFinite(res.loss) ? null : `loss = ${res.loss}`;
}

function runMode(prob: GradientProblem, mode: Exclude<GradientMode, 'auto'>): GradientResult {
  switch (mode) {
    case 'discrete':
      if (!tapedMethodNames.includes(prob.method)) {
        throw new RangeError(
          `odeGradient: mode 'discrete' has no transposed step for method '${prob.method}' (known: ${tapedMethodNames.join(', ')})`,
        );
      }
      return discreteGradient(prob);
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
