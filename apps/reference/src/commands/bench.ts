import { runTrainStepBenchmark } from '@kinetica/autodiff-ode';
import { methodOption, type OptionSpec, parseArgs } from '../io/args';
import { CliError, ExitCode } from '../io/errors';
import type { Command } from './registry';

/** Methods of the train-step benchmark. */
const BENCH_METHODS = ['rk4', 'dopri5'] as const;

const options = {
  method: { kind: 'string', oneOf: BENCH_METHODS },
  grad: { kind: 'string', oneOf: ['backprop', 'adjoint'] },
  steps: { kind: 'integer', min: 1 },
  warmup: { kind: 'integer', min: 0 },
  json: 'flag',
} satisfies OptionSpec;

export const benchCommand: Command = {
  name: 'bench',
  summary:
    'benchmarks; train-step: time one training step of a neural ODE (6 states, 9 controls, 64-64 tanh network, 2 trajectories of 200 points)',
  usage:
    'kinetica bench train-step [--method rk4|dopri5] [--grad backprop|adjoint] [--steps N] [--warmup N] [--json]',
  options,
  optionHelp: {
    method: 'rk4 (199 fixed steps on the grid, default) or dopri5 (rtol 1e-6, atol 1e-8)',
    grad: 'backprop (through the solver steps, default) or adjoint',
    steps: 'timed training steps (default 20)',
    warmup: 'untimed steps before timing (default 3)',
    json: 'print only the JSON line (ms_per_step, nfe_per_step, method, grad)',
  },
  async run(argv) {
    const { options: o, positionals } = parseArgs('bench', argv, options, 1);
    const which = positionals[0];
    if (which !== 'train-step')
      throw new CliError(`kinetica bench: unknown benchmark '${which ?? ''}' (benchmarks: train-step)`);
    const method = methodOption('bench', o, BENCH_METHODS) ?? 'rk4';
    const grad = (o.grad as 'backprop' | 'adjoint' | undefined) ?? 'backprop';
    const steps = (o.steps as number | undefined) ?? 20;
    const r = runTrainStepBenchmark({ method, grad, steps, warmup: o.warmup as number | undefined });
    const line = JSON.stringify({
      ms_per_step: r.ms_per_step,
      nfe_per_step: r.nfe_per_step,
      method: r.method,
      grad: r.grad,
    });
    if (!o.json)
      process.stdout.write(
        `train step (${method}, ${grad}): ${r.ms_per_step.toFixed(3)} ms/step, ${r.nfe_per_step} forward f evaluations/step\n`,
      );
    process.stdout.write(`${line}\n`);
    return ExitCode.ok;
  },
};
