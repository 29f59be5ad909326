import { type Dataset, findGroup, readWideCsvFile, selectFeatures } from '@kinetica/omics-io';
import { CliError } from '../io/errors';

export interface TableSelection {
  data: string;
  time: string;
  group: string;
  states: string[];
  controls: string[];
  train: string[];
  test: string[];
}

/** Check the command line before touching any file: overlaps and repeats are usage errors. */
export function checkSelection(command: string, s: TableSelection): void {
  const dup = (list: string[], what: string) => {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(x)) throw new CliError(`kinetica ${command}: '${x}' is listed twice in --${what}`);
      seen.add(x);
    }
  };
  dup(s.states, 'states');
  dup(s.controls, 'controls');
  dup(s.train, 'train');
  dup(s.test, 'test');
  for (const x of s.states) {
    if (s.controls.includes(x))
      throw new CliError(`kinetica ${command}: '${x}' is in both --states and --controls`);
  }
  for (const g of s.test) {
    if (s.train.includes(g)) {
      throw new CliError(
        `kinetica ${command}: strain '${g}' is in both --train and --test; a held-out strain must not be trained on`,
      );
    }
  }
}

/**
 * Read the table with the columns the command names, and check that every named group exists
 * and has what the protocol needs. All errors name file, line and column where they apply.
 */
export function loadSelection(s: TableSelection): Dataset {
  const all = readWideCsvFile(s.data, {
    groupColumn: s.group,
    timeColumn: s.time,
    features: [...s.states, ...s.controls],
  });
  const ds = selectFeatures(all, [...s.states, ...s.controls]);
  for (const name of [...s.train, ...s.test]) findGroup(ds, name);
  return ds;
}
