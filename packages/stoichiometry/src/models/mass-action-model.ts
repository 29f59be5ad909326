import { massAction, reversibleMassAction } from '../kinetics/mass-action';
import type { RateLaw } from '../kinetics/types';
import type { Network, SpeciesTerm } from '../network/types';
import { type ReactionModel, stoichiometricModel } from './reaction-model';

export interface MassActionOptions {
  /** Reverse rate constants (one per reaction; ignored for irreversible ones). Default 0. */
  kr?: ArrayLike<number>;
  /** Fixed values of boundary species ($X), default 1 each. */
  boundary?: Readonly<Record<string, number>>;
}

/**
 * Mass-action kinetics for a parsed network: reaction j runs at kf[j]·Π reactants − kr[j]·Π products
 * (the reverse term only when the reaction is reversible), with kinetic orders equal to the
 * stoichiometric coefficients. Boundary species enter as constant factors.
 */
export function massActionModel(
  net: Network,
  kf: ArrayLike<number>,
  options: MassActionOptions = {},
): ReactionModel {
  const nr = net.reactions.length;
  if (kf.length !== nr)
    throw new RangeError(`massActionModel: ${kf.length} forward constants for ${nr} reactions`);
  if (options.kr && options.kr.length !== nr) {
    throw new RangeError(`massActionModel: ${options.kr.length} reverse constants for ${nr} reactions`);
  }
  const index = new Map(net.species.map((s, i) => [s, i]));
  const boundaryValue = (name: string): number => {
    const v = options.boundary?.[name] ?? 1;
    if (!(v >= 0)) throw new RangeError(`massActionModel: boundary species ${name} must be ≥ 0, got ${v}`);
    return v;
  };
  const split = (terms: readonly SpeciesTerm[]) => {
    let factor = 1;
    const internal: Array<readonly [number, number]> = [];
    for (const t of terms) {
      const i = index.get(t.species);
      if (i === undefined) factor *= Math.pow(boundaryValue(t.species), t.coefficient);
      else internal.push([i, t.coefficient]);
    }
    return { factor, internal };
  };
  const laws: RateLaw[] = net.reactions.map((rx, j) => {
    const fwd = split(rx.reactants);
    if (!rx.reversible) return massAction(kf[j]! * fwd.factor, fwd.internal);
    const rev = split(rx.products);
    return reversibleMassAction(
      kf[j]! * fwd.factor,
      fwd.internal,
      (options.kr?.[j] ?? 0) * rev.factor,
      rev.internal,
    );
  });
  return stoichiometricModel(net.S, laws, {
    species: net.species,
    reactions: net.reactions.map((r) => r.id),
  });
}
