import { explicitMethodNames } from '@kinetica/ode-core';
import { stiffMethodNames } from '@kinetica/solvers-stiff';
import { CliError } from './errors';

/** Declared options of one command: name → kind. Flags take no value; `repeat` may be given more than once (a list of its values). */
export type OptionSpec = Record<string, 'string' | 'number' | 'integer' | 'list' | 'flag' | 'repeat'>;

export interface ParsedArgs {
  options: Record<string, string | number | string[] | boolean | undefined>;
  positionals: string[];
}

/**
 * Parse `--name value`, `--name=value` and flags against a spec. Unknown options, missing values
 * and malformed numbers are usage errors naming the option.
 */
export function parseArgs(command: string, argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) {
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(', ');
      throw new CliError(`kinetica ${command}: unknown option --${name} (known: ${known})`);
    }
    if (kind === 'flag') {
      if (eq >= 0) throw new CliError(`kinetica ${command}: option --${name} takes no value`);
      options[name] = true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new CliError(`kinetica ${command}: option --${name} needs a value`);
      }
      value = next;
      i++;
    }
    if (kind === 'repeat') {
      if (value.trim() === '') throw new CliError(`kinetica ${command}: option --${name} needs a value`);
      options[name] = [...((options[name] as string[] | undefined) ?? []), value];
    } else options[name] = convert(command, name, kind, value);
  }
  return { options, positionals };
}

function convert(command: string, name: string, kind: OptionSpec[string], value: string) {
  if (kind === 'number' || kind === 'integer') {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || (kind === 'integer' && !Number.isInteger(x))) {
      throw new CliError(
        `kinetica ${command}: option --${name} needs ${kind === 'integer' ? 'an integer' : 'a number'}, got '${value}'`,
      );
    }
    return x;
  }
  if (kind === 'list') {
    const items = splitList(value);
    if (items.length === 0)
      throw new CliError(
        `kinetica ${command}: option --${name} needs a comma-separated list, got '${value}'`,
      );
    return items;
  }
  return value;
}

/** Split a comma-separated list, honouring double quotes around items that contain commas. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter((s) => s.length > 0);
}

/** The `--method` option checked against the names the command can use (a usage error otherwise). */
export function methodOption(
  command: string,
  options: ParsedArgs['options'],
  allowed: readonly string[],
): string | undefined {
  const m = options.method as string | undefined;
  if (m !== undefined && !allowed.includes(m)) {
    throw new CliError(`kinetica ${command}: --method must be one of ${allowed.join(', ')}; got '${m}'`);
  }
  return m;
}

/** Every method name `solve` of @kinetica/solvers-stiff accepts. */
export const SOLVE_METHODS: readonly string[] = [...explicitMethodNames, ...stiffMethodNames];

/** Fetch a required option or fail naming it. */
export function required<T>(command: string, options: ParsedArgs['options'], name: string): T {
  const v = options[name];
  if (v === undefined) throw new CliError(`kinetica ${command}: missing required option --${name}`);
  return v as T;
}
