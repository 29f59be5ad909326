import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type OptionKind, type OptionSpec, parseArgs } from '../io/args';
import { CliError, InputError } from '../io/errors';
import { checkSelection } from '../pipeline/data';
import { parseJsonFile } from '../io/json';

/**
 * A sweep specification, `SPEC.json` = `{"command": "train", "args": {..}, "grid": {..}}`
 * (../shared/API.md): the fixed options of every run and the values to cross. Everything here is
 * checked before a run starts or a file is written.
 */

/** A value of an option in a spec: a flag, a number or string, or a list (`hidden`, `data`, ..). */
export type SpecValue = string | number | boolean | (string | number)[];

/** One run of a sweep. */
export interface SweepRun {
  /** Folder name under DIR/runs and key of its results line: readable grid values + a hash of every option. */
  id: string;
  /** The grid values of this run, as the spec gives them. */
  params: Record<string, SpecValue>;
  /** The run's command line without `--out` (paths made absolute). */
  args: string[];
}

export interface SweepSpec {
  file: string;
  command: 'train';
  runs: SweepRun[];
  /** Files the runs read (the output must not replace them). */
  inputs: string[];
}

/** Limits: a spec is read whole, and a grid's product is counted before it is expanded. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;
export const MAX_RUNS = 100_000;

/** Options of the run command a sweep sets itself, or that only change what a run prints. */
const RESERVED = new Set(['out', 'json', 'quiet', 'threads']);
/** Options of `train` that name files: relative paths are taken from the spec's folder. */
const PATH_OPTIONS = new Set(['data', 'reactions']);
/** Options every train run needs (`train` itself checks them only once it runs). */
const REQUIRED = ['data', 'time', 'group', 'states', 'train', 'test'];

const kindOf = (spec: OptionSpec, name: string): OptionKind | undefined => {
  const d = spec[name];
  return typeof d === 'string' ? d : d?.kind;
};

/** Read, check and expand a spec file against the run command's options. */
export function readSweepSpec(file: string, runOptions: OptionSpec): SweepSpec {
  const text = readSpecText(file);
  const raw = parseJsonFile(text, file);
  const fail = (message: string) => new InputError(message, file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw fail('must be a JSON object {"command": "train", "args": {..}, "grid": {..}}');
  const spec = raw as Record<string, unknown>;
  for (const key of Object.keys(spec))
    if (!['command', 'args', 'grid'].includes(key))
      throw fail(`unknown key '${key}' (a spec has command, args and grid)`);
  if (spec.command !== 'train')
    throw fail(`command: must be "train" (the command a sweep runs), got ${JSON.stringify(spec.command)}`);
  const args = objectAt(spec, 'args', file);
  const grid = objectAt(spec, 'grid', file);

  const known = Object.keys(runOptions).filter((k) => !RESERVED.has(k));
  const base = dirname(resolve(file));
  const checkName = (where: string, name: string) => {
    if (RESERVED.has(name))
      throw fail(
        name === 'threads'
          ? `${where}.${name}: set by the sweep itself (each run trains on one thread; --workers sets how many run at once); remove it`
          : `${where}.${name}: set by the sweep itself (each run writes DIR/runs/<id>, quietly); remove it`,
      );
    if (!(name in runOptions))
      throw fail(`${where}.${name}: not an option of kinetica train (known: ${known.join(', ')})`);
  };
  for (const [name, value] of Object.entries(args)) {
    checkName('args', name);
    checkValue(`args.${name}`, value, kindOf(runOptions, name)!, file);
  }
  const axes = Object.entries(grid);
  if (axes.length === 0) throw fail('grid: is empty; give at least one option with a list of values');
  let count = 1;
  for (const [name, values] of axes) {
    checkName('grid', name);
    if (name in args) throw fail(`grid.${name}: also set in args; give it in one place`);
    if (!Array.isArray(values) || values.length === 0)
      throw fail(`grid.${name}: must be a non-empty list of values, got ${JSON.stringify(values)}`);
    for (const [i, v] of values.entries())
      checkValue(`grid.${name}[${i}]`, v, kindOf(runOptions, name)!, file);
    count *= values.length;
    if (count > MAX_RUNS) throw fail(`grid: more than ${MAX_RUNS.toLocaleString('en')} runs`);
  }
  for (const name of REQUIRED)
    if (!(name in args) && !(name in grid)) throw fail(`args.${name}: missing (every train run needs it)`);

  const runs: SweepRun[] = [];
  const ids = new Set<string>();
  const inputs = new Set<string>();
  for (const params of product(axes)) {
    const options = { ...args, ...params };
    const argv: string[] = [];
    for (const [name, value] of Object.entries(options)) {
      const kind = kindOf(runOptions, name)!;
      const abs = (v: string | number) => (PATH_OPTIONS.has(name) ? resolve(base, String(v)) : v);
      if (kind === 'flag') {
        if (value === true) argv.push(`--${name}`);
      } else if (kind === 'repeat') {
        for (const v of [value].flat() as (string | number)[]) argv.push(`--${name}=${abs(v)}`);
      } else if (kind === 'list' && Array.isArray(value)) {
        argv.push(
          `--${name}=${value.map((v) => (String(v).includes(',') ? `"${v}"` : String(v))).join(',')}`,
        );
      } else argv.push(`--${name}=${abs(value as string | number)}`);
      if (PATH_OPTIONS.has(name)) for (const v of [value].flat()) inputs.add(resolve(base, String(v)));
    }
    checkRun(file, params, argv, runOptions);
    const id = runId(params, options);
    if (ids.has(id)) throw fail(`grid: two runs have the same options (${JSON.stringify(params)})`);
    ids.add(id);
    runs.push({ id, params, args: argv });
  }
  for (const input of inputs)
    if (!existsSync(input) || !statSync(input).isFile())
      throw new InputError(`cannot read ${input} (named in the spec): no such file`, file);
  return { file, command: 'train', runs, inputs: [...inputs] };
}

function readSpecText(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError('is a folder; give the spec file (SPEC.json)', file);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read: ${reason(err)}`, file);
  }
  if (size > MAX_SPEC_BYTES) throw new InputError(`larger than ${MAX_SPEC_BYTES} bytes`, file);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read: ${reason(err)}`, file);
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (err as Error).message;
}

function objectAt(spec: Record<string, unknown>, key: string, file: string): Record<string, SpecValue> {
  const v = spec[key] ?? (key === 'args' ? {} : undefined);
  if (v === undefined) throw new InputError(`${key}: missing`, file);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(`${key}: must be an object of option names and values`, file);
  return v as Record<string, SpecValue>;
}

/** A value fits its option's kind: flags are booleans, lists may be arrays, the rest scalars. */
function checkValue(where: string, value: unknown, kind: OptionKind, file: string): void {
  const scalar = (v: unknown) => (typeof v === 'string' && v.trim() !== '') || Number.isFinite(v);
  const ok =
    kind === 'flag'
      ? typeof value === 'boolean'
      : kind === 'list' || kind === 'repeat'
        ? scalar(value) || (Array.isArray(value) && value.length > 0 && value.every(scalar))
        : scalar(value);
  if (!ok)
    throw new InputError(
      `${where}: ${kind === 'flag' ? 'must be true or false' : kind === 'list' || kind === 'repeat' ? 'must be a non-empty string, number or list of them' : 'must be a non-empty string or a finite number'}, got ${JSON.stringify(value)}`,
      file,
    );
}

/** The run's command line passes the run command's own checks (names, numbers, ranges, selections). */
function checkRun(file: string, params: Record<string, SpecValue>, argv: string[], runOptions: OptionSpec) {
  try {
    const { options: o } = parseArgs('train', [...argv, '--out=-'], runOptions);
    checkSelection('train', {
      data: '',
      time: String(o.time),
      group: String(o.group),
      states: o.states as string[],
      controls: (o.controls as string[] | undefined) ?? [],
      train: o.train as string[],
      test: o.test as string[],
    });
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    const which = Object.keys(params).length ? `run ${JSON.stringify(params)}: ` : '';
    throw new InputError(`${which}${err.message.replace(/^kinetica train: /, '')}`, file);
  }
}

/** The Cartesian product of the grid, the last option varying fastest. */
function* product(axes: [string, SpecValue][]): Generator<Record<string, SpecValue>> {
  const lists = axes.map(([, v]) => v as SpecValue[]);
  const index = lists.map(() => 0);
  for (;;) {
    yield Object.fromEntries(axes.map(([name], i) => [name, lists[i]![index[i]!]!]));
    let k = lists.length - 1;
    while (k >= 0 && ++index[k]! === lists[k]!.length) index[k--] = 0;
    if (k < 0) return;
  }
}

/**
 * `epochs-3_seed-1-5f0c2a91`: the grid values for a reader, then 8 hex digits of a hash of every
 * option of the run (args too), so that a rerun with other fixed options never counts as done.
 */
function runId(params: Record<string, SpecValue>, options: Record<string, SpecValue>): string {
  const canonical = JSON.stringify(
    Object.keys(options)
      .sort()
      .map((k) => [k, options[k]]),
  );
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 8);
  const slug = Object.entries(params)
    .map(([k, v]) => `${k}-${[v].flat().join('+')}`)
    .join('_')
    .replace(/[^A-Za-z0-9.+_-]+/g, '-')
    .slice(0, 60);
  return `${slug}-${hash}`;
}
