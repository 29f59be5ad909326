import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { type OptionSpec, parseArgs, required } from '../io/args';
import { checkOutputPath } from '../io/atomic';
import { CliError, ExitCode } from '../io/errors';
import { info, Progress } from '../io/progress';
import { runLocal } from '../sweep/local';
import { checkReachable, parseQueueUrl, runQueued } from '../sweep/queue';
import { planResume, RESULTS_FILE, type ResultLine, ResultsLog } from '../sweep/results';
import { readSweepSpec } from '../sweep/spec';
import type { Command } from './registry';
import { trainCommand } from './train';

const options = {
  spec: 'string',
  out: 'string',
  workers: { kind: 'integer', min: 1 },
  queue: 'string',
  json: 'flag',
  quiet: 'flag',
} satisfies OptionSpec;

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'train once per point of a grid of options, locally on N threads or on a Redis queue',
  usage:
    'kinetica sweep --spec SPEC.json --out DIR [--workers N | --queue redis://HOST:PORT/NAME] [--json] [--quiet]',
  options,
  optionHelp: {
    spec: 'SPEC.json = {"command": "train", "args": {<train options without out>}, "grid": {"<option>": [values..]}}; the runs are the grid\'s Cartesian product; relative paths are taken from the spec\'s folder (SPEC.json may also be given without --spec)',
    out: "sweep folder: DIR/runs/<id>/ holds each run's train output, DIR/results.jsonl one line per finished run; a rerun skips the runs already there",
    workers: `local runs at a time, one thread each (default: the number of cores, ${availableParallelism()} here)`,
    queue:
      'put the runs on this Redis queue instead, for `kinetica worker --queue URL` processes on any machine; --out must then be a folder every worker reaches at the same path',
    json: 'print a summary as one JSON line on stdout',
    quiet: 'no progress output',
  },
  async run(argv) {
    const { options: o, positionals } = parseArgs('sweep', argv, options, 1);
    if (o.spec !== undefined && positionals[0] !== undefined)
      throw new CliError(`kinetica sweep: give the spec once (--spec ${o.spec} or ${positionals[0]})`);
    const specFile = (o.spec as string | undefined) ?? positionals[0];
    if (specFile === undefined) throw new CliError('kinetica sweep: missing required option --spec');
    const outArg = required<string>('sweep', o, 'out');
    if (o.queue !== undefined && o.workers !== undefined)
      throw new CliError(
        'kinetica sweep: --workers is for local sweeps; with --queue, start `kinetica worker` processes (--concurrency N)',
      );
    const target = o.queue !== undefined ? parseQueueUrl('sweep', o.queue as string) : undefined;
    const spec = readSweepSpec(specFile, trainCommand.options);
    checkOutputPath('sweep', outArg, 'folder', [specFile, ...spec.inputs]);
    const out = resolve(outArg);
    if (target) await checkReachable('sweep', target);

    const quiet = Boolean(o.quiet || o.json);
    const { keep, pending } = planResume(out, spec.runs);
    const log = new ResultsLog(out, keep);
    const total = spec.runs.length;
    const skipped = total - pending.length;
    const workers = Math.max(
      1,
      Math.min((o.workers as number | undefined) ?? availableParallelism(), pending.length),
    );
    const where = target
      ? `on the queue ${target.url} (start workers with: kinetica worker --queue ${target.url})`
      : `on ${workers} worker thread${workers === 1 ? '' : 's'}`;
    info(
      quiet,
      `kinetica sweep: ${total} runs${skipped ? `, ${skipped} done already` : ''}; ${pending.length ? `${pending.length} to run ${where}` : 'nothing to run'}`,
    );

    const progress = new RunProgress(quiet, total, skipped);
    let failed = 0;
    const onResult = (line: ResultLine) => {
      if (!log.append(line)) return;
      if (line.status === 'failed') failed++;
      progress.report(line);
    };
    if (pending.length > 0) {
      if (target) {
        const ids = new Set(spec.runs.map((r) => r.id));
        await runQueued(target, out, pending, ids, onResult, (m) => progress.note(`kinetica sweep: ${m}`));
      } else await runLocal(out, pending, workers, onResult);
    }
    progress.done();
    const summary = {
      out,
      results: `${out}/${RESULTS_FILE}`,
      runs: total,
      skipped,
      succeeded: total - skipped - failed,
      failed,
    };
    if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else if (pending.length > 0)
      info(
        quiet,
        `kinetica sweep: ${summary.succeeded} of ${pending.length} runs succeeded${failed ? `, ${failed} failed` : ''}; results in ${summary.results}`,
      );
    return failed > 0 ? ExitCode.failure : ExitCode.ok;
  },
};

/** A bar on a terminal, one line per finished run elsewhere (logs); failures always get a line. */
class RunProgress {
  private readonly start = Date.now();
  private readonly bar: Progress | undefined;
  private done_ = 0;

  constructor(
    private readonly quiet: boolean,
    private readonly total: number,
    private readonly skipped: number,
  ) {
    const tty = !quiet && Boolean(process.stderr.isTTY) && !process.env.CI;
    this.bar = tty ? new Progress('sweep') : undefined;
    this.bar?.update(skipped / total, `${skipped}/${total} runs`);
  }

  report(line: ResultLine): void {
    this.done_++;
    const n = this.skipped + this.done_;
    const elapsed = (Date.now() - this.start) / 1000;
    const left = this.total - n;
    const eta = left > 0 ? `, ETA ${Math.round((elapsed / this.done_) * left)} s` : '';
    const what =
      line.status === 'success'
        ? `done${line.seconds !== undefined ? ` in ${line.seconds.toFixed(1)} s` : ''}`
        : `failed: ${line.error}`;
    const text = `[${n}/${this.total}] ${line.id} ${what}${line.tries && line.tries > 1 ? ` (try ${line.tries})` : ''}`;
    if (!this.bar) info(this.quiet, line.status === 'success' ? `${text}${eta}` : text);
    else {
      if (line.status === 'failed') this.note(text);
      this.bar.update(n / this.total, `${n}/${this.total} runs`);
    }
  }

  /** A line that must not be drawn over by the bar. */
  note(text: string): void {
    if (this.quiet) return;
    process.stderr.write(this.bar ? `\r${' '.repeat(100)}\r${text}\n` : `${text}\n`);
  }

  done(): void {
    this.bar?.done();
  }
}
