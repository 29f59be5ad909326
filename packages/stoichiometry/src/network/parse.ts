import type { Network, Reaction, SpeciesTerm } from './types';

const ARROWS = [
  { token: '<->', reversible: true },
  { token: '->', reversible: false },
] as const;
// Names as omics tables spell them: Acetyl-CoA, Mev-P, IPP/DMAPP (a pool measured together).
const NAME = /^[A-Za-z_][A-Za-z0-9_.'/-]*$/;
const TERM = /^(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(?:\*\s*|\s+))?(\$?)(\S+)$/;

/**
 * Parse a reaction network, one reaction per line:
 * `name: A + 2 B <-> C` (reversible), `C -> D` (irreversible), `$X -> A` (boundary species `$X`
 * held fixed), `A ->` or `A -> 0` (degradation). `#` starts a comment; blank lines are skipped.
 * Species appear in order of first appearance (reactants before products, left to right).
 */
export function parseNetwork(text: string): Network {
  if (typeof text !== 'string') throw new TypeError('parseNetwork: expected the network as a string');
  const reactions: Reaction[] = [];
  const species: string[] = [];
  const boundary: string[] = [];
  const seen = new Map<string, 'internal' | 'boundary'>();
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const where = `parseNetwork: line ${ln + 1}`;
    let line = lines[ln]!;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') continue;
    const arrow = findArrow(line);
    if (!arrow) throw new TypeError(`${where}: no '->' or '<->' in "${line}"`);
    let lhs = line.slice(0, arrow.at);
    const rhs = line.slice(arrow.at + arrow.token.length);
    let id = `R${reactions.length + 1}`;
    const colon = lhs.indexOf(':');
    if (colon >= 0) {
      id = lhs.slice(0, colon).trim();
      if (!NAME.test(id)) throw new TypeError(`${where}: bad reaction name "${id}"`);
      if (reactions.some((r) => r.id === id))
        throw new TypeError(`${where}: duplicate reaction name "${id}"`);
      lhs = lhs.slice(colon + 1);
    }
    const reactants = parseSide(lhs, where);
    const products = parseSide(rhs, where);
    for (const term of [...reactants, ...products]) {
      const kind = term.boundary ? 'boundary' : 'internal';
      const prior = seen.get(term.species);
      if (prior === undefined) {
        seen.set(term.species, kind);
        (term.boundary ? boundary : species).push(term.species);
      } else if (prior !== kind) {
        throw new TypeError(`${where}: species "${term.species}" is written both with and without '$'`);
      }
    }
    reactions.push({
      id,
      reactants: reactants.map(({ species: s, coefficient }) => ({ species: s, coefficient })),
      products: products.map(({ species: s, coefficient }) => ({ species: s, coefficient })),
      reversible: arrow.reversible,
    });
  }
  return { species, boundary, reactions, S: stoichiometricMatrix(species, reactions) };
}

/** S[i][j] = Σ products − Σ reactants of species i in reaction j (species not listed are ignored). */
export function stoichiometricMatrix(species: readonly string[], reactions: readonly Reaction[]): number[][] {
  const index = new Map(species.map((s, i) => [s, i]));
  const S = species.map(() => new Array<number>(reactions.length).fill(0));
  reactions.forEach((r, j) => {
    for (const t of r.reactants) {
      const i = index.get(t.species);
      if (i !== undefined) S[i]![j]! -= t.coefficient;
    }
    for (const t of r.products) {
      const i = index.get(t.species);
      if (i !== undefined) S[i]![j]! += t.coefficient;
    }
  });
  return S;
}

function findArrow(line: string): { at: number; token: string; reversible: boolean } | null {
  for (const a of ARROWS) {
    const at = line.indexOf(a.token);
    if (at >= 0) {
      if (line.indexOf(a.token, at + 1) >= 0 || (a.token === '->' && line.includes('<-'))) return null;
      return { at, token: a.token, reversible: a.reversible };
    }
  }
  return null;
}

function parseSide(side: string, where: string): Array<SpeciesTerm & { boundary: boolean }> {
  const text = side.trim();
  if (text === '' || text === '0' || text === '∅') return [];
  return text.split(/\s+\+\s+|\+/).map((raw) => {
    const term = raw.trim();
    const m = TERM.exec(term);
    if (!m || !NAME.test(m[3]!)) {
      throw new TypeError(`${where}: cannot read the term "${term}" (write e.g. "2 B" or "$X")`);
    }
    const coefficient = m[1] === undefined ? 1 : Number(m[1]);
    if (!(coefficient > 0)) throw new RangeError(`${where}: coefficient of "${m[3]}" must be positive`);
    return { species: m[3]!, coefficient, boundary: m[2] === '$' };
  });
}
