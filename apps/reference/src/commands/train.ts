import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { GridTrajectory } from '../baseline/costello-martin';
import { compileHybridSbml, fitHybrid, HYBRID_SOLVER, type HybridSbml } from '../pipeline/hybrid';
import { methodOption, type OptionSpec, parseArgs, required } from '../io/args';
import { checkOutputPath, writeStaged } from '../io/atomic';
import { CliError, ExitCode } from '../io/errors';
import { readInputText } from '../pipeline/read-limited';
import { info, Progress } from '../io/progress';
import { checkSelection, loadSelection, type TableSelection } from '../pipeline/data';
import { metricsJson, runHeldOutAsync } from '../pipeline/heldout';
import { memberThreads } from '../pipeline/member-pool';
import { predictionsCsv, runBlocks } from '../report/heldout';
import { writeReport } from '../report/document';
import { modelJson } from '../pipeline/model-file';
import { NETWORK_DEFAULTS, NEURAL_DEFAULTS, NEURAL_METHODS, type NeuralFitOptions } from '../pipeline/neural';
import { readReactions } from '../pipeline/reaction-file';
import type { Command } from './registry';

/** Read and bind the SBML model of --hybrid (before the data are read: its problems come first). */
function readHybrid(path: string, states: string[], controls: string[]): HybridSbml {
  return compileHybridSbml(readInputText(path, 'SBML'), path, { states, controls });
}

const options = {
  data: 'repeat',
  time: 'string',
  group: 'string',
  states: 'list',
  controls: 'list',
  train: 'list',
  test: 'list',
  out: 'string',
  seed: { kind: 'integer', min: 0 },
  epochs: { kind: 'integer', min: 1 },
  method: { kind: 'string', oneOf: NEURAL_METHODS },
  grad: { kind: 'string', oneOf: ['backprop', 'adjoint'] },
  hidden: 'list',
  reactions: 'string',
  hybrid: 'string',
  elasticity: 'string',
  saturation: 'string',
  kinetics: { kind: 'string', oneOf: ['mass-action', 'michaelis-menten'] },
  ensemble: { kind: 'integer', min: 1 },
  threads: { kind: 'integer', min: 1 },
  json: 'flag',
  quiet: 'flag',
} satisfies OptionSpec;

export const trainCommand: Command = {
  name: 'train',
  summary: 'fit a neural ODE on some strains and predict held-out ones (with the ML baseline)',
  usage:
    'kinetica train --data FILE [--data FILE2 ..] --time COL --group COL --states A,B,.. [--controls P,Q,..] --train G1,G2 --test G3 --out DIR [--seed N] [--epochs N] [--method NAME] [--grad backprop|adjoint] [--hidden N,N] [--ensemble N] [--threads N] [--reactions FILE [--elasticity learned|X] [--saturation learned|K|none] [--kinetics mass-action|michaelis-menten]] [--hybrid MODEL.xml] [--json] [--quiet]',
  options,
  optionHelp: {
    data: 'CSV/TSV table, one row per strain and time (wide layout); give it again to pool tables of other pathways (a state a table lacks is masked)',
    time: 'name of the time column',
    group: 'name of the strain/group column',
    states: 'comma-separated state columns (metabolites); quote names containing commas',
    controls: 'comma-separated control columns (protein levels); without it the model is autonomous',
    train: 'groups to fit on',
    test: 'held-out groups to predict and score',
    out: 'output folder, created or replaced when everything succeeded (files kinetica did not write are kept); not an existing file, not the current folder',
    seed: 'random seed, an integer ≥ 0 (default 0)',
    epochs: `training epochs, ≥ 1 (default ${NEURAL_DEFAULTS.epochs}; ${NETWORK_DEFAULTS.epochs} for the rate network of a built-in pathway network)`,
    method: `ODE solver for the neural ODE: rk4 (default, on the grid), ${NEURAL_METHODS.slice(1).join(', ')}`,
    grad: 'gradient: backprop (through the solver steps, default) or adjoint',
    hidden: `hidden layer widths (default ${NEURAL_DEFAULTS.hidden.join(',')}; ${NETWORK_DEFAULTS.hidden.join(',')} for the rate network of a built-in pathway network)`,
    ensemble: `members of the ensemble, trained from seeds seed, seed+1, ..: median prediction and 80% band (default ${NEURAL_DEFAULTS.ensemble})`,
    threads: `worker threads training the members and the cross-validation's fits at once (default: the number of cores, ${availableParallelism()} here; at most one per fit that can run at once); the files are the same with any number`,
    reactions:
      'reaction file: fit dx/dt = S·r with one learned rate per reaction, times its protein level (examples/limonene.reactions)',
    hybrid:
      'SBML model: train dx/dt = f_mech(x, u; θ) + f_NN(x, u), its parameters and a network correction together (docs/hybrid.md; examples/limonene.xml); state columns name species or assignment-rule sums, control columns name parameters',
    elasticity:
      "with --reactions: rate ∝ E^α; 'learned' (one α in (0,1) per reaction and enzyme, default) or a fixed α",
    saturation: `with --reactions: each enzyme factor (E/Ē)^α saturates at 1 + κ times its value at the mean level Ē; 'learned' (κ per reaction and enzyme, started at ${NETWORK_DEFAULTS.enzymeSaturationInit}; default), a fixed κ > 0, or 'none' (the pure power law)`,
    kinetics:
      'with --reactions: substrate factor of each rate, mass-action (x/level) or michaelis-menten (x/(x+K), K learned; default)',
    json: 'print metrics as one JSON line on stdout',
    quiet: 'no progress output',
  },
  async run(argv) {
    const { options: o } = parseArgs('train', argv, options);
    const method = methodOption('train', o, NEURAL_METHODS);
    const sel: TableSelection = {
      data: (() => {
        const files = required<string[]>('train', o, 'data');
        return files.length === 1 ? files[0]! : files;
      })(),
      time: required('train', o, 'time'),
      group: required('train', o, 'group'),
      states: required('train', o, 'states'),
      controls: (o.controls as string[] | undefined) ?? [],
      train: required('train', o, 'train'),
      test: required('train', o, 'test'),
    };
    const out: string = required('train', o, 'out');
    checkSelection('train', sel);
    const neural = neuralOptions(o);
    const reactionsFile = o.reactions as string | undefined;
    for (const name of ['elasticity', 'saturation', 'kinetics'])
      if (o[name] !== undefined && !reactionsFile)
        throw new CliError(`kinetica train: --${name} applies to the S·r_θ model; give --reactions FILE`);
    const kinetics = reactionsFile ? kineticOptions(o) : undefined;
    const hybridFile = o.hybrid as string | undefined;
    if (hybridFile !== undefined) {
      for (const name of ['reactions', 'ensemble', 'method', 'grad'])
        if (o[name] !== undefined)
          throw new CliError(
            `kinetica train: --${name} does not apply to --hybrid (one model, solved with ${HYBRID_SOLVER.method})`,
          );
    }
    const inputs = [sel.data, reactionsFile ?? [], hybridFile ?? []].flat();
    checkOutputPath('train', out, 'folder', inputs);
    const hybrid = hybridFile !== undefined ? readHybrid(hybridFile, sel.states, sel.controls) : undefined;
    const stoichiometry = reactionsFile
      ? { ...readReactions(reactionsFile, sel.states, sel.controls), ...kinetics }
      : undefined;
    const quiet = Boolean(o.quiet || o.json);
    const dataset = loadSelection(sel);
    info(
      quiet,
      `kinetica train: ${sel.train.length} training and ${sel.test.length} test groups, ${sel.states.length} states, ${sel.controls.length} controls`,
    );
    const bar = new Progress('training', !quiet);
    const seed = (o.seed as number | undefined) ?? 0;
    const run = await runHeldOutAsync(
      {
        dataset,
        states: sel.states,
        controls: sel.controls,
        train: sel.train,
        test: sel.test,
        seed,
        neural: { ...neural, method, ...(stoichiometry ? { stoichiometry } : {}) },
        ...(hybrid
          ? {
              fitModel: (train: GridTrajectory[], s: number, onProgress?: NeuralFitOptions['onProgress']) =>
                fitHybrid(hybrid, train, {
                  source: basename(hybridFile!),
                  seed: s,
                  ...(neural.epochs !== undefined ? { epochs: neural.epochs } : {}),
                  ...(neural.hidden ? { hidden: neural.hidden } : {}),
                  ...(onProgress ? { onProgress } : {}),
                }),
            }
          : {}),
        onProgress: (msg, f) => bar.update(f, msg),
      },
      memberThreads(o.threads as number | undefined),
    );
    bar.done();
    writeStaged(
      out,
      (stage) => {
        stage.write('model.json', modelJson(run, sel, seed, dataset));
        stage.write('metrics.json', metricsJson(run));
        stage.write('predictions.csv', predictionsCsv(run.results));
        const blocks: Parameters<typeof writeReport>[2] = [
          {
            kind: 'text',
            text: `Data: ${[sel.data]
              .flat()
              .map((f) => `\`${f}\``)
              .join(', ')}; trained on ${sel.train.join(', ')}; held out ${sel.test.join(', ')}.`,
          },
        ];
        blocks.push(...runBlocks(run.results, run.fit.lossHistory, sel.time, dataset.features, run.training));
        writeReport(stage, 'Kinetica: held-out strain prediction', blocks);
      },
      inputs,
    );
    const summary = Object.fromEntries(
      run.results.map((r) => [
        r.group,
        { overallNrmse: r.scores.overallNrmse, improvementPct: r.improvementPct },
      ]),
    );
    const threads = run.threads ?? 1;
    if (o.json)
      process.stdout.write(`${JSON.stringify({ out, test: summary, timing: run.timing, threads })}\n`);
    else if (!quiet) {
      for (const r of run.results) {
        info(
          false,
          `${r.group}: nRMSE ${r.scores.overallNrmse.toPrecision(4)} (baseline ${r.baselineScores.overallNrmse.toPrecision(4)}), improvement ${r.improvementPct.toFixed(2)}%`,
        );
      }
      info(
        false,
        `trained in ${run.timing.trainSeconds.toFixed(1)} s on ${threads} thread${threads === 1 ? '' : 's'}`,
      );
      info(false, `wrote ${out}/model.json, metrics.json, predictions.csv, report.html, report.md and plots`);
    }
    return ExitCode.ok;
  },
};

/** The network options of `train`, checked before any file is read. */
function neuralOptions(o: Record<string, unknown>): Omit<NeuralFitOptions, 'seed'> {
  const hidden = (o.hidden as string[] | undefined)?.map((w) => {
    const v = Number(w);
    if (!Number.isInteger(v) || v < 1)
      throw new CliError(`kinetica train: --hidden needs positive integer widths, got '${w}'`);
    return v;
  });
  const epochs = o.epochs as number | undefined;
  const ensemble = o.ensemble as number | undefined;
  return {
    ...(epochs !== undefined ? { epochs } : {}),
    ...(ensemble !== undefined ? { ensemble } : {}),
    ...(hidden ? { hidden } : {}),
    ...(o.grad !== undefined ? { grad: o.grad as string } : {}),
  };
}

/**
 * --elasticity, --saturation and --kinetics of the S·r_θ model (defaults: learned α, learned
 * saturation started at the network default, Michaelis–Menten substrates).
 */
function kineticOptions(o: Record<string, unknown>): {
  elasticity: number | 'learned';
  elasticityInit: number;
  enzymeSaturation?: number | 'learned';
  enzymeSaturationInit: number;
  michaelisMenten: boolean;
} {
  const e = (o.elasticity as string | undefined) ?? 'learned';
  const alpha = e === 'learned' ? e : Number(e);
  if (alpha !== 'learned' && !(e.trim() !== '' && alpha >= 0 && alpha <= 4))
    throw new CliError(`kinetica train: --elasticity must be 'learned' or a number in [0, 4], got '${e}'`);
  const k = (o.saturation as string | undefined) ?? NETWORK_DEFAULTS.enzymeSaturation;
  const kappa = k === 'learned' || k === 'none' ? k : Number(k);
  if (typeof kappa === 'number' && !(k.trim() !== '' && kappa > 0 && Number.isFinite(kappa)))
    throw new CliError(
      `kinetica train: --saturation must be 'learned', 'none' or a finite number > 0, got '${k}'`,
    );
  return {
    elasticity: alpha,
    elasticityInit: NETWORK_DEFAULTS.elasticityInit,
    ...(kappa !== 'none' ? { enzymeSaturation: kappa } : {}),
    enzymeSaturationInit: NETWORK_DEFAULTS.enzymeSaturationInit,
    michaelisMenten: o.kinetics !== 'mass-action',
  };
}
