/** The SBML Test Suite's `NNNNN-settings.txt`: what to simulate and how results are compared. */
export interface SbmlSettings {
  start: number;
  duration: number;
  /** Number of output intervals: output times are start + k·duration/steps, k = 0..steps. */
  steps: number;
  variables: string[];
  absolute: number;
  relative: number;
  /** Species reported as amounts. */
  amount: string[];
  /** Species reported as concentrations. */
  concentration: string[];
}

/**
 * The `key: value` lines of a settings file: lower-case key → trimmed value and the (1-based)
 * line it was read from (a later line overrides an earlier one). Lines without a colon are skipped.
 */
export function settingsEntries(text: string): Map<string, { value: string; line: number }> {
  const entries = new Map<string, { value: string; line: number }>();
  text.split(/\r?\n/).forEach((line, i) => {
    const colon = line.indexOf(':');
    if (colon < 0) return;
    entries.set(line.slice(0, colon).trim().toLowerCase(), {
      value: line.slice(colon + 1).trim(),
      line: i + 1,
    });
  });
  return entries;
}

/** A comma-separated settings list, items trimmed, empty ones dropped. */
export function settingsList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parse a settings file (`key: value` lines; lists are comma-separated). */
export function parseSettings(text: string): SbmlSettings {
  const entries = settingsEntries(text);
  const number = (key: string, fallback?: number): number => {
    const raw = entries.get(key)?.value;
    if (raw === undefined || raw === '') {
      if (fallback !== undefined) return fallback;
      throw new TypeError(`settings: missing "${key}"`);
    }
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new TypeError(`settings: "${key}" is not a number ("${raw}")`);
    return v;
  };
  const list = (key: string): string[] => settingsList(entries.get(key)?.value);
  const settings: SbmlSettings = {
    start: number('start', 0),
    duration: number('duration'),
    steps: number('steps'),
    variables: list('variables'),
    absolute: number('absolute', 0),
    relative: number('relative', 0),
    amount: list('amount'),
    concentration: list('concentration'),
  };
  if (!(settings.duration > 0))
    throw new RangeError(`settings: duration must be positive, got ${settings.duration}`);
  if (!Number.isInteger(settings.steps) || settings.steps < 1) {
    throw new RangeError(`settings: steps must be a positive integer, got ${settings.steps}`);
  }
  if (settings.variables.length === 0) throw new TypeError('settings: no variables to report');
  return settings;
}
