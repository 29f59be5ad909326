import { odeGradient } from '../src/index';
import type { GradientModel, GradientOptions, Observations } from '../src/types';

/** Largest componentwise relative difference |a_i − b_i| / |b_i|. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return m;
}

/**
 * Central finite differences of the loss in each parameter and initial state, with relative
 * steps `rel`, using the given options' solver (its 'forward' mode loss).
 */
export function finiteDifferences(
  make: (p: number[], y0: number[]) => GradientModel,
  p: number[],
  y0: number[],
  obs: Observations,
  opts: GradientOptions,
  rel = 1e-6,
): { dp: number[]; dy0: number[] } {
  const lossAt = (pp: number[], yy: number[]) => {
    const g = odeGradient(make(pp, yy), obs, opts);
    if (g.status !== 'success') throw new Error(g.message);
    return g.loss;
  };
  const diff = (vec: number[], k: number, f: (v: number[]) => number) => {
    const e = rel * Math.max(Math.abs(vec[k]!), 1e-3);
    const up = vec.slice();
    up[k]! += e;
    const dn = vec.slice();
    dn[k]! -= e;
    return (f(up) - f(dn)) / (2 * e);
  };
  return {
    dp: p.map((_, k) => diff(p, k, (v) => lossAt(v, y0))),
    dy0: y0.map((_, k) => diff(y0, k, (v) => lossAt(p, v))),
  };
}
