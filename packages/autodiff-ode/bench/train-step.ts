/**
 * Benchmark B1 (../../shared/API.md): one neural-ODE training step, all four method/grad pairs.
 *   npx tsx --conditions=source packages/autodiff-ode/bench/train-step.ts [--method rk4] [--grad backprop] [--steps N] [--json]
 * Without --method/--grad it runs all four and the TensorFlow.js path (rk4 + backprop).
 */
import { runTrainStepBenchmark } from '../src/benchmarks/train-step';
import { runTfjsTrainStep } from './tfjs-train-step';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const steps = Number(arg('steps') ?? 20);
const method = arg('method');
const grad = arg('grad');
if (method || grad) {
  const r = runTrainStepBenchmark({
    method: (method ?? 'rk4') as 'rk4',
    grad: (grad ?? 'backprop') as 'backprop',
    steps,
  });
  console.log(JSON.stringify(r));
} else {
  for (const m of ['rk4', 'dopri5'] as const) {
    for (const gr of ['backprop', 'adjoint'] as const) {
      console.log(
        JSON.stringify(
          runTrainStepBenchmark({
            method: m,
            grad: gr,
            steps: m === 'rk4' ? steps : Math.max(3, steps >> 2),
          }),
        ),
      );
    }
  }
  console.log(JSON.stringify(runTfjsTrainStep(Number(arg('tfjs-steps') ?? 2))));
}
