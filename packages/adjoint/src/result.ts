import { emptyStats, type GradientProblem } from './problem';
import type { GradientMode, GradientResult } from './types';

/** A zeroed result for `prob`, filled in by a mode. */
export function newResult(prob: GradientProblem, mode: Exclude<GradientMode, 'auto'>): GradientResult {
  return {
    status: 'success',
    message: '',
    mode,
    loss: 0,
    dp: new Float64Array(prob.np),
    dy0: new Float64Array(prob.n),
    dtimes: new Float64Array(prob.times.length),
    stats: emptyStats(),
  };
}

/** Mark `res` failed: the gradient is NaN so that it cannot be used by mistake. */
export function failResult(res: GradientResult, message: string): GradientResult {
  res.status = 'failed';
  res.message = message;
  res.loss = Number.NaN;
  res.dp.fill(Number.NaN);
  res.dy0.fill(Number.NaN);
  res.dtimes.fill(Number.NaN);
  return res;
}
