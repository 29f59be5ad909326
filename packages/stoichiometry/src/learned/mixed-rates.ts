import type { RateLaw } from '../kinetics/types';
import type { RateFunction } from './rate-function';

/**
 * Known kinetics where they are known, learned rates elsewhere: reaction j uses `known[j]` when it
 * is a RateLaw and the next output of `learned` when it is null (so `learned.nReactions` equals the
 * number of nulls). θ belongs to the learned part only.
 */
export function mixedRates(known: ReadonlyArray<RateLaw | null>, learned: RateFunction): RateFunction {
  const learnedAt = known.flatMap((law, j) => (law === null ? [j] : []));
  if (learnedAt.length !== learned.nReactions) {
    throw new RangeError(
      `mixedRates: ${learnedAt.length} reactions are left to learn but the learned function has ${learned.nReactions} outputs`,
    );
  }
  const n = learned.nSpecies;
  for (const law of known) {
    for (const s of law?.species ?? []) {
      if (s >= n)
        throw new RangeError(`mixedRates: a known law uses species ${s}, the learned function has ${n}`);
    }
  }
  const nr = known.length;
  const rl = new Float64Array(learned.nReactions);
  const vl = new Float64Array(learned.nReactions);
  const grads = known.map((law) => new Float64Array(law?.species.length ?? 0));
  return {
    nSpecies: n,
    nControls: learned.nControls,
    nReactions: nr,
    nParams: learned.nParams,
    rates(x, u, theta, out) {
      learned.rates(x, u, theta, rl);
      for (let k = 0; k < learnedAt.length; k++) out[learnedAt[k]!] = rl[k]!;
      for (let j = 0; j < nr; j++) {
        const law = known[j];
        if (law) out[j] = law.rate(x, u);
      }
    },
    vjp(x, u, theta, v, outX, outTheta) {
      for (let k = 0; k < learnedAt.length; k++) vl[k] = v[learnedAt[k]!]!;
      learned.vjp(x, u, theta, vl, outX, outTheta);
      for (let j = 0; j < nr; j++) {
        const law = known[j];
        if (!law || v[j] === 0) continue;
        const g = grads[j]!;
        law.gradient(x, u, g);
        for (let k = 0; k < g.length; k++) outX[law.species[k]!]! += v[j]! * g[k]!;
      }
    },
  };
}
