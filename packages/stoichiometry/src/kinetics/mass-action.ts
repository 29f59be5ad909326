import { checkIndex, checkNonNegative, type RateLaw } from './types';

/** A reactant of a mass-action rate: species index and kinetic order. */
export type MassActionTerm = readonly [species: number, order: number];

/** Irreversible mass action: r = k·Π x_i^order_i. */
export function massAction(k: number, reactants: readonly MassActionTerm[]): RateLaw {
  checkNonNegative(k, 'massAction: k');
  const forward = powerProduct(reactants, 'massAction');
  const identity = Int32Array.from(forward.species.keys());
  return {
    species: forward.species,
    rate: (x) => k * forward.value(x),
    gradient(x, _u, grad) {
      grad.fill(0);
      forward.addGradient(x, k, grad, identity);
    },
  };
}

/** Reversible mass action: r = kf·Π reactants^ν − kr·Π products^ν. */
export function reversibleMassAction(
  kf: number,
  reactants: readonly MassActionTerm[],
  kr: number,
  products: readonly MassActionTerm[],
): RateLaw {
  checkNonNegative(kf, 'reversibleMassAction: kf');
  checkNonNegative(kr, 'reversibleMassAction: kr');
  const fwd = powerProduct(reactants, 'reversibleMassAction');
  const rev = powerProduct(products, 'reversibleMassAction');
  const species = [...new Set([...fwd.species, ...rev.species])];
  const fwdAt = Int32Array.from(fwd.species, (s) => species.indexOf(s));
  const revAt = Int32Array.from(rev.species, (s) => species.indexOf(s));
  return {
    species,
    rate: (x) => kf * fwd.value(x) - kr * rev.value(x),
    gradient(x, _u, grad) {
      grad.fill(0);
      fwd.addGradient(x, kf, grad, fwdAt);
      rev.addGradient(x, -kr, grad, revAt);
    },
  };
}

interface PowerProduct {
  species: number[];
  value(x: Float64Array): number;
  /** grad[at[a]] += scale·∂(Π x^ν)/∂x[species[a]]. */
  addGradient(x: Float64Array, scale: number, grad: Float64Array, at: Int32Array): void;
}

function powerProduct(terms: readonly MassActionTerm[], where: string): PowerProduct {
  const orders = new Map<number, number>();
  for (const [s, order] of terms) {
    checkIndex(s, `${where}: species`);
    checkNonNegative(order, `${where}: order of species ${s}`);
    if (order > 0) orders.set(s, (orders.get(s) ?? 0) + order);
  }
  const species = [...orders.keys()];
  const ord = Float64Array.from(species.map((s) => orders.get(s)!));
  const n = species.length;
  return {
    species,
    value(x) {
      let p = 1;
      for (let a = 0; a < n; a++) p *= Math.pow(x[species[a]!]!, ord[a]!);
      return p;
    },
    addGradient(x, scale, grad, at) {
      for (let a = 0; a < n; a++) {
        // ν·x^(ν−1) written so that ν = 1 at x = 0 gives 1, not 0·∞.
        let p = ord[a] === 1 ? scale : scale * ord[a]! * Math.pow(x[species[a]!]!, ord[a]! - 1);
        for (let b = 0; b < n; b++) if (b !== a) p *= Math.pow(x[species[b]!]!, ord[b]!);
        grad[at[a]!]! += p;
      }
    },
  };
}
