import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../io/errors';

/**
 * The text of a small input file, refused (exit 3) when it is larger than `maxBytes` or cannot
 * be read; `what` names it in the message ('model', 'settings').
 */
export function readLimitedFile(path: string, maxBytes: number, what: string): string {
  try {
    const size = statSync(path).size;
    if (size > maxBytes)
      throw new InputError(
        `the ${what} file has ${size.toLocaleString('en-US')} bytes, more than the limit of ${maxBytes.toLocaleString('en-US')}`,
        path,
      );
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read the ${what} file (does it exist?)`, path);
  }
}

/** The text of an input file, or one InputError naming it (`what`: 'SBML', 'reaction', …). */
export function readInputText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`cannot read the ${what} file (does it exist?)`, path);
  }
}
