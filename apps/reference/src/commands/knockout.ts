import {
  compareIntervention,
  type InterventionComparison,
  type Intervention,
  type ParametricField,
} from '@kinetica/diagnostics';
import type { MethodName } from '@kinetica/ode-core';
import { limoneneEnzymes, limoneneSpecies } from '@kinetica/stoichiometry';
import {
  methodOption,
  type OptionSpec,
  type ParsedArgs,
  parseArgs,
  required,
  SOLVE_METHODS,
} from '../io/args';
import { CliError, ExitCode } from '../io/errors';
import { info } from '../io/progress';
import { curveRange, loadLearnedStrain } from '../pipeline/learned-strain';
import { limoneneField, TYPICAL_X0 } from '../pipeline/limonene-field';
import { readModelFile } from '../pipeline/model-file';
import type { Command } from './registry';

const options = {
  enzyme: 'string',
  factor: { kind: 'number', min: 0 },
  t1: { kind: 'number', greater: 0 },
  method: { kind: 'string', oneOf: SOLVE_METHODS },
  'model-file': 'string',
  data: 'string',
  strain: 'string',
  json: 'flag',
} satisfies OptionSpec;

export const knockoutCommand: Command = {
  name: 'knockout',
  summary:
    'knock out (or scale) an enzyme of the built-in limonene model or of a trained model, and compare with the unperturbed prediction',
  usage:
    'kinetica knockout --enzyme NAME [--factor 0] [--t1 72] [--method NAME] [--json]\n       kinetica knockout --model-file DIR/model.json --data FILE [--strain NAME] --enzyme NAME [--factor 0] [--method NAME] [--json]',
  options,
  optionHelp: {
    enzyme: `enzyme to perturb: one of the built-in model's (${limoneneEnzymes.join(', ')}) or a control of --model-file`,
    factor: 'scale factor of its level: 0 knocks it out (default), 2 doubles it',
    t1: 'simulated hours of the built-in model (default 72)',
    method: 'solver method (default rodas5)',
    'model-file': 'model.json written by kinetica train: perturb the learned model instead',
    data: "with --model-file: the table holding the strain's initial state and enzyme time courses",
    strain: "with --model-file: the strain (group) to perturb (default: the model's first held-out group)",
    json: 'print the comparison as one JSON line on stdout',
  },
  async run(argv) {
    const { options: o } = parseArgs('knockout', argv, options);
    const enzyme: string = required('knockout', o, 'enzyme');
    const factor = (o.factor as number | undefined) ?? 0;
    if (!(factor >= 0)) throw new CliError('kinetica knockout: --factor must be ≥ 0');
    const method = methodOption('knockout', o, SOLVE_METHODS) ?? 'rodas5';
    if (o['model-file'] !== undefined) return knockoutModelFile(o, enzyme, factor, method);
    for (const only of ['data', 'strain'])
      if (o[only] !== undefined)
        throw new CliError(`kinetica knockout: --${only} goes with --model-file (a trained model)`);
    const index = (limoneneEnzymes as readonly string[]).indexOf(enzyme);
    if (index < 0)
      throw new CliError(
        `kinetica knockout: unknown enzyme '${enzyme}' (enzymes: ${limoneneEnzymes.join(', ')})`,
      );
    const t1 = (o.t1 as number | undefined) ?? 72;
    const cmp = compareIntervention(limoneneField(), [intervention(index, factor)], {
      y0: TYPICAL_X0,
      tspan: [0, t1],
      method,
    });
    return report(
      cmp,
      limoneneSpecies,
      { enzyme, factor, t1 },
      o.json === true,
      `${enzyme} × ${factor} in the limonene pathway model, state at t = ${t1} h:`,
    );
  },
};

function intervention(index: number, factor: number): Intervention {
  return factor === 0 ? { kind: 'knockout', index } : { kind: 'scale', index, factor };
}

/**
 * `knockout --model-file`: the learned field driven by the strain's measured enzyme courses, with
 * one course held at zero (or scaled), integrated from the strain's initial state over the
 * model's time grid, next to the same field unperturbed.
 */
function knockoutModelFile(
  o: ParsedArgs['options'],
  enzyme: string,
  factor: number,
  method: MethodName,
): number {
  if (o.t1 !== undefined)
    throw new CliError(
      "kinetica knockout: --t1 is for the built-in model; a trained model runs over its grid's time span",
    );
  const modelPath: string = required('knockout', o, 'model-file');
  const { controls } = readModelFile(modelPath);
  const index = controls.indexOf(enzyme);
  if (index < 0) {
    throw new CliError(
      `kinetica knockout: '${enzyme}' is not a control of ${modelPath} (controls: ${controls.join(', ')})`,
    );
  }
  const s = loadLearnedStrain({
    command: 'knockout',
    modelPath,
    data: required('knockout', o, 'data'),
    strain: o.strain as string | undefined,
    training: 'optional',
  });
  const t0 = s.grid[0]!;
  const t1 = s.grid[s.grid.length - 1]!;
  // Each member simulates the intervention; like `predict`, the result is the members' median.
  const runs = Array.from({ length: s.fit.members }, (_, m) => {
    const field: ParametricField = s.fit.field(s.onGrid.controls, s.grid, m);
    return compareIntervention(field, [intervention(index, factor)], {
      y0: s.onGrid.states.map((c) => c[0]!),
      tspan: [t0, t1],
      saveAt: s.grid,
      method,
    });
  });
  const cmp = combineComparisons(runs, s.fit.combineMembers);
  // A network only knows the enzyme levels it was trained on; a knockout usually leaves them.
  const levels = curveRange([s.onGrid.controls[index]!.map((u) => factor * u)]);
  const trained = s.training ? curveRange(s.training.map((tr) => tr.controls[index]!)) : undefined;
  const extrapolates = trained ? levels.min < trained.min || levels.max > trained.max : undefined;
  const header = {
    modelFile: modelPath,
    strain: s.strain.name,
    enzyme,
    factor,
    t1,
    perturbedLevels: levels,
    ...(trained ? { trainingLevels: trained, extrapolates } : {}),
  };
  const note = trained
    ? extrapolates
      ? `note: ${enzyme} × ${factor} spans ${fmt(levels.min)}–${fmt(levels.max)}, outside the training strains' ${fmt(trained.min)}–${fmt(trained.max)}: the learned model extrapolates`
      : `${enzyme} × ${factor} stays within the training strains' range ${fmt(trained.min)}–${fmt(trained.max)}`
    : undefined;
  return report(
    cmp,
    s.model.states,
    header,
    o.json === true,
    `${enzyme} × ${factor} in the model of ${modelPath}, strain ${s.strain.name}, state at ${s.model.time} = ${t1}:`,
    note,
  );
}

const fmt = (v: number) => v.toPrecision(3);

/**
 * The members' final states combined as `predict` combines the members (trajectories are the
 * first member's; the first failure, if any member failed).
 */
function combineComparisons(
  runs: InterventionComparison[],
  combine: (values: readonly Float64Array[]) => Float64Array,
): InterventionComparison {
  const failedRun = runs.find((r) => r.status !== 'success');
  if (failedRun) return failedRun;
  const baseline = combine(runs.map((r) => r.final.baseline));
  const perturbed = combine(runs.map((r) => r.final.perturbed));
  const change = perturbed.map((p, i) => p - baseline[i]!);
  return {
    ...runs[0]!,
    final: { baseline, perturbed, change, relativeChange: change.map((c, i) => c / Math.abs(baseline[i]!)) },
  };
}

/** The final states side by side, as one JSON line or a table on the terminal. */
function report(
  cmp: InterventionComparison,
  species: readonly string[],
  header: Record<string, unknown>,
  json: boolean,
  title: string,
  note?: string,
): number {
  if (cmp.status !== 'success') {
    process.stderr.write(`error: ${cmp.message}\n`);
    return ExitCode.failure;
  }
  const rows = species.map((s, i) => ({
    species: s,
    baseline: cmp.final.baseline[i]!,
    perturbed: cmp.final.perturbed[i]!,
    change: cmp.final.change[i]!,
    relativeChange: cmp.final.relativeChange[i]!,
  }));
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...header, final: rows })}\n`);
    return ExitCode.ok;
  }
  const width = Math.max(16, ...species.map((s) => s.length + 2));
  info(false, title);
  if (note) info(false, note);
  info(
    false,
    `${'species'.padEnd(width)}${'unperturbed'.padStart(14)}${'perturbed'.padStart(14)}${'change %'.padStart(12)}`,
  );
  for (const r of rows) {
    const pct = Number.isFinite(r.relativeChange) ? (100 * r.relativeChange).toFixed(1) : 'n/a';
    info(
      false,
      `${r.species.padEnd(width)}${r.baseline.toPrecision(5).padStart(14)}${r.perturbed.toPrecision(5).padStart(14)}${pct.padStart(12)}`,
    );
  }
  return ExitCode.ok;
}
