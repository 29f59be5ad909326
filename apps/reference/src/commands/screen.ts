import { availableParallelism } from 'node:os';
import { inputFiles, parseArgs, required } from '../io/args';
import { checkOutputPath, writeStaged } from '../io/atomic';
import { ExitCode } from '../io/errors';
import { info, Progress } from '../io/progress';
import { readModelFile } from '../pipeline/model-file';
import { readDesigns } from '../screen/designs';
import { evaluateDesigns, evaluateOnWorkers, prepareScreen, type ScreenSetup } from '../screen/evaluate';
import type { Command } from './registry';

const options = {
  model: 'string',
  designs: 'string',
  data: 'string',
  base: 'string',
  target: 'string',
  out: 'string',
  at: 'number',
  workers: { kind: 'integer', min: 1 },
  json: 'flag',
  quiet: 'flag',
} as const;

/** Designs per worker thread below which threads cost more than they save. */
const DESIGNS_PER_WORKER = 100;

export const screenCommand: Command = {
  name: 'screen',
  summary:
    "predict many designs (factors on a base strain's enzyme courses) with a trained model and rank them by a target state, with each design's out-of-distribution distance",
  usage:
    'kinetica screen --model model.json --designs DESIGNS.csv --data DATA.csv --base GROUP --target STATE --out DIR [--at T] [--workers N] [--json] [--quiet]',
  options,
  optionHelp: {
    model: 'model.json written by kinetica train (or demo)',
    designs:
      "CSV design,<control>,…: one design per row, each factor multiplies the base strain's course of that control (a missing column or empty cell: 1)",
    data: "the table holding the base strain's initial state and control courses",
    base: 'the strain (group) whose controls the designs scale, and whose initial state they start from',
    target: 'the state to rank by (highest first)',
    out: 'output folder for ranking.csv (design,predicted,ood,inRange)',
    at: "the time at which the target is read (default: the model grid's last time)",
    workers: `threads predicting designs, this one included (default: the number of cores, ${availableParallelism()} here, at most one per ${DESIGNS_PER_WORKER} designs)`,
    json: 'print a one-line JSON summary on stdout',
    quiet: 'no progress lines on stderr',
  },
  async run(argv) {
    const { options: o } = parseArgs('screen', argv, options);
    const out: string = required('screen', o, 'out');
    const setup: ScreenSetup = {
      modelPath: required('screen', o, 'model'),
      data: required('screen', o, 'data'),
      base: required('screen', o, 'base'),
      target: required('screen', o, 'target'),
      ...(o.at !== undefined ? { at: o.at as number } : {}),
    };
    const designsPath: string = required('screen', o, 'designs');
    const inputs = inputFiles(o, 'model', 'designs', 'data');
    checkOutputPath('screen', out, 'folder', inputs);
    const quiet = o.quiet === true || o.json === true;
    // The designs are checked against the model's controls before the table is read.
    const designs = readDesigns(designsPath, readModelFile(setup.modelPath).controls);
    const ctx = prepareScreen(setup);
    const n = designs.names.length;
    const workers = Math.max(
      1,
      Math.min(
        (o.workers as number | undefined) ?? availableParallelism(),
        Math.ceil(n / DESIGNS_PER_WORKER),
      ),
    );
    const progress = new Progress('screen', !quiet);
    const started = performance.now();
    let predicted: Float64Array;
    let ood: Float64Array;
    if (workers === 1) {
      predicted = new Float64Array(n);
      ood = new Float64Array(n);
      evaluateDesigns(ctx, designs.factors, 0, n, predicted, ood, (done) => progress.update(done / n));
    } else {
      ({ predicted, ood } = await evaluateOnWorkers(import.meta.url, setup, ctx, designs, workers, (done) =>
        progress.update(done / n),
      ));
    }
    const seconds = (performance.now() - started) / 1000;
    progress.done();
    const threshold = ctx.ood.threshold;
    // Highest predicted first; a design whose solve failed last; ties keep the file's order.
    const order = Array.from({ length: n }, (_, d) => d).sort((a, b) => {
      const pa = predicted[a]!;
      const pb = predicted[b]!;
      if (Number.isNaN(pa) || Number.isNaN(pb)) return Number.isNaN(pa) ? (Number.isNaN(pb) ? 0 : 1) : -1;
      return pb - pa;
    });
    const failed = order.filter((d) => Number.isNaN(predicted[d]!)).length;
    const lines = ['design,predicted,ood,inRange'];
    for (const d of order) {
      const p = predicted[d]!;
      const dist = ood[d]!;
      lines.push(
        `${csvCell(designs.names[d]!)},${Number.isNaN(p) ? '' : p},${Number.isNaN(dist) ? '' : dist},${dist <= threshold}`,
      );
    }
    writeStaged(out, (stage) => stage.write('ranking.csv', `${lines.join('\n')}\n`), inputs);
    const perSecond = n / Math.max(seconds, 1e-9);
    const inRange = order.filter((d) => ood[d]! <= threshold).length;
    const summary = {
      out,
      designs: n,
      failed,
      inRange,
      distanceThreshold: threshold,
      target: setup.target,
      at: ctx.at,
      best: n > failed ? designs.names[order[0]!] : null,
      workers,
      /** Whether the designs went through the batched predictor (`DesignPredictor`'s fused path). */
      batched: ctx.batch?.fused === true,
      seconds,
      designsPerSecond: perSecond,
    };
    if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      info(
        quiet,
        `kinetica screen: ${n} designs of ${setup.base} in ${seconds.toFixed(2)} s (${perSecond.toFixed(0)} designs/s on ${workers} thread${workers === 1 ? '' : 's'})`,
      );
      info(
        quiet,
        `${inRange} of ${n} within the training distribution (OOD distance ≤ ${threshold.toPrecision(4)}); ${failed} failed`,
      );
      info(quiet, `wrote ${out}/ranking.csv`);
    }
    return failed === n ? ExitCode.failure : ExitCode.ok;
  },
};

/** A CSV cell, quoted when it holds a comma, a quote or a line break. */
function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
