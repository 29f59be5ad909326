import { checkIndex, checkPositive, type EnzymeOption, enzymeLevel, type RateLaw } from './types';

export interface HillOptions extends EnzymeOption {
  substrate: number;
  vmax: number;
  /** Half-saturation constant K (r = Vmax/2 at s = K). */
  k: number;
  /** Hill coefficient n > 0. */
  n: number;
}

/** Hill kinetics: r = Vmax·sⁿ/(Kⁿ + sⁿ), for s ≥ 0. */
export function hill(o: HillOptions): RateLaw {
  const s = checkIndex(o.substrate, 'hill: substrate');
  const k = checkPositive(o.k, 'hill: k');
  const n = checkPositive(o.n, 'hill: n');
  const kn = Math.pow(k, n);
  const { vmax, enzyme } = o;
  return {
    species: [s],
    rate(x, u) {
      const sn = Math.pow(x[s]!, n);
      return (enzymeLevel(u, enzyme) * vmax * sn) / (kn + sn);
    },
    gradient(x, u, grad) {
      const xs = x[s]!;
      const sn = Math.pow(xs, n);
      const d = kn + sn;
      // d/ds sⁿ = n·sⁿ⁻¹; at s = 0 with n < 1 the slope is infinite, which is the true derivative.
      const dsn = n === 1 ? 1 : n * Math.pow(xs, n - 1);
      grad[0] = (enzymeLevel(u, enzyme) * vmax * kn * dsn) / (d * d);
    },
  };
}
