import { readFileSync } from 'node:fs';
import { type Dataset, readWideCsvFile, selectFeatures } from '@kinetica/omics-io';
import { checkValues, poolTables, type TableSelection, textLines, wideOptions } from './table';

export { checkSelection, type TableSelection } from './table';

/** The lines of a file, or [] when it cannot be read: for messages only. */
function fileLines(file: string): string[] {
  try {
    return textLines(readFileSync(file, 'utf8'));
  } catch {
    return []; // the reader reports an unreadable file (or one too long to hold), naming it
  }
}

/** One table with the selection's columns; with `optional`, a state column it lacks is all missing. */
function readTable(file: string, s: TableSelection, optional: boolean): Dataset {
  const ds = selectFeatures(readWideCsvFile(file, wideOptions(s, file, optional)), [
    ...s.states,
    ...s.controls,
  ]);
  checkValues({ file, lines: () => fileLines(file) }, ds, s);
  return ds;
}

/**
 * Read the table (or the pooled tables) with the columns the command names, and check that every
 * named group exists and has what the protocol needs. All errors name file, line and column where
 * they apply. Pooled tables must not repeat a group name; a state column one of them lacks is
 * treated as never measured there (masked in the loss).
 */
export function loadSelection(s: TableSelection): Dataset {
  const files = Array.isArray(s.data) ? s.data : [s.data];
  return poolTables(
    files.map((file) => readTable(file, s, files.length > 1)),
    files,
    s,
  );
}
