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

/** Parse a settings file (`key: value` lines; lists are comma-separated). */
export function parseSettings(text: string): SbmlSettings {
  const entries = new Map<string, string>();
  text.split(/\r?\n/).forEach((line) => {
    const colon = line.indexOf(':');
    if (colon < 0) return;
    entries.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  });
  const number = (key: string, fallback?: number): number => {
    const raw = entries.get(key);
    if (raw === undefined || raw === '') {
      if (fallback !== undefined) return fallback;
      throw new TypeError(`settings: missing "${key}"`);
    }
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new TypeError(`settings: "${key}" is not a number ("${raw}")`);
    return v;
  };
  const list = (key: string): string[] =>
    (entries.get(key) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
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
