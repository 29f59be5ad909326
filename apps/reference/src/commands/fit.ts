import { readFileSync } from 'node:fs';
import { type FitExperiment, type FitParameter, fitParameters } from '@kinetica/adjoint';
import { type Dataset, readWideCsvFile } from '@kinetica/omics-io';
import { type SbmlModel, type SbmlOde, setSbmlValues } from '@kinetica/stoichiometry';
import { inputFiles, methodOption, type OptionSpec, parseArgs, required, SOLVE_METHODS } from '../io/args';
import { checkOutputPath, writeStaged } from '../io/atomic';
import { CliError, ExitCode, InputError } from '../io/errors';
import { readInputText } from '../pipeline/read-limited';
import { info } from '../io/progress';
import { textLines } from '../pipeline/table';
import { compileSbmlForGradients } from '../pipeline/sbml-gradient-model';
import type { Command } from './registry';

const options = {
  sbml: 'string',
  data: 'string',
  time: 'string',
  group: 'string',
  params: 'list',
  bounds: 'list',
  initial: { kind: 'string', oneOf: ['data', 'model'] },
  starts: { kind: 'integer', min: 1, max: 100 },
  seed: { kind: 'integer', min: 0 },
  profile: 'flag',
  level: { kind: 'number', greater: 0 },
  method: 'string',
  out: 'string',
  json: 'flag',
  quiet: 'flag',
} satisfies OptionSpec;

const KINDS = new Set(['parameter', 'local', 'compartment']);

/** The 1-based character column where header cell `name` starts, for messages. */
function headerColumn(file: string, name: string): number | undefined {
  let header = '';
  try {
    header = textLines(readFileSync(file, 'utf8').slice(0, 1 << 20))[0] ?? '';
  } catch {
    return undefined;
  }
  const delimiter = header.includes('\t') && !header.includes(',') ? '\t' : ',';
  let column = 1;
  for (const cell of header.split(delimiter)) {
    if (cell.trim().replace(/^"|"$/g, '') === name) return column;
    column += cell.length + 1;
  }
  return undefined;
}

/**
 * How each data column is read from the state: the species' amount, or its concentration (the
 * amount over a constant compartment size), as the species is declared. A species in a
 * compartment whose size changes has no linear reading and is refused.
 */
function outputScale(ode: SbmlOde, model: SbmlModel, id: string, state: number): number {
  const sp = model.species.find((s) => s.id === id);
  const kind = sp && !sp.hasOnlySubstanceUnits ? 'concentration' : 'amount';
  const read = ode.reader(id, kind);
  const y = Float64Array.from(ode.y0);
  const t0 = 0;
  y[state] = 0;
  const base = read(t0, y);
  y[state] = 1;
  const one = read(t0, y) - base;
  y[state] = 2;
  const two = read(t0, y) - base;
  if (!(Number.isFinite(one) && one !== 0 && Math.abs(two - 2 * one) <= 1e-12 * Math.abs(one))) {
    throw new CliError(
      `kinetica fit: '${id}' is not read linearly from the model's state (its compartment's size changes); fit cannot observe it`,
      ExitCode.input,
    );
  }
  return one;
}

function parseBounds(list: string[] | undefined, ids: readonly string[]): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const item of list ?? []) {
    const m = /^(.+)=([^:]+):([^:]+)$/.exec(item);
    const lo = m ? Number(m[2]) : Number.NaN;
    const hi = m ? Number(m[3]) : Number.NaN;
    if (!m || !(lo > 0) || !(hi > lo) || !Number.isFinite(hi))
      throw new CliError(`kinetica fit: --bounds needs ID=LOW:HIGH with 0 < LOW < HIGH, got '${item}'`);
    if (!ids.includes(m[1]!))
      throw new CliError(`kinetica fit: --bounds names '${m[1]}', which is not in --params`);
    out.set(m[1]!, [lo, hi]);
  }
  return out;
}

export const fitCommand: Command = {
  name: 'fit',
  summary:
    'estimate parameters of an SBML model from time courses (least squares, profile-likelihood intervals)',
  usage:
    'kinetica fit --sbml MODEL.xml --data DATA.csv --time COL [--group COL] --params ID,ID,.. --out DIR [--bounds ID=LO:HI,..] [--starts N] [--seed N] [--profile [--level 0.95]] [--initial data|model] [--method NAME] [--json] [--quiet]',
  options,
  optionHelp: {
    sbml: 'SBML Level 2/3 core model file (no events)',
    data: 'CSV/TSV table of time courses: a time column, optionally a group column, and one column per observed species (its id)',
    time: 'name of the time column (the model time, from its start 0)',
    group: 'name of the experiment column: each group is one experiment (default: one experiment)',
    params:
      'ids of the parameters to fit: global <parameter> ids, local ones as REACTION.ID, compartment ids',
    bounds: 'bounds of fitted parameters, ID=LOW:HIGH (default: the model value /1000 to ×1000)',
    initial:
      "each experiment's initial state: 'data' (default: species measured at time 0 start there, the others at the model's values) or 'model'",
    starts: 'minimiser starts: the model values and N − 1 more, log-uniform within the bounds (default 3)',
    seed: 'seed of the extra starts (default 0)',
    profile: 'profile-likelihood confidence intervals of every fitted parameter',
    level: 'confidence level of --profile (default 0.95)',
    method: 'solver method (default bdf)',
    out: 'output folder: fit.json and fitted.xml (the model with the fitted values), written when everything succeeded',
    json: 'print fit.json as one line on stdout',
    quiet: 'no progress output',
  },
  async run(argv) {
    const { options: o } = parseArgs('fit', argv, options);
    const sbmlPath = required<string>('fit', o, 'sbml');
    const dataPath = required<string>('fit', o, 'data');
    const time = required<string>('fit', o, 'time');
    const ids = required<string[]>('fit', o, 'params');
    const out = required<string>('fit', o, 'out');
    const group = o.group as string | undefined;
    const method = methodOption('fit', o, SOLVE_METHODS) ?? 'bdf';
    const level = (o.level as number | undefined) ?? 0.95;
    if (!(level > 0 && level < 1))
      throw new CliError(`kinetica fit: --level must be in (0, 1), got ${level}`);
    if (o.level !== undefined && !o.profile) throw new CliError('kinetica fit: --level applies to --profile');
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new CliError(`kinetica fit: '${id}' is listed twice in --params`);
      seen.add(id);
    }
    const bounds = parseBounds(o.bounds as string[] | undefined, ids);
    checkOutputPath('fit', out, 'folder', inputFiles(o, 'sbml', 'data'));
    const quiet = Boolean(o.quiet || o.json);

    // The model: its parameter vector and the ids the data may name.
    const xml = readInputText(sbmlPath, 'SBML');
    const { model, ode, problem } = compileSbmlForGradients(
      xml,
      sbmlPath,
      'fit handles models without events',
      (m) => {
        // The solves start from the initial state computed once: an initial assignment that reads
        // a fitted parameter would not follow it.
        for (const a of m.initialAssignments) {
          const text = JSON.stringify(a.math);
          const read = ids.find((id) => text.includes(JSON.stringify({ type: 'symbol', name: id })));
          if (read !== undefined)
            throw new Error(
              `the initial assignment of '${a.symbol}' reads '${read}'; fit does not re-evaluate initial assignments, so '${read}' cannot be fitted`,
            );
        }
      },
    );
    const fitted: FitParameter[] = ids.map((id) => {
      const index = ode.params.findIndex((p) => p.id === id);
      const param = ode.params[index];
      if (!param || !KINDS.has(param.kind)) {
        const known = ode.params.filter((p) => KINDS.has(p.kind)).map((p) => p.id);
        throw new CliError(
          `kinetica fit: --params '${id}' is not a parameter of ${sbmlPath} (${known.length > 0 ? `parameters: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}` : 'it has none'})`,
        );
      }
      const start = problem.p[index]!;
      if (!(start > 0))
        throw new InputError(
          `parameter '${id}' has the value ${start}; fit estimates positive parameters on a log scale from their model values`,
          sbmlPath,
        );
      const b = bounds.get(id);
      return { index, name: id, start, ...(b ? { lower: b[0], upper: b[1] } : {}) };
    });

    // The data: one experiment per group, every other column a species of the model.
    const dataset: Dataset = readWideCsvFile(dataPath, {
      timeColumn: time,
      ...(group !== undefined ? { groupColumn: group } : {}),
    });
    const stateOf = new Map(ode.stateNames.map((s, i) => [s, i]));
    const columns = dataset.features.map((f) => {
      const state = stateOf.get(f.name);
      const species = model.species.some((s) => s.id === f.name);
      if (species && state === undefined)
        throw new InputError(
          `column '${f.name}' is a species of ${sbmlPath} that does not change (constant or boundary, no rule); fit compares data with species the model integrates`,
          dataPath,
          1,
          headerColumn(dataPath, f.name),
        );
      if (state === undefined || !species) {
        throw new InputError(
          `column '${f.name}' matches no species of ${sbmlPath} (species: ${model.species
            .slice(0, 20)
            .map((s) => s.id)
            .join(', ')}${model.species.length > 20 ? ', …' : ''})`,
          dataPath,
          1,
          headerColumn(dataPath, f.name),
        );
      }
      return { name: f.name, state, scale: outputScale(ode, model, f.name, state) };
    });
    if (columns.length === 0) throw new InputError('no data column besides time and group', dataPath, 1);
    const initial = (o.initial as string | undefined) ?? 'data';
    const experiments: FitExperiment[] = dataset.groups.map((g) => {
      if (g.times.length < 2)
        throw new InputError(
          `group '${g.name}' has ${g.times.length} time point; a time course needs at least two`,
          dataPath,
          g.lines?.[0],
        );
      if (g.times[0]! < 0)
        throw new InputError(
          `group '${g.name}' starts at time ${g.times[0]}, before the model's start 0`,
          dataPath,
          g.lines?.[0],
        );
      const y0 = Float64Array.from(problem.y0);
      if (initial === 'data' && g.times[0] === 0) {
        columns.forEach((c, j) => {
          const v = g.values[j]![0]!;
          if (Number.isFinite(v)) y0[c.state] = v / c.scale;
        });
      }
      return {
        name: `group '${g.name}'`,
        model: { ...problem, y0 },
        times: g.times,
        outputs: columns.map((c, j) => ({ state: c.state, scale: c.scale, values: g.values[j]! })),
      };
    });

    info(
      quiet,
      `kinetica fit: ${fitted.length} parameter(s) of ${sbmlPath} from ${experiments.length} experiment(s), ${columns.length} observed species`,
    );
    const started = performance.now();
    let last = 0;
    const result = fitParameters(experiments, fitted, {
      method,
      starts: (o.starts as number | undefined) ?? 3,
      seed: (o.seed as number | undefined) ?? 0,
      ...(o.profile ? { profile: level } : {}),
      onProgress: (m) => {
        const now = performance.now();
        if (quiet || now - last < 500) return;
        last = now;
        process.stderr.write(`  ${m}\n`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const values = Object.fromEntries(result.names.map((n, i) => [n, result.values[i]!]));
    const report = {
      status: result.status,
      message: result.message,
      parameters: values,
      loss: result.loss,
      observations: result.observations,
      ...(result.sigma !== undefined ? { sigma: result.sigma } : {}),
      ...(result.intervals
        ? {
            level: result.level,
            intervals: Object.fromEntries(result.names.map((n, i) => [n, result.intervals![i]])),
          }
        : {}),
      starts: result.starts.map((s) => ({
        start: Object.fromEntries(result.names.map((n, i) => [n, s.start[i]!])),
        loss: s.loss,
        status: s.status,
        iterations: s.iterations,
      })),
      evaluations: result.evaluations,
      method,
      seconds,
    };
    writeStaged(
      out,
      (stage) => {
        stage.write('fit.json', `${JSON.stringify(report, null, 2)}\n`);
        if (result.status === 'success') stage.write('fitted.xml', setSbmlValues(xml, values));
      },
      inputFiles(o, 'sbml', 'data'),
    );
    if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else if (!quiet) {
      for (const [i, n] of result.names.entries()) {
        const iv = result.intervals?.[i];
        info(
          false,
          `  ${n} = ${result.values[i]!.toPrecision(6)}${iv ? `  (${(100 * level).toFixed(0)}% interval ${iv.lowerFound ? iv.lower.toPrecision(4) : `≤ ${iv.lower.toPrecision(4)} (bound)`} … ${iv.upperFound ? iv.upper.toPrecision(4) : `≥ ${iv.upper.toPrecision(4)} (bound)`})` : ''}`,
        );
      }
      info(
        false,
        `${result.status}: ${result.message} in ${seconds.toFixed(1)} s; wrote ${out}/fit.json${result.status === 'success' ? ' and fitted.xml' : ''}`,
      );
    }
    if (result.status !== 'success') {
      process.stderr.write(`error: ${sbmlPath}: the fit failed: ${result.message}\n`);
      return ExitCode.failure;
    }
    return ExitCode.ok;
  },
};
