import { getExplicitTableau, isExplicitMethod } from '@kinetica/ode-core';

/**
 * Length-n vectors a dense solution keeps per accepted step: the start state plus the method's
 * continuous-extension data (stage derivatives for explicit methods, Hermite's y0, y1, f0, f1
 * where a tableau has no own extension; collocation/difference vectors for the stiff methods).
 */
export function denseVectorsPerStep(method: string): number {
  if (isExplicitMethod(method)) {
    const tab = getExplicitTableau(method);
    return tab.dense ? tab.dense.coeffs.length + 1 : 4;
  }
  if (method === 'radau5') return 4;
  // Modified divided differences up to order 5: an upper bound.
  if (method === 'bdf') return 6;
  return 5;
}
