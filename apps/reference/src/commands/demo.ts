import { availableParallelism } from 'node:os';
import { datasetToWideCsv } from '@kinetica/omics-io';
import { methodOption, type OptionSpec, parseArgs } from '../io/args';
import { checkOutputPath, writeStaged } from '../io/atomic';
import { ExitCode } from '../io/errors';
import { info, Progress } from '../io/progress';
import { metricsJson, runHeldOutAsync } from '../pipeline/heldout';
import {
  LIMONENE_CONTROLS,
  LIMONENE_STATES,
  simulateLimoneneStrains,
  STUDY_HOURS,
} from '../pipeline/limonene-strains';
import { memberThreads } from '../pipeline/member-pool';
import { modelJson } from '../pipeline/model-file';
import { NEURAL_METHODS } from '../pipeline/neural';
import { type Block, writeReport } from '../report/document';
import { predictionsCsv, runBlocks } from '../report/heldout';
import type { Command } from './registry';

const options = {
  out: 'string',
  seed: { kind: 'integer', min: 0 },
  strains: { kind: 'integer', min: 2 },
  test: { kind: 'integer', min: 1 },
  epochs: { kind: 'integer', min: 1 },
  method: { kind: 'string', oneOf: NEURAL_METHODS },
  threads: { kind: 'integer', min: 1 },
  quick: 'flag',
  json: 'flag',
  quiet: 'flag',
} satisfies OptionSpec;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'simulate limonene strains, train a neural ODE, predict held-out strains, write a report',
  usage:
    'kinetica demo [--out DIR] [--seed N] [--strains N] [--test N] [--epochs N] [--method NAME] [--threads N] [--quick] [--json] [--quiet]',
  options,
  optionHelp: {
    out: 'report folder (default kinetica-demo)',
    seed: 'random seed for strains, noise and training (default 1)',
    strains: 'number of simulated strains (default 12)',
    test: 'how many of them are held out (default 2)',
    epochs: 'training epochs (default 800; 40 with --quick)',
    method: 'ODE solver of the neural ODE (default rk4 on the grid)',
    threads: `worker threads training the members and the cross-validation's fits at once (default: the number of cores, ${availableParallelism()} here); the files are the same with any number`,
    quick: 'a reduced run (fewer strains and epochs), as CI uses',
    json: 'print a one-line JSON summary on stdout',
    quiet: 'no progress output',
  },
  async run(argv) {
    const { options: o } = parseArgs('demo', argv, options);
    const method = methodOption('demo', o, NEURAL_METHODS);
    const quick = Boolean(o.quick);
    const out = (o.out as string | undefined) ?? 'kinetica-demo';
    checkOutputPath('demo', out, 'folder');
    const seed = (o.seed as number | undefined) ?? 1;
    const nStrains = (o.strains as number | undefined) ?? (quick ? 5 : 12);
    const nTest = (o.test as number | undefined) ?? (quick ? 1 : 2);
    const epochs = (o.epochs as number | undefined) ?? (quick ? 40 : 800);
    if (nStrains < 2 || nTest < 1 || nTest >= nStrains) {
      throw new RangeError(
        `kinetica demo: need at least one training and one test strain (--strains ${nStrains}, --test ${nTest})`,
      );
    }
    const quiet = Boolean(o.quiet || o.json);
    info(
      quiet,
      `kinetica demo: simulating ${nStrains} strains of the limonene pathway (Costello & Martin 2018 model)`,
    );
    const dataset = simulateLimoneneStrains({ strains: nStrains, seed });
    const names = dataset.groups.map((g) => g.name);
    const train = names.slice(0, nStrains - nTest);
    const test = names.slice(nStrains - nTest);
    info(quiet, `training a neural ODE on ${train.join(', ')}; predicting ${test.join(', ')}`);
    const bar = new Progress('training', !quiet);
    const run = await runHeldOutAsync(
      {
        dataset,
        states: LIMONENE_STATES,
        controls: LIMONENE_CONTROLS,
        train,
        test,
        seed,
        neural: { epochs, method },
        onProgress: (msg, f) => bar.update(f, msg),
      },
      memberThreads(o.threads as number | undefined),
    );
    bar.done();
    writeStaged(out, (stage) => {
      stage.write('metrics.json', metricsJson(run));
      stage.write('predictions.csv', predictionsCsv(run.results));
      // The simulated table and the model, so that predict, diagnose and knockout can follow on.
      stage.write('data.csv', datasetToWideCsv(dataset));
      stage.write(
        'model.json',
        modelJson(
          run,
          {
            data: 'data.csv',
            time: dataset.timeColumn,
            group: dataset.groupColumn ?? 'Strain',
            states: LIMONENE_STATES,
            controls: LIMONENE_CONTROLS,
            train,
            test,
          },
          seed,
          dataset,
        ),
      );
      const blocks: Block[] = [
        {
          kind: 'text',
          text:
            `${nStrains} engineered strains were simulated with the built-in mevalonate/limonene pathway model ` +
            `(Costello & Martin 2018): random enzyme time courses, ${STUDY_HOURS.length} sampling times over 72 h as in the ` +
            `published study, 5% multiplicative measurement noise. A neural ODE dx/dt = f(x, u(t)) was trained on ` +
            `${train.join(', ')} and predicts ${test.join(', ')} from their initial metabolite levels and enzyme time courses alone. ` +
            'The baselines are the Costello & Martin panel (random forest, extra trees, gradient boosting and a TPOT-like ' +
            'linear pipeline on smoothed derivatives, integrated adaptively); the comparison is with the strongest of them. ' +
            'The prediction is the median of an ensemble, with an 80% band.',
        },
        {
          kind: 'text',
          text: `Training took ${run.timing.trainSeconds.toFixed(1)} s; inference ${run.timing.inferenceMsPerTrajectory.toFixed(2)} ms per trajectory (baseline ${run.timing.baselineInferenceMsPerTrajectory.toFixed(2)} ms).`,
        },
      ];
      blocks.push(...runBlocks(run.results, run.fit.lossHistory, 'hour', [], run.training));
      writeReport(stage, 'Kinetica demo: predicting unseen limonene strains', blocks);
    });
    const summary = Object.fromEntries(
      run.results.map((r) => [
        r.group,
        {
          overallNrmse: r.scores.overallNrmse,
          baselineOverallNrmse: r.baselineScores.overallNrmse,
          improvementPct: r.improvementPct,
        },
      ]),
    );
    const threads = run.threads ?? 1;
    if (o.json)
      process.stdout.write(`${JSON.stringify({ out, test: summary, timing: run.timing, threads })}\n`);
    else {
      for (const r of run.results) {
        info(
          false,
          `${r.group}: nRMSE ${r.scores.overallNrmse.toPrecision(3)} vs the strongest baseline (${r.baselineName ?? 'none succeeded'}) ${r.baselineScores.overallNrmse.toPrecision(3)}: improvement ${r.improvementPct.toFixed(1)}%${r.coverage ? `; 80% band covers ${(100 * r.coverage.coverage).toFixed(0)}% of the measured points` : ''}`,
        );
      }
      info(
        false,
        `trained in ${run.timing.trainSeconds.toFixed(1)} s on ${threads} thread${threads === 1 ? '' : 's'}`,
      );
      info(false, `report: ${out}/report.html (and report.md, plots as SVG and PNG)`);
    }
    return run.results.length > 0 ? ExitCode.ok : ExitCode.failure;
  },
};
