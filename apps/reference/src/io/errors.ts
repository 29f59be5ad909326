/**
 * Errors the CLI reports as one line without a stack trace. Anything else that escapes a command
 * is a bug and is reported as "internal error" (still one line, exit code 70).
 */

/** Exit codes: 0 success, 1 a solve or training failed, 2 bad command line, 3 bad input data, 70 bug. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, input: 3, internal: 70 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A problem with an input file, rendered as `file:line:column: message` where known. */
export class InputError extends CliError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(InputError.format(message, file, line, column), ExitCode.input);
    this.name = 'InputError';
  }

  static format(message: string, file?: string, line?: number, column?: number): string {
    if (file === undefined) return message;
    let where = file;
    if (line !== undefined) where += `:${line}`;
    if (line !== undefined && column !== undefined) where += `:${column}`;
    return `${where}: ${message}`;
  }
}

/** Collapse any message to a single line, for terminal output. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
