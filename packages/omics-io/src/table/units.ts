/** A column header split into the measured quantity and its unit. */
export interface ParsedHeader {
  /** The header as written, trimmed: the name a feature is selected by. */
  name: string;
  /** The header without its unit, e.g. 'Glucose' for 'Glucose g/L'. */
  label: string;
  unit?: string;
}

const BRACKETED = /^(.*?)\s*[([]\s*([^()[\]]+?)\s*[)\]]$/;
const SIMPLE_UNIT = '(?:[pnuµμmck]?(?:g|L|l|mol|M)|gDW|gDCW|DW|DCW|OD|h|min|s|cells|CFU)';
// Without brackets only unmistakable units count, so 'Protein L' keeps its L.
const BARE_UNIT = new RegExp(`^(?:[pnuµμm]M|%|${SIMPLE_UNIT}(?:/${SIMPLE_UNIT})+)$`);

/**
 * Units come from a trailing bracketed part ('Acetyl-CoA (uM)', 'OD [AU]') or a trailing bare
 * token that is clearly a unit ('Glucose g/L', 'Citrate mM').
 */
export function parseHeader(header: string): ParsedHeader {
  const name = header.trim();
  const bracketed = BRACKETED.exec(name);
  if (bracketed && bracketed[1]!.length > 0) return { name, label: bracketed[1]!, unit: bracketed[2]! };
  const space = name.lastIndexOf(' ');
  if (space > 0) {
    const token = name.slice(space + 1);
    if (BARE_UNIT.test(token)) return { name, label: name.slice(0, space).trimEnd(), unit: token };
  }
  return { name, label: name };
}
