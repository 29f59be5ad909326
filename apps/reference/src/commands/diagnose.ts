import { bindParameters, findSteadyStates, stiffnessProfile } from '@kinetica/diagnostics';
import { solve } from '@kinetica/solvers-stiff';
import { limoneneSpecies } from '@kinetica/stoichiometry';
import { inputFiles, type OptionSpec, type ParsedArgs, parseArgs, required } from '../io/args';
import { checkOutputPath, writeStaged } from '../io/atomic';
import { CliError, ExitCode } from '../io/errors';
import { info } from '../io/progress';
import { diagnoseLearned } from '../pipeline/learned-diagnosis';
import { loadLearnedStrain } from '../pipeline/learned-strain';
import { limoneneField, TYPICAL_X0 } from '../pipeline/limonene-field';
import { stiffnessPanel } from '../plot/panels';
import { writeReport } from '../report/document';
import { diagnosisBlocks, diagnosisLines } from '../report/learned-diagnosis';
import type { Command } from './registry';

const options = {
  model: 'string',
  t1: { kind: 'number', greater: 0 },
  'model-file': 'string',
  data: 'string',
  strain: 'string',
  'ftle-samples': { kind: 'integer', min: 0 },
  out: 'string',
  json: 'flag',
} satisfies OptionSpec;

/** The options naming files the run reads (an --out folder keeps them). */
const INPUT_OPTIONS = ['model-file', 'data'];

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary:
    'stiffness, solver recommendation and steady states of the built-in model, or of a trained model on a strain with its out-of-distribution report',
  usage:
    'kinetica diagnose [--model limonene] [--t1 72] [--out DIR] [--json]\n       kinetica diagnose --model-file DIR/model.json --data FILE [--strain NAME] [--ftle-samples 20] [--out DIR] [--json]',
  options,
  optionHelp: {
    model: "built-in model (default 'limonene')",
    t1: 'simulated hours of the built-in model (default 72)',
    'model-file': 'model.json written by kinetica train: diagnose the learned model instead',
    data: "with --model-file: the table holding the strain (read with the model's columns)",
    strain: "with --model-file: the strain (group) to diagnose (default: the model's first held-out group)",
    'ftle-samples':
      'with --model-file: start states per set for the finite-time Lyapunov exponents (default 20; 0 turns them off)',
    out: 'folder for the report, diagnosis.json and the plots (SVG and PNG)',
    json: 'print the diagnosis as one JSON line on stdout',
  },
  async run(argv) {
    const { options: o } = parseArgs('diagnose', argv, options);
    if (o.out !== undefined)
      checkOutputPath('diagnose', o.out as string, 'folder', inputFiles(o, ...INPUT_OPTIONS));
    if (o['model-file'] !== undefined) return diagnoseModelFile(o);
    for (const only of ['data', 'strain', 'ftle-samples'])
      if (o[only] !== undefined)
        throw new CliError(`kinetica diagnose: --${only} goes with --model-file (a trained model)`);
    const name = (o.model as string | undefined) ?? 'limonene';
    if (name !== 'limonene')
      throw new CliError(`kinetica diagnose: unknown built-in model '${name}' (models: limonene)`);
    const t1 = (o.t1 as number | undefined) ?? 72;
    const field = bindParameters(limoneneField());
    const saveAt = Array.from({ length: 61 }, (_, k) => (t1 * k) / 60);
    const sol = solve(
      { f: field.f, jac: field.jac, y0: TYPICAL_X0, tspan: [0, t1] },
      { method: 'rodas5', rtol: 1e-8, atol: 1e-12, saveAt },
    );
    if (sol.status !== 'success') {
      process.stderr.write(`error: limonene model: ${sol.message}\n`);
      return ExitCode.failure;
    }
    const profile = stiffnessProfile(field, sol);
    const steady = findSteadyStates(field, [sol], { nonnegative: true });
    const result = {
      model: name,
      recommendation: profile.recommendation,
      maxStiffnessRatio: Math.max(...profile.stiffnessRatio),
      steadyStates: steady.map((s) => ({
        stability: s.stability,
        residual: s.residual,
        x: Object.fromEntries(limoneneSpecies.map((sp, i) => [sp, s.x[i]!])),
      })),
    };
    if (o.out) {
      writeStaged(o.out as string, (stage) => {
        writeReport(stage, `Kinetica diagnosis: ${name} pathway`, [
          {
            kind: 'text',
            text: `Recommended solver: **${profile.recommendation.method}**. ${profile.recommendation.reason}`,
          },
          {
            kind: 'figure',
            file: 'stiffness',
            figure: {
              panels: [stiffnessPanel({ t: profile.t, ratio: profile.stiffnessRatio, time: 'hour' })],
            },
            caption: 'Ratio of the fastest to the slowest decay rate of the Jacobian',
          },
        ]);
        stage.write('diagnosis.json', `${JSON.stringify(result, null, 2)}\n`);
      });
    }
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      info(
        false,
        `stiffness ratio up to ${result.maxStiffnessRatio.toExponential(2)}; recommended method: ${profile.recommendation.method} (${profile.recommendation.reason})`,
      );
      info(
        false,
        `steady states found from the trajectory end: ${steady.length}${steady.map((s) => ` [${s.stability}]`).join('')}`,
      );
    }
    return ExitCode.ok;
  },
};

/** `diagnose --model-file`: a trained neural ODE on one strain of a table. */
function diagnoseModelFile(o: ParsedArgs['options']): number {
  for (const builtIn of ['model', 't1'])
    if (o[builtIn] !== undefined)
      throw new CliError(
        `kinetica diagnose: --${builtIn} is for the built-in model and cannot go with --model-file`,
      );
  const modelPath: string = required('diagnose', o, 'model-file');
  const strain = loadLearnedStrain({
    command: 'diagnose',
    modelPath,
    data: required('diagnose', o, 'data'),
    strain: o.strain as string | undefined,
    training: 'required',
  });
  const ftleSamples = o['ftle-samples'] as number | undefined;
  const run = diagnoseLearned(strain, ftleSamples === undefined ? {} : { ftleSamples });
  const trainedOn = strain.model.train;
  const result = { modelFile: modelPath, trainedOn, ...run.summary };
  if (o.out) {
    writeStaged(
      o.out as string,
      (stage) => {
        writeReport(
          stage,
          `Kinetica diagnosis: strain ${run.summary.strain}`,
          diagnosisBlocks(run, modelPath, trainedOn, strain.model.time),
        );
        stage.write('diagnosis.json', `${JSON.stringify(result, null, 2)}\n`);
      },
      inputFiles(o, ...INPUT_OPTIONS),
    );
  }
  if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else for (const line of diagnosisLines(run, trainedOn)) info(false, line);
  return ExitCode.ok;
}
