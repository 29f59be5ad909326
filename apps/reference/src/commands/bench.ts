import { runTrainStepBenchmark } from '@kinetica/autodiff-ode';
import { parseArgs } from '../io/args';
import { CliError, ExitCode } from '../io/errors';
import type { Command } from './registry';

const options = {
  method: 'string',
  grad: 'string',
  steps: 'integer',
  warmup: 'integer',
  json: 'flag',
} as const;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmarks; train-step: one neural-ODE training step (benchmark B1 of API.md)',
  usage: 'kinetica bench train-step --method rk4|dopri5 --grad backprop|adjoint --steps N [--json]',
  options,
  optionHelp: {
    method: 'rk4 (199 fixed steps on the grid) or dopri5 (rtol 1e-6, atol 1e-8)',
    grad: 'backprop (through the solver steps) or adjoint',
    steps: 'timed training steps (default 20)',
    warmup: 'untimed steps before timing (default 3)',
    json: 'end the output with the contract JSON line',
  },
  async run(argv) {
    const { options: o, positionals } = parseArgs('bench', argv, options);
    const which = positionals[0];
    if (which !== 'train-step')
      throw new CliError(`kinetica bench: unknown benchmark '${which ?? ''}' (benchmarks: train-step)`);
    const method = (o.method as string | undefined) ?? 'rk4';
    const grad = (o.grad as string | undefined) ?? 'backprop';
    if (method !== 'rk4' && method !== 'dopri5')
      throw new CliError(`kinetica bench: --method must be rk4 or dopri5, got '${method}'`);
    if (grad !== 'backprop' && grad !== 'adjoint')
      throw new CliError(`kinetica bench: --grad must be backprop or adjoint, got '${grad}'`);
    const steps = (o.steps as number | undefined) ?? 20;
    if (steps < 1) throw new CliError('kinetica bench: --steps must be at least 1');
    const r = runTrainStepBenchmark({ method, grad, steps, warmup: o.warmup as number | undefined });
    const line = JSON.stringify({
      ms_per_step: r.ms_per_step,
      nfe_per_step: r.nfe_per_step,
      method: r.method,
      grad: r.grad,
    });
    if (!o.json)
      process.stdout.write(
        `B1 train step (${method}, ${grad}): ${r.ms_per_step.toFixed(3)} ms/step, ${r.nfe_per_step} forward f evaluations/step\n`,
      );
    process.stdout.write(`${line}\n`);
    return ExitCode.ok;
  },
};
