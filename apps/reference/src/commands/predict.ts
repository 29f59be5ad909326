import { inputFiles, parseArgs, required } from '../io/args';
import { checkOutputPath, writeStaged } from '../io/atomic';
import { ExitCode } from '../io/errors';
import { info } from '../io/progress';
import { checkSelection, loadSelection } from '../pipeline/data';
import { evaluateHeldOut, metricsJson } from '../pipeline/heldout';
import { loadModelFile } from '../pipeline/model-file';
import { predictionsCsv } from '../report/heldout';
import type { Command } from './registry';

const options = { model: 'string', data: 'string', test: 'list', out: 'string', json: 'flag' } as const;

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predict groups with a saved model.json (re-creates predictions.csv and metrics.json)',
  usage: 'kinetica predict --model DIR/model.json --data FILE --out DIR [--test G3,..] [--json]',
  options,
  optionHelp: {
    model: 'model.json written by kinetica train',
    data: 'the table to read initial states, controls and observations from',
    test: "groups to predict (default: the model file's test groups)",
    out: 'output folder for predictions.csv and metrics.json',
    json: 'print a one-line JSON summary on stdout',
  },
  async run(argv) {
    const { options: o } = parseArgs('predict', argv, options);
    const out: string = required('predict', o, 'out');
    const inputs = inputFiles(o, 'model', 'data');
    checkOutputPath('predict', out, 'folder', inputs);
    const { model, fit, grid } = loadModelFile(required('predict', o, 'model'));
    const test = (o.test as string[] | undefined) ?? model.test;
    const sel = {
      data: required<string>('predict', o, 'data'),
      time: model.time,
      group: model.group,
      states: model.states,
      controls: model.controls,
      train: model.train,
      test,
    };
    checkSelection('predict', sel);
    const dataset = loadSelection(sel);
    const run = evaluateHeldOut(
      { dataset, states: sel.states, controls: sel.controls, train: sel.train, test, seed: model.seed },
      fit,
      grid,
      model.trainScale,
    );
    writeStaged(
      out,
      (stage) => {
        stage.write('predictions.csv', predictionsCsv(run.results));
        stage.write('metrics.json', metricsJson(run));
      },
      inputs,
    );
    if (o.json) process.stdout.write(`${JSON.stringify({ out, groups: test })}\n`);
    else info(false, `wrote ${out}/predictions.csv and metrics.json for ${test.join(', ')}`);
    return ExitCode.ok;
  },
};
