import { compareIntervention, type Intervention } from '@kinetica/diagnostics';
import { limoneneEnzymes, limoneneSpecies } from '@kinetica/stoichiometry';
import { parseArgs, required } from '../io/args';
import { CliError, ExitCode } from '../io/errors';
import { info } from '../io/progress';
import { limoneneField, TYPICAL_X0 } from '../pipeline/limonene-field';
import type { Command } from './registry';

const options = { enzyme: 'string', factor: 'number', t1: 'number', method: 'string', json: 'flag' } as const;

export const knockoutCommand: Command = {
  name: 'knockout',
  summary:
    'knock out (or scale) an enzyme of the built-in limonene model and compare with the unperturbed strain',
  usage: 'kinetica knockout --enzyme NAME [--factor 0] [--t1 72] [--json]',
  options,
  optionHelp: {
    enzyme: `enzyme to perturb: ${limoneneEnzymes.join(', ')}`,
    factor: 'scale factor of its level: 0 knocks it out (default), 2 doubles it',
    t1: 'simulated hours (default 72)',
    method: 'solver method (default rodas5)',
    json: 'print the comparison as one JSON line on stdout',
  },
  async run(argv) {
    const { options: o } = parseArgs('knockout', argv, options);
    const enzyme: string = required('knockout', o, 'enzyme');
    const index = (limoneneEnzymes as readonly string[]).indexOf(enzyme);
    if (index < 0)
      throw new CliError(
        `kinetica knockout: unknown enzyme '${enzyme}' (enzymes: ${limoneneEnzymes.join(', ')})`,
      );
    const factor = (o.factor as number | undefined) ?? 0;
    if (!(factor >= 0)) throw new CliError('kinetica knockout: --factor must be ≥ 0');
    const t1 = (o.t1 as number | undefined) ?? 72;
    const intervention: Intervention =
      factor === 0 ? { kind: 'knockout', index } : { kind: 'scale', index, factor };
    const cmp = compareIntervention(limoneneField(), [intervention], {
      y0: TYPICAL_X0,
      tspan: [0, t1],
      method: (o.method as string | undefined) ?? 'rodas5',
    });
    if (cmp.status !== 'success') {
      process.stderr.write(`error: ${cmp.message}\n`);
      return ExitCode.failure;
    }
    const rows = limoneneSpecies.map((s, i) => ({
      species: s,
      baseline: cmp.final.baseline[i]!,
      perturbed: cmp.final.perturbed[i]!,
      change: cmp.final.change[i]!,
      relativeChange: cmp.final.relativeChange[i]!,
    }));
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ enzyme, factor, t1, final: rows })}\n`);
    } else {
      info(false, `${enzyme} × ${factor} in the limonene pathway model, state at t = ${t1} h:`);
      info(
        false,
        `${'species'.padEnd(16)}${'unperturbed'.padStart(14)}${'perturbed'.padStart(14)}${'change %'.padStart(12)}`,
      );
      for (const r of rows) {
        const pct = Number.isFinite(r.relativeChange) ? (100 * r.relativeChange).toFixed(1) : 'n/a';
        info(
          false,
          `${r.species.padEnd(16)}${r.baseline.toPrecision(5).padStart(14)}${r.perturbed.toPrecision(5).padStart(14)}${pct.padStart(12)}`,
        );
      }
    }
    return ExitCode.ok;
  },
};
