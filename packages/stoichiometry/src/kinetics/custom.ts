import { checkIndex, distinct, type RateLaw } from './types';

/** A user-written rate law; `gradient` must return ∂r/∂x for each entry of `species`. */
export function customRate(law: RateLaw): RateLaw {
  const species = law.species.map((s) => checkIndex(s, 'customRate: species'));
  if (distinct(species).length !== species.length)
    throw new RangeError('customRate: species must not repeat');
  if (typeof law.rate !== 'function' || typeof law.gradient !== 'function') {
    throw new TypeError('customRate: rate and gradient must be functions');
  }
  return { species, rate: law.rate, gradient: law.gradient };
}
