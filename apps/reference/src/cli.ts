import { benchCommand } from './commands/bench';
import { demoCommand } from './commands/demo';
import { diagnoseCommand } from './commands/diagnose';
import { fitCommand } from './commands/fit';
import { knockoutCommand } from './commands/knockout';
import { predictCommand } from './commands/predict';
import { type Command, helpText } from './commands/registry';
import { screenCommand } from './commands/screen';
import { simulateCommand } from './commands/simulate';
import { sweepCommand } from './commands/sweep';
import { trainCommand } from './commands/train';
import { workerCommand } from './commands/worker';
import { CliError, ExitCode, oneLine } from './io/errors';

const commands: Command[] = [
  demoCommand,
  trainCommand,
  predictCommand,
  simulateCommand,
  fitCommand,
  diagnoseCommand,
  knockoutCommand,
  screenCommand,
  benchCommand,
  sweepCommand,
  workerCommand,
];

function mainHelp(): string {
  const w = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'kinetica: learn cell dynamics from omics time series with neural ODEs',
    '',
    'usage: kinetica <command> [options]     (kinetica <command> --help for details)',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    '',
    'exit codes: 0 success, 1 a solve or training failed, 2 bad command line, 3 bad input data',
    '',
  ].join('\n');
}

/** Run the CLI; resolves to the process exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(
      `kinetica: unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')})\n`,
    );
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(command));
    return ExitCode.ok;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`error: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    const typed = err as { name?: string; message?: string; file?: string; line?: number };
    if (typed && (typed.name === 'OmicsIOError' || typed.name === 'SbmlUnsupportedError')) {
      process.stderr.write(`error: ${oneLine(String(typed.message))}\n`);
      return ExitCode.input;
    }
    if (err instanceof TypeError || err instanceof RangeError) {
      process.stderr.write(`error: ${oneLine(err.message)}\n`);
      return ExitCode.input;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`internal error: ${oneLine(msg)} (set KINETICA_DEBUG=1 for a stack trace)\n`);
    if (process.env.KINETICA_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return ExitCode.internal;
  }
}

const isEntry = typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module;
if (isEntry || process.env.KINETICA_CLI_ENTRY === '1') {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // One more turn of the event loop, so that a signal that arrived during a synchronous
      // write (see io/atomic.ts) is handled before the process ends.
      setImmediate(() => {});
    },
    () => {
      process.exitCode = ExitCode.internal;
    },
  );
}
