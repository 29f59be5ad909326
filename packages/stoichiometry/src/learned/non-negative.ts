import type { RateFunction } from './rate-function';

/**
 * Make the rates of irreversible reactions non-negative by passing them through softplus,
 * log(1 + eᶻ), which is smooth (so the VJP is exact) and close to the identity for large z.
 * Reversible reactions pass through unchanged.
 */
export function nonNegativeRates(inner: RateFunction, irreversible: readonly boolean[]): RateFunction {
  const nr = inner.nReactions;
  if (irreversible.length !== nr) {
    throw new RangeError(`nonNegativeRates: ${irreversible.length} flags for ${nr} reactions`);
  }
  const mask = Uint8Array.from(irreversible, (b) => (b ? 1 : 0));
  const z = new Float64Array(nr);
  const w = new Float64Array(nr);
  return {
    nSpecies: inner.nSpecies,
    nControls: inner.nControls,
    nReactions: nr,
    nParams: inner.nParams,
    rates(x, u, theta, out) {
      inner.rates(x, u, theta, out);
      for (let j = 0; j < nr; j++) if (mask[j]) out[j] = softplus(out[j]!);
    },
    vjp(x, u, theta, v, outX, outTheta) {
      inner.rates(x, u, theta, z);
      for (let j = 0; j < nr; j++) w[j] = mask[j] ? v[j]! * sigmoid(z[j]!) : v[j]!;
      inner.vjp(x, u, theta, w, outX, outTheta);
    },
  };
}

/** log(1 + eᶻ) without overflow for large z or loss of digits for very negative z. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
