import { readFileSync } from 'node:fs';
import { InputError } from '../io/errors';
import { parseReactions, type ReactionStructure } from './reactions';

/**
 * Read a reaction file for the S·r_θ model (irreversible rates first order in their substrates): one reaction per line in @kinetica/stoichiometry's
 * network syntax (`A -> B`, `$Source -> A`, `A ->` for a loss), optionally followed by
 * `@ PROTEIN` (or `@ P, Q`), the control columns whose levels multiply the reaction's rate. Every species must
 * be one of `states` (boundary species `$X` excepted), every protein one of `controls`.
 */
export function readReactions(
  file: string,
  states: readonly string[],
  controls: readonly string[],
): ReactionStructure {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`, file);
  }
  return parseReactions(text, file, states, controls);
}
