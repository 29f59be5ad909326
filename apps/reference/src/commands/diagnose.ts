import { bindParameters, findSteadyStates, stiffnessProfile } from '@kinetica/diagnostics';
import { solve } from '@kinetica/solvers-stiff';
import { limoneneSpecies } from '@kinetica/stoichiometry';
import { parseArgs } from '../io/args';
import { OutputStage } from '../io/atomic';
import { CliError, ExitCode } from '../io/errors';
import { info } from '../io/progress';
import { limoneneField, TYPICAL_X0 } from '../pipeline/limonene-field';
import { renderPanels } from '../plot/svg';
import { writeReport } from '../report/document';
import type { Command } from './registry';

const options = { model: 'string', t1: 'number', out: 'string', json: 'flag' } as const;

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary: 'stiffness along a trajectory, a solver recommendation and steady states of the built-in model',
  usage: 'kinetica diagnose [--model limonene] [--t1 72] [--out DIR] [--json]',
  options,
  optionHelp: {
    model: "built-in model (default 'limonene')",
    t1: 'simulated hours (default 72)',
    out: 'folder for the report and the stiffness plot (SVG and PNG)',
    json: 'print the diagnosis as one JSON line on stdout',
  },
  async run(argv) {
    const { options: o } = parseArgs('diagnose', argv, options);
    const name = (o.model as string | undefined) ?? 'limonene';
    if (name !== 'limonene')
      throw new CliError(`kinetica diagnose: unknown built-in model '${name}' (models: limonene)`);
    const t1 = (o.t1 as number | undefined) ?? 72;
    const field = bindParameters(limoneneField());
    const saveAt = Array.from({ length: 61 }, (_, k) => (t1 * k) / 60);
    const sol = solve(
      { f: field.f, jac: field.jac, y0: TYPICAL_X0, tspan: [0, t1] },
      { method: 'rodas5', rtol: 1e-8, atol: 1e-12, saveAt },
    );
    if (sol.status !== 'success') {
      process.stderr.write(`error: limonene model: ${sol.message}\n`);
      return ExitCode.failure;
    }
    const profile = stiffnessProfile(field, sol);
    const steady = findSteadyStates(field, [sol], { nonnegative: true });
    const result = {
      model: name,
      recommendation: profile.recommendation,
      maxStiffnessRatio: Math.max(...profile.stiffnessRatio),
      steadyStates: steady.map((s) => ({
        stability: s.stability,
        residual: s.residual,
        x: Object.fromEntries(limoneneSpecies.map((sp, i) => [sp, s.x[i]!])),
      })),
    };
    if (o.out) {
      const stage = new OutputStage(o.out as string);
      try {
        writeReport(stage, `Kinetica diagnosis: ${name} pathway`, [
          {
            kind: 'text',
            text: `Recommended solver: **${profile.recommendation.method}**. ${profile.recommendation.reason}`,
          },
          {
            kind: 'figure',
            file: 'stiffness',
            svg: renderPanels([
              {
                title: 'Stiffness ratio along the trajectory',
                xLabel: 'hour',
                logY: true,
                series: [{ name: 'stiffness ratio', x: profile.t, y: profile.stiffnessRatio }],
              },
            ]),
            caption: 'Ratio of the fastest to the slowest decay rate of the Jacobian',
          },
        ]);
        stage.write('diagnosis.json', `${JSON.stringify(result, null, 2)}\n`);
        stage.commit();
      } catch (err) {
        stage.discard();
        throw err;
      }
    }
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      info(
        false,
        `stiffness ratio up to ${result.maxStiffnessRatio.toExponential(2)}; recommended method: ${profile.recommendation.method} (${profile.recommendation.reason})`,
      );
      info(
        false,
        `steady states found from the trajectory end: ${steady.length}${steady.map((s) => ` [${s.stability}]`).join('')}`,
      );
    }
    return ExitCode.ok;
  },
};
