import type { OptionSpec } from '../io/args';

/** One CLI command: its options, help text and implementation (returns the exit code). */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** One line per option, shown by --help. */
  optionHelp: Record<string, string>;
  run(argv: readonly string[]): Promise<number>;
}

export function helpText(c: Command): string {
  const lines = [`kinetica ${c.name}: ${c.summary}`, '', `usage: ${c.usage}`, '', 'options:'];
  const width = Math.max(...Object.keys(c.optionHelp).map((k) => k.length)) + 4;
  for (const [k, v] of Object.entries(c.optionHelp)) lines.push(`  --${k.padEnd(width)}${v}`);
  return `${lines.join('\n')}\n`;
}
