import { readFileSync } from 'node:fs';
import { solve } from '@kinetica/solvers-stiff';
import {
  formatResultCsv,
  limoneneEnzymes,
  limoneneModel,
  limoneneSpecies,
  simulateSbml,
} from '@kinetica/stoichiometry';
import { inputFiles, methodOption, type OptionSpec, parseArgs, SOLVE_METHODS } from '../io/args';
import { checkOutputPath, writeFileAtomicSync } from '../io/atomic';
import { CliError, ExitCode, InputError } from '../io/errors';
import { info } from '../io/progress';
import { TYPICAL_ENZYMES, TYPICAL_X0 } from '../pipeline/limonene-field';
import { MAX_OUTPUT_ROWS } from '../pipeline/limits';
import { checkSettingsVariables, readSettingsFile } from '../pipeline/sbml-settings';
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

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`cannot read the ${what} file (does it exist?)`, path);
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
    'kinetica simulate --sbml MODEL.xml --settings SETTINGS.txt --out RESULTS.csv [--method NAME] [--json]\n       kinetica simulate --model limonene --out RESULTS.csv [--enzymes MK=0,HMGR=2] [--t1 72] [--points 73] [--method NAME] [--json]',
  options,
  optionHelp: {
    sbml: 'SBML Level 2/3 core model file',
    settings:
      'SBML Test Suite settings file (start, duration, steps, variables, absolute, relative, amount, concentration)',
    model: "built-in model name: 'limonene'",
    enzymes: 'built-in model: scale enzyme levels, Name=factor (0 = knockout)',
    t1: 'built-in model: end time in hours (default 72)',
    points: 'built-in model: number of output times (default 73)',
    out: 'output CSV file (time,<variable>,… rows), written atomically',
    method: 'solver method (default radau5 for SBML, rodas5 for the built-in model)',
    json: 'print a one-line JSON summary on stdout',
  },
  async run(argv) {
    const { options: o } = parseArgs('simulate', argv, options);
    const out = o.out as string | undefined;
    if (!out) throw new CliError('kinetica simulate: missing required option --out');
    checkOutputPath('simulate', out, 'file', inputFiles(o, 'sbml', 'settings'));
    const method = methodOption('simulate', o, SOLVE_METHODS);
    let csv: string;
    let summary: Record<string, unknown>;
    if (o.sbml !== undefined) {
      if (o.settings === undefined) throw new CliError('kinetica simulate: --sbml needs --settings');
      const sbml = readText(o.sbml as string, 'SBML');
      // The settings file is checked on its own (its problems name its lines), then its variables against the model.
      const settings = readSettingsFile(o.settings as string);
      checkSettingsVariables(settings, sbml, o.sbml as string);
      let sim: ReturnType<typeof simulateSbml>;
      try {
        sim = simulateSbml(sbml, settings.settings, method ? { method } : {});
      } catch (err) {
        // Unsupported constructs and malformed documents are problems of the input file.
        if (err instanceof Error && !(err instanceof CliError))
          throw new InputError(err.message, o.sbml as string);
        throw err;
      }
      if (sim.status !== 'success') {
        process.stderr.write(`error: ${o.sbml}: simulation failed: ${sim.message}\n`);
        return ExitCode.failure;
      }
      csv = formatResultCsv(sim);
      summary = { out, rows: sim.rows.length, columns: sim.header };
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
      csv = formatResultCsv({ header: ['time', ...limoneneSpecies], rows });
      summary = { out, rows: rows.length, columns: ['time', ...limoneneSpecies], stats: sol.stats };
    } else {
      throw new CliError('kinetica simulate: give --sbml MODEL.xml --settings FILE, or --model limonene');
    }
    writeFileAtomicSync(out, csv);
    if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else info(false, `wrote ${out}`);
    return ExitCode.ok;
  },
};
