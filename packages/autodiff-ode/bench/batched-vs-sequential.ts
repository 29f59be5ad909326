/**
 * B1's forward + backward (no Adam), the two trajectories solved one after the other versus
 * stacked in lockstep (BatchedNeuralField), CPU time per step, four alternating rounds.
 *   npx tsx --conditions=source packages/autodiff-ode/bench/batched-vs-sequential.ts
 */
import { BatchedNeuralField } from '../src/field/batched-field';
import { NeuralODE } from '../src/field/neural-ode';
import { FusedSolver } from '../src/integrate/fused-solver';
import { createRng } from '../src/random/rng';
import { b1Data } from '../src/benchmarks/train-step';
const node = new NeuralODE({ nStates: 6, nControls: 9, hidden: [64, 64] });
const p = node.initParams(createRng(0), 0.1);
const d = b1Data();
const singles = d.map((x) => new FusedSolver(node.field(x.controls), { method: 'rk4' }));
const batched = new FusedSolver(new BatchedNeuralField(d.map((x) => node.field(x.controls))), {
  method: 'rk4',
});
const dp = new Float64Array(p.length);
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const y0b = Float64Array.from([...d[0]!.states[0]!, ...d[1]!.states[0]!]);
const dL1 = new Float64Array(1200).fill(1e-3);
const dL2 = new Float64Array(2400).fill(1e-3);
const dy1 = new Float64Array(6);
const dy2 = new Float64Array(12);
for (let round = 0; round < 4; round++) {
  let a = cpu();
  for (let i = 0; i < 20; i++)
    for (const [k, s] of singles.entries()) {
      s.forward(p, d[k]!.states[0]!, d[k]!.times, true);
      s.backward(p, dL1, dp, dy1);
    }
  const ts = (cpu() - a) / 20;
  a = cpu();
  for (let i = 0; i < 20; i++) {
    batched.forward(p, y0b, d[0]!.times, true);
    batched.backward(p, dL2, dp, dy2);
  }
  const tb = (cpu() - a) / 20;
  console.log(`sequential ${ts.toFixed(1)} ms  batched ${tb.toFixed(1)} ms (cpu per step)`);
}
