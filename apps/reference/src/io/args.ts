import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { explicitMethodNames, type MethodName } from '@kinetica/ode-core';
import { stiffMethodNames } from '@kinetica/solvers-stiff';
import { CliError } from './errors';

/** How an option's value is read. Flags take no value; `repeat` may be given more than once (a list of its values). */
export type OptionKind = 'string' | 'number' | 'integer' | 'list' | 'flag' | 'repeat';

/** An option with limits checked at parse time (before any file is read). */
export interface OptionRule {
  kind: OptionKind;
  /** number/integer: smallest value allowed. */
  min?: number;
  /** number/integer: the value must exceed this. */
  greater?: number;
  /** number/integer: largest value allowed. */
  max?: number;
  /** string: the values allowed. */
  oneOf?: readonly string[];
}

/** Declared options of one command: name → kind, or a kind with limits. */
export type OptionSpec = Record<string, OptionKind | OptionRule>;

export interface ParsedArgs {
  options: Record<string, string | number | string[] | boolean | undefined>;
  positionals: string[];
}

const ruleOf = (def: OptionKind | OptionRule): OptionRule => (typeof def === 'string' ? { kind: def } : def);

/** A negative number given as the next argument (`--factor -1`), not an option. */
const NEGATIVE = /^-(\d|\.\d)/;

/**
 * Parse `--name value`, `--name=value` and flags against a spec with Node's `util.parseArgs`.
 * Unknown options, missing or empty values, malformed numbers and values outside an option's
 * limits are usage errors naming the option; nothing here touches a file.
 */
export function parseArgs(
  command: string,
  argv: readonly string[],
  spec: OptionSpec,
  maxPositionals = 0,
): ParsedArgs {
  const rules = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, ruleOf(v)]));
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, r] of Object.entries(rules)) {
    config[name] =
      r.kind === 'flag'
        ? { type: 'boolean' }
        : r.kind === 'repeat'
          ? { type: 'string', multiple: true }
          : { type: 'string' };
  }
  // `--t1 -5`: a negative number is the value of a numeric option (util.parseArgs would call it ambiguous).
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const kind = a.startsWith('--') && !a.includes('=') ? rules[a.slice(2)]?.kind : undefined;
    const next = argv[i + 1];
    if ((kind === 'number' || kind === 'integer') && next !== undefined && NEGATIVE.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args, options: config, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageError(command, spec, err);
  }
  const options: ParsedArgs['options'] = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const rule = rules[name]!;
    if (rule.kind === 'flag') options[name] = value as boolean;
    else if (rule.kind === 'repeat') {
      const values = value as string[];
      for (const v of values) if (v.trim() === '') throw needsValue(command, name);
      options[name] = values;
    } else options[name] = convert(command, name, rule, value as string);
  }
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined)
    throw new CliError(
      `kinetica ${command}: unexpected argument '${extra}' (options are written --name value)`,
    );
  return { options, positionals: parsed.positionals };
}

const needsValue = (command: string, name: string) =>
  new CliError(`kinetica ${command}: option --${name} needs a value`);

/** util.parseArgs's multi-line errors as the CLI's one-line usage errors. */
function usageError(command: string, spec: OptionSpec, err: unknown): CliError {
  const e = err as { code?: string; message?: string };
  const message = String(e?.message ?? err);
  const option = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  if (e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = Object.keys(spec)
      .map((k) => `--${k}`)
      .join(', ');
    return new CliError(`kinetica ${command}: unknown option ${option} (known: ${known})`);
  }
  if (/does not take an argument/.test(message))
    return new CliError(`kinetica ${command}: option ${option} takes no value`);
  if (/ambiguous/.test(message))
    return new CliError(
      `kinetica ${command}: option ${option} needs a value (write ${option}=-VALUE for a value that starts with '-')`,
    );
  if (/argument missing/.test(message))
    return new CliError(`kinetica ${command}: option ${option} needs a value`);
  return new CliError(`kinetica ${command}: ${message.split('\n')[0]}`);
}

function convert(command: string, name: string, rule: OptionRule, value: string) {
  const { kind } = rule;
  if (value.trim() === '') throw needsValue(command, name);
  if (kind === 'number' || kind === 'integer') {
    const x = Number(value);
    if (!Number.isFinite(x) || (kind === 'integer' && !Number.isInteger(x))) {
      throw new CliError(
        `kinetica ${command}: option --${name} needs ${kind === 'integer' ? 'an integer' : 'a number'}, got '${value}'`,
      );
    }
    const { min, max, greater } = rule;
    if (greater !== undefined && !(x > greater))
      throw new CliError(
        `kinetica ${command}: option --${name} must be greater than ${greater}, got ${value}`,
      );
    if ((min !== undefined && x < min) || (max !== undefined && x > max)) {
      const range =
        max === undefined
          ? kind === 'integer' && min === 1
            ? 'a positive integer'
            : `at least ${min}`
          : min === undefined
            ? `at most ${max}`
            : `in [${min}, ${max}]`;
      throw new CliError(`kinetica ${command}: option --${name} must be ${range}, got ${value}`);
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
  if (rule.oneOf && !rule.oneOf.includes(value))
    throw new CliError(
      `kinetica ${command}: --${name} must be one of ${rule.oneOf.join(', ')}; got '${value}'`,
    );
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

/**
 * The `--method` option checked against the names the command can use (a usage error otherwise),
 * returned as one of them.
 */
export function methodOption<M extends string>(
  command: string,
  options: ParsedArgs['options'],
  allowed: readonly M[],
): M | undefined {
  const m = options.method;
  if (m === undefined) return undefined;
  const known = allowed.find((name) => name === m);
  if (known === undefined) {
    throw new CliError(`kinetica ${command}: --method must be one of ${allowed.join(', ')}; got '${m}'`);
  }
  return known;
}

/** Every method name `solve` of @kinetica/solvers-stiff accepts. */
export const SOLVE_METHODS: readonly MethodName[] = [...explicitMethodNames, ...stiffMethodNames];

/** The values of the named file options that were given (the inputs an output must not replace). */
export function inputFiles(options: ParsedArgs['options'], ...names: string[]): string[] {
  return names.flatMap((n) => options[n] ?? []).filter((x): x is string => typeof x === 'string');
}

/** Fetch a required option or fail naming it. */
export function required<T>(command: string, options: ParsedArgs['options'], name: string): T {
  const v = options[name];
  if (v === undefined) throw new CliError(`kinetica ${command}: missing required option --${name}`);
  return v as T;
}
