import { methodOption, parseArgs, required } from '../io/args';
import { writeStaged } from '../io/atomic';
import { ExitCode } from '../io/errors';
import { info, Progress } from '../io/progress';
import { checkSelection, loadSelection, type TableSelection } from '../pipeline/data';
import { metricsJson, runHeldOut } from '../pipeline/heldout';
import { renderPanels } from '../plot/svg';
import { lossPanel, predictionsCsv, scoresTable, trajectoryPanels } from '../report/heldout';
import { writeReport } from '../report/document';
import { modelJson } from '../pipeline/model-file';
import { NEURAL_METHODS } from '../pipeline/neural';
import { readReactions } from '../pipeline/reactions';
import type { Command } from './registry';

const options = {
  data: 'string',
  time: 'string',
  group: 'string',
  states: 'list',
  controls: 'list',
  train: 'list',
  test: 'list',
  out: 'string',
  seed: 'integer',
  epochs: 'integer',
  method: 'string',
  grad: 'string',
  hidden: 'list',
  reactions: 'string',
  json: 'flag',
  quiet: 'flag',
} as const;

export const trainCommand: Command = {
  name: 'train',
  summary: 'fit a neural ODE on some strains and predict held-out ones (with the ML baseline)',
  usage:
    'kinetica train --data FILE --time COL --group COL --states A,B,.. --controls P,Q,.. --train G1,G2 --test G3 --out DIR [--seed N] [--epochs N] [--method NAME] [--reactions FILE]',
  options,
  optionHelp: {
    data: 'CSV/TSV table, one row per strain and time (wide layout)',
    time: 'name of the time column',
    group: 'name of the strain/group column',
    states: 'comma-separated state columns (metabolites); quote names containing commas',
    controls: 'comma-separated control columns (protein levels)',
    train: 'groups to fit on',
    test: 'held-out groups to predict and score',
    out: 'output folder (created; written only when everything succeeded)',
    seed: 'random seed (default 0)',
    epochs: 'training epochs (default 400)',
    method: `ODE solver for the neural ODE: rk4 (default, on the grid), ${NEURAL_METHODS.slice(1).join(', ')}`,
    grad: 'gradient: backprop (through the solver steps, default) or adjoint',
    hidden: 'hidden layer widths (default 64,64)',
    reactions:
      'reaction file: fit dx/dt = S·r with one learned rate per reaction, times its protein level (examples/limonene.reactions)',
    json: 'print metrics as one JSON line on stdout',
    quiet: 'no progress output',
  },
  async run(argv) {
    const { options: o } = parseArgs('train', argv, options);
    const method = methodOption('train', o, NEURAL_METHODS);
    const sel: TableSelection = {
      data: required('train', o, 'data'),
      time: required('train', o, 'time'),
      group: required('train', o, 'group'),
      states: required('train', o, 'states'),
      controls: required('train', o, 'controls'),
      train: required('train', o, 'train'),
      test: required('train', o, 'test'),
    };
    const out: string = required('train', o, 'out');
    checkSelection('train', sel);
    const reactionsFile = o.reactions as string | undefined;
    const stoichiometry = reactionsFile ? readReactions(reactionsFile, sel.states, sel.controls) : undefined;
    const quiet = Boolean(o.quiet || o.json);
    const dataset = loadSelection(sel);
    info(
      quiet,
      `kinetica train: ${sel.train.length} training and ${sel.test.length} test groups, ${sel.states.length} states, ${sel.controls.length} controls`,
    );
    const bar = new Progress('training', !quiet);
    const seed = (o.seed as number | undefined) ?? 0;
    const run = runHeldOut({
      dataset,
      states: sel.states,
      controls: sel.controls,
      train: sel.train,
      test: sel.test,
      seed,
      neural: {
        epochs: o.epochs as number | undefined,
        method,
        grad: o.grad as string | undefined,
        hidden: (o.hidden as string[] | undefined)?.map(Number),
        ...(stoichiometry ? { stoichiometry } : {}),
      },
      onProgress: (msg, f) => bar.update(f, msg),
    });
    bar.done();
    writeStaged(out, (stage) => {
      stage.write('model.json', modelJson(run, sel, seed, dataset));
      stage.write('metrics.json', metricsJson(run));
      stage.write('predictions.csv', predictionsCsv(run.results));
      const blocks: Parameters<typeof writeReport>[2] = [
        {
          kind: 'text',
          text: `Data: \`${sel.data}\`; trained on ${sel.train.join(', ')}; held out ${sel.test.join(', ')}.`,
        },
      ];
      for (const r of run.results) {
        blocks.push({ kind: 'heading', text: `Held-out group ${r.group}` });
        blocks.push({
          kind: 'text',
          text: `Overall nRMSE: neural ODE ${r.scores.overallNrmse.toPrecision(4)}, baseline ${r.baselineScores.overallNrmse.toPrecision(4)}; improvement ${r.improvementPct.toFixed(2)}%.`,
        });
        blocks.push({ kind: 'table', markdown: scoresTable(r) });
        blocks.push({
          kind: 'figure',
          file: `trajectories-${r.group.replace(/[^A-Za-z0-9_-]+/g, '_')}`,
          svg: renderPanels(trajectoryPanels(r, sel.time)),
          caption: `Observed (points), neural ODE (solid) and baseline (dashed) for ${r.group}`,
        });
      }
      blocks.push({
        kind: 'figure',
        file: 'training-loss',
        svg: renderPanels([lossPanel(run.fit.lossHistory)]),
        caption: 'Training loss per epoch',
      });
      writeReport(stage, 'Kinetica: held-out strain prediction', blocks);
    });
    const summary = Object.fromEntries(
      run.results.map((r) => [
        r.group,
        { overallNrmse: r.scores.overallNrmse, improvementPct: r.improvementPct },
      ]),
    );
    if (o.json) process.stdout.write(`${JSON.stringify({ out, test: summary, timing: run.timing })}\n`);
    else if (!quiet) {
      for (const r of run.results) {
        info(
          false,
          `${r.group}: nRMSE ${r.scores.overallNrmse.toPrecision(4)} (baseline ${r.baselineScores.overallNrmse.toPrecision(4)}), improvement ${r.improvementPct.toFixed(2)}%`,
        );
      }
      info(false, `wrote ${out}/model.json, metrics.json, predictions.csv, report.html, report.md and plots`);
    }
    return ExitCode.ok;
  },
};
