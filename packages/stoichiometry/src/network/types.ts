/** One side entry of a reaction: `coefficient` molecules of `species`. */
export interface SpeciesTerm {
  species: string;
  coefficient: number;
}

/** A reaction as written: reactants → products. */
export interface Reaction {
  /** Name given as `name: …`, or `R<k>` (1-based line order) when none was given. */
  id: string;
  reactants: SpeciesTerm[];
  products: SpeciesTerm[];
  reversible: boolean;
}

/** A reaction network with its stoichiometric matrix. */
export interface Network {
  /** Internal (dynamic) species, in order of first appearance. */
  species: string[];
  /** Boundary species (written `$X`): held fixed, so they have no row in S. In order of first appearance. */
  boundary: string[];
  reactions: Reaction[];
  /** S[i][j] = net change of species i per unit of reaction j (internal species only). */
  S: number[][];
}
