import { akimaInterpolant } from './akima';
import type { Extrapolation, Interpolant, InterpolationMethod } from './interpolant';
import { LinearInterpolant } from './linear';
import { pchipInterpolant } from './pchip';

export interface InterpolantOptions {
  /** Default 'linear'. */
  method?: InterpolationMethod;
  /** Default 'constant': hold the first/last value. */
  extrapolate?: Extrapolation;
}

/**
 * An interpolant through (x, y): x strictly increasing, y finite (drop missing points first).
 * One point gives a constant; two points give a straight line for every method.
 */
export function createInterpolant(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: InterpolantOptions = {},
): Interpolant {
  const extrapolate = options.extrapolate ?? 'constant';
  switch (options.method ?? 'linear') {
    case 'linear':
      return new LinearInterpolant(x, y, extrapolate);
    case 'pchip':
      return pchipInterpolant(x, y, extrapolate);
    case 'akima':
      return akimaInterpolant(x, y, extrapolate, 'akima');
    case 'makima':
      return akimaInterpolant(x, y, extrapolate, 'makima');
    default:
      throw new TypeError(
        `omics-io: interpolation method must be 'linear', 'pchip', 'akima' or 'makima', got ${JSON.stringify(options.method)}`,
      );
  }
}
