import {
  compileSbml,
  readSbml,
  type SbmlSettings,
  settingsEntries,
  settingsList,
} from '@kinetica/stoichiometry';
import * as v from 'valibot';
import { InputError } from '../io/errors';
import { MAX_OUTPUT_ROWS, MAX_SETTINGS_FILE_BYTES, outputSizeProblem } from './limits';
import { readLimitedFile } from './read-limited';

/**
 * An SBML Test Suite settings file (`key: value` lines, lists comma-separated), read and checked
 * by the app so that a problem is reported against the settings file and its line, not against
 * the SBML model: every value of the type and range it needs, the output within the limits
 * (limits.ts), and every variable one the model defines.
 */
export interface SettingsFile {
  path: string;
  settings: SbmlSettings;
  /** The line each key was read from (lower-case keys). */
  lines: Map<string, number>;
}

type Check = v.PipeItem<number, number, v.BaseIssue<unknown>>;
const numberSchema = (...checks: Check[]) => v.pipe(v.number(), v.finite(), ...checks);

/** Each numeric key: its schema, what it must be, and its default (none: required). */
const NUMBERS = {
  start: { schema: numberSchema(), what: 'a finite number', fallback: 0 },
  duration: { schema: numberSchema(v.gtValue(0)), what: 'a finite positive number' },
  steps: {
    schema: numberSchema(v.integer(), v.minValue(1), v.maxValue(MAX_OUTPUT_ROWS - 1)),
    what: `an integer in [1, ${(MAX_OUTPUT_ROWS - 1).toLocaleString('en-US')}] (the limit of output rows)`,
  },
  absolute: { schema: numberSchema(v.minValue(0)), what: 'a finite number ≥ 0', fallback: 0 },
  relative: { schema: numberSchema(v.minValue(0)), what: 'a finite number ≥ 0', fallback: 0 },
} as const;

const SBML_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Read and check a settings file; any problem is an InputError naming the file and line (exit 3). */
export function readSettingsFile(path: string): SettingsFile {
  const text = readLimitedFile(path, MAX_SETTINGS_FILE_BYTES, 'settings');
  const entries = settingsEntries(text);
  const lines = new Map([...entries].map(([key, e]) => [key, e.line]));
  const fail = (key: string, message: string): never => {
    throw new InputError(`${key}: ${message}`, path, lines.get(key));
  };
  const number = (key: keyof typeof NUMBERS): number => {
    const spec: { schema: v.GenericSchema<number>; what: string; fallback?: number } = NUMBERS[key];
    const raw = entries.get(key)?.value;
    if (raw === undefined || raw === '') {
      if (spec.fallback !== undefined) return spec.fallback;
      return fail(key, raw === undefined ? `missing (a line '${key}: VALUE' is needed)` : 'has no value');
    }
    const value = v.safeParse(spec.schema, Number(raw));
    return value.success ? value.output : fail(key, `must be ${spec.what}, got '${raw}'`);
  };
  const list = (key: string): string[] => {
    const names = settingsList(entries.get(key)?.value);
    const bad = names.find((n) => !SBML_ID.test(n));
    if (bad !== undefined) fail(key, `'${bad}' is not an SBML identifier`);
    return names;
  };
  const settings: SbmlSettings = {
    start: number('start'),
    duration: number('duration'),
    steps: number('steps'),
    variables: list('variables'),
    absolute: number('absolute'),
    relative: number('relative'),
    amount: list('amount'),
    concentration: list('concentration'),
  };
  if (settings.variables.length === 0) fail('variables', 'no variables to report');
  const tooBig = outputSizeProblem(settings.steps + 1, settings.variables.length + 1);
  if (tooBig) fail('steps', tooBig);
  return { path, settings, lines };
}

/**
 * Every variable, amount and concentration of the settings must be a symbol of the SBML model
 * (a species, compartment, parameter or reaction): a name it lacks is the settings file's
 * problem. A model that does not compile is left to the simulation to report.
 */
export function checkSettingsVariables(file: SettingsFile, sbml: string, sbmlPath: string): void {
  let ode: ReturnType<typeof compileSbml>;
  try {
    ode = compileSbml(readSbml(sbml));
  } catch {
    return;
  }
  const s = file.settings;
  for (const key of ['variables', 'amount', 'concentration'] as const) {
    for (const name of s[key]) {
      try {
        ode.reader(name, key === 'variables' ? 'value' : key);
      } catch {
        throw new InputError(
          `${key}: '${name}' is not a species, compartment, parameter or reaction of ${sbmlPath}`,
          file.path,
          file.lines.get(key),
        );
      }
    }
  }
}
