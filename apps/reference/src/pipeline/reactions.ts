import { parseNetwork } from '@kinetica/stoichiometry';
import type { TrainOptions } from '@kinetica/autodiff-ode';
import { InputError } from '../io/errors';

/** The S·r_θ structure a reaction file describes, in the model's state and control order. */
export type ReactionStructure = NonNullable<TrainOptions['stoichiometry']>;

/** `readReactions` on the text of a reaction file; `file` names it in messages. */
export function parseReactions(
  text: string,
  file: string,
  states: readonly string[],
  controls: readonly string[],
): ReactionStructure {
  const lines = text.split(/\r?\n/);
  const enzymeOfLine: (number | number[] | null)[] = [];
  const bare = lines.map((raw, i) => {
    const hash = raw.indexOf('#');
    const line = hash >= 0 ? raw.slice(0, hash) : raw;
    const at = line.indexOf('@');
    if (line.trim() === '') return line;
    if (at < 0) {
      enzymeOfLine.push(null);
      return line;
    }
    // `@ P` or `@ P, Q`: the proteins whose levels multiply the rate (steps lumped into one reaction).
    let column = at + 2;
    const ks = line
      .slice(at + 1)
      .split(',')
      .map((part) => {
        const name = part.trim();
        const k = controls.indexOf(name);
        if (k < 0) {
          throw new InputError(
            `'${name}' is not one of the controls (${controls.join(', ')})`,
            file,
            i + 1,
            column + part.length - part.trimStart().length,
          );
        }
        column += part.length + 1;
        return k;
      });
    enzymeOfLine.push(ks.length === 1 ? ks[0]! : ks);
    return line.slice(0, at);
  });
  let network: ReturnType<typeof parseNetwork>;
  try {
    network = parseNetwork(bare.join('\n'));
  } catch (err) {
    const m = /^parseNetwork: line (\d+): (.*)$/.exec((err as Error).message);
    if (m) throw new InputError(m[2]!, file, Number(m[1]));
    throw new InputError((err as Error).message, file);
  }
  if (network.reactions.length === 0) throw new InputError('no reactions', file);
  for (const sp of network.species) {
    if (!states.includes(sp)) {
      const line = lines.findIndex((l) => l.includes(sp)) + 1;
      throw new InputError(`species '${sp}' is not one of the states (${states.join(', ')})`, file, line);
    }
  }
  const S = states.map(() => new Array<number>(network.reactions.length).fill(0));
  const internal = new Set(network.species);
  network.reactions.forEach((r, j) => {
    for (const t of r.reactants)
      if (internal.has(t.species)) S[states.indexOf(t.species)]![j]! -= t.coefficient;
    for (const t of r.products)
      if (internal.has(t.species)) S[states.indexOf(t.species)]![j]! += t.coefficient;
  });
  // First order in every substrate: a rate vanishes with its substrate, so no state is driven
  // below zero (a knockout of the reaction that feeds a pool cannot leave it draining forever).
  return {
    S,
    enzymes: enzymeOfLine,
    reversible: network.reactions.map((r) => r.reversible),
    massAction: true,
  };
}
