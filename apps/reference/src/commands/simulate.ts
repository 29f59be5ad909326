import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { solve } from '@kinetica/solvers-stiff';
import {
  limoneneEnzymes,
  limoneneModel,
  limoneneSpecies,
  type ResultTable,
  readSbml,
  simulateSbml,
} from '@kinetica/stoichiometry';
import { inputFiles, methodOption, type OptionSpec, parseArgs, SOLVE_METHODS } from '../io/args';
import { checkOutputPath } from '../io/atomic';
import { CliError, ExitCode, InputError } from '../io/errors';
import { readInputText } from '../pipeline/read-limited';
import { info } from '../io/progress';
import { TYPICAL_ENZYMES, TYPICAL_X0 } from '../pipeline/limonene-field';
import { MAX_OUTPUT_ROWS, outputSizeProblem } from '../pipeline/limits';
import { checkSettingsVariables, readSettingsFile } from '../pipeline/sbml-settings';
import { allSpeciesSettings } from '../pipeline/sbml-species';
import type { Command } from './registry';

const options = {
  sbml: 'string',
  settings: 'string',
  model: 'string',
  enzymes: 'list',
  t1: { kind: 'number', greater: 0 },
  points: { kind: 'integer', min: 2, max: MAX_OUTPUT_ROWS },
  out: 'string',
  method: 'string',
  json: 'flag',
} satisfies OptionSpec;

/** Output points of `--sbml` without `--settings` when `--points` is not given. */
const SBML_DEFAULT_POINTS = 101;
/** Solver tolerances of `--sbml` without `--settings` (the settings file's, scaled, otherwise). */
const SBML_RTOL = 1e-8;
const SBML_ATOL = 1e-12;

/**
 * Write a result table as CSV (the layout of `formatResultCsv`) atomically, as `writeFileAtomicSync`
 * does (a temporary file `.NAME.PID.tmp` beside it, then a rename), a block of rows at a time: the
 * table of a large model (10⁵ species × the output times) never becomes one string in memory.
 */
function writeCsvAtomic(path: string, table: ResultTable): void {
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  const cell = (x: number): string =>
    Number.isNaN(x) ? 'NaN' : x === Infinity ? 'INF' : x === -Infinity ? '-INF' : String(x);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    writeSync(fd, `${table.header.join(',')}\n`);
    // About a megabyte of text per write.
    const perBlock = Math.max(1, Math.floor(50_000 / Math.max(1, table.header.length)));
    for (let i = 0; i < table.rows.length; i += perBlock) {
      const block = table.rows.slice(i, i + perBlock).map((r) => `${r.map(cell).join(',')}\n`);
      writeSync(fd, block.join(''));
    }
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, abs);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Parse `Name=factor` pairs that scale the typical enzyme levels (0 knocks an enzyme out). */
export function enzymeLevels(pairs: string[] | undefined): Float64Array {
  const u = Float64Array.from(TYPICAL_ENZYMES);
  for (const pair of pairs ?? []) {
    const eq = pair.lastIndexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : pair;
    const idx = (limoneneEnzymes as readonly string[]).indexOf(name);
    if (idx < 0)
      throw new CliError(`--enzymes: unknown enzyme '${name}' (enzymes: ${limoneneEnzymes.join(', ')})`);
    const factor = Number(pair.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(factor) || factor < 0)
      throw new CliError(`--enzymes: '${pair}' should be Name=factor with a factor ≥ 0`);
    u[idx] = TYPICAL_ENZYMES[idx]! * factor;
  }
  return u;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'simulate an SBML model (SBML Test Suite settings) or the built-in limonene pathway',
  usage:
    'kinetica simulate --sbml MODEL.xml --t1 T [--points N] --out RESULTS.csv [--method NAME] [--json]\n       kinetica simulate --sbml MODEL.xml --settings SETTINGS.txt --out RESULTS.csv [--method NAME] [--json]\n       kinetica simulate --model limonene --out RESULTS.csv [--enzymes MK=0,HMGR=2] [--t1 72] [--points 73] [--method NAME] [--json]',
  options,
  optionHelp: {
    sbml: 'SBML Level 2/3 core model file',
    settings:
      'SBML Test Suite settings file (start, duration, steps, variables, absolute, relative, amount, concentration); without it, --t1 gives the times and every species is reported',
    model: "built-in model name: 'limonene'",
    enzymes: 'built-in model: scale enzyme levels, Name=factor (0 = knockout)',
    t1: `end time: SBML without --settings (required; output over [0, T], every species as an amount if it has only substance units, else as a concentration; rtol ${SBML_RTOL}, atol ${SBML_ATOL}), built-in model in hours (default 72)`,
    points: `number of evenly spaced output times: SBML without --settings (default ${SBML_DEFAULT_POINTS}), built-in model (default 73)`,
    out: 'output CSV file (time,<variable>,… rows), written atomically',
    method:
      'solver method (default bdf for SBML, rodas5 for the built-in model); on large SBML models the stiff methods use the sparsity of the Jacobian',
    json: 'print a one-line JSON summary on stdout',
  },
  async run(argv) {
    const { options: o } = parseArgs('simulate', argv, options);
    const out = o.out as string | undefined;
    if (!out) throw new CliError('kinetica simulate: missing required option --out');
    checkOutputPath('simulate', out, 'file', inputFiles(o, 'sbml', 'settings'));
    const method = methodOption('simulate', o, SOLVE_METHODS);
    let table: ResultTable;
    let summary: Record<string, unknown>;
    if (o.sbml !== undefined) {
      const sbmlPath = o.sbml as string;
      let sim: ReturnType<typeof simulateSbml>;
      try {
        if (o.settings !== undefined) {
          for (const name of ['t1', 'points'] as const) {
            if (o[name] !== undefined) {
              throw new CliError(
                `kinetica simulate: --${name} cannot be combined with --settings (the settings file gives the output times)`,
              );
            }
          }
          const sbml = readInputText(sbmlPath, 'SBML');
          // The settings file is checked on its own (its problems name its lines), then its variables against the model.
          const settings = readSettingsFile(o.settings as string);
          checkSettingsVariables(settings, sbml, sbmlPath);
          sim = simulateSbml(sbml, settings.settings, method ? { method } : {});
        } else {
          const t1 = o.t1 as number | undefined;
          if (t1 === undefined) {
            throw new CliError(
              'kinetica simulate: --sbml needs --t1 T (the end time; every species reported) or --settings FILE',
            );
          }
          const points = (o.points as number | undefined) ?? SBML_DEFAULT_POINTS;
          const model = readSbml(readInputText(sbmlPath, 'SBML'));
          const tooBig = outputSizeProblem(points, model.species.length + 1);
          if (tooBig) throw new CliError(`kinetica simulate: --points ${points}: ${tooBig}`);
          if (model.species.length === 0)
            throw new InputError('the model has no species to report', sbmlPath);
          sim = simulateSbml(model, allSpeciesSettings(model, t1, points), {
            method: method ?? 'bdf',
            rtol: SBML_RTOL,
            atol: SBML_ATOL,
          });
        }
      } catch (err) {
        // Unsupported constructs and malformed documents are problems of the input file.
        if (err instanceof Error && !(err instanceof CliError)) throw new InputError(err.message, sbmlPath);
        throw err;
      }
      if (sim.status !== 'success') {
        process.stderr.write(`error: ${sbmlPath}: simulation failed: ${sim.message}\n`);
        return ExitCode.failure;
      }
      table = sim;
      // The header of a large model is long: its size, not its names, past a hundred columns.
      summary =
        sim.header.length <= 100
          ? { out, rows: sim.rows.length, columns: sim.header }
          : { out, rows: sim.rows.length, columns: sim.header.length };
    } else if (o.model !== undefined) {
      if (o.model !== 'limonene')
        throw new CliError(`kinetica simulate: unknown built-in model '${o.model}' (models: limonene)`);
      const t1 = (o.t1 as number | undefined) ?? 72;
      const points = (o.points as number | undefined) ?? 73;
      if (!(t1 > 0) || points < 2) throw new CliError('kinetica simulate: need --t1 > 0 and --points ≥ 2');
      const model = limoneneModel();
      const u = enzymeLevels(o.enzymes as string[] | undefined);
      const saveAt = Array.from({ length: points }, (_, k) => (t1 * k) / (points - 1));
      const sol = solve(model.problem(TYPICAL_X0, [0, t1], u), {
        method: method ?? 'rodas5',
        rtol: 1e-8,
        atol: 1e-12,
        saveAt,
      });
      if (sol.status !== 'success') {
        process.stderr.write(`error: limonene model: simulation failed: ${sol.message}\n`);
        return ExitCode.failure;
      }
      const rows = Array.from(sol.t, (t, k) => [t, ...Array.from(sol.y[k]!)]);
      table = { header: ['time', ...limoneneSpecies], rows };
      summary = { out, rows: rows.length, columns: ['time', ...limoneneSpecies], stats: sol.stats };
    } else {
      throw new CliError(
        'kinetica simulate: give --sbml MODEL.xml --t1 T (or --settings FILE), or --model limonene',
      );
    }
    writeCsvAtomic(out, table);
    if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else info(false, `wrote ${out}`);
    return ExitCode.ok;
  },
};
