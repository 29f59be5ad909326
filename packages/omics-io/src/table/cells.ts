/** Cell texts that mean "not measured" (compared trimmed and lower-cased). Never read as zero. */
export const DEFAULT_MISSING: readonly string[] = ['', 'na', 'nan', 'n/a', '#n/a', '-', 'null', 'none'];

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** How numeric cells are read. */
export interface CellRules {
  /** Lower-cased, trimmed texts that mean a missing value. */
  readonly missing: ReadonlySet<string>;
  /** Decimal separator; ',' reads `1,5` as 1.5 (European exports with ';' separators). */
  readonly decimal: '.' | ',';
}

export function cellRules(options: { missing?: readonly string[]; decimal?: '.' | ',' }): CellRules {
  const decimal = options.decimal ?? '.';
  if (decimal !== '.' && decimal !== ',') {
    throw new TypeError(`omics-io: decimal must be '.' or ',', got ${JSON.stringify(decimal)}`);
  }
  const missing = options.missing ?? DEFAULT_MISSING;
  return { missing: new Set(missing.map((m) => m.trim().toLowerCase())), decimal };
}

/** Reads a numeric cell: a finite number, NaN when the cell is a missing marker, undefined when it is not a number. */
export function readNumber(raw: string, rules: CellRules): number | undefined {
  const text = raw.trim();
  if (rules.missing.has(text.toLowerCase())) return Number.NaN;
  const plain = rules.decimal === ',' ? text.replace(',', '.') : text;
  if (!DECIMAL.test(plain)) return undefined;
  const value = Number(plain);
  return Number.isFinite(value) ? value : undefined;
}

/** True when the cell is empty or a missing marker. */
export function isMissing(raw: string, rules: CellRules): boolean {
  return rules.missing.has(raw.trim().toLowerCase());
}
