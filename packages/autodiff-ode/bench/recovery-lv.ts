/**
 * Acceptance 2 (Lotka–Volterra) with a generic network: tanh MLP [32, 32] trained on six
 * trajectories, scored on two held-out initial conditions (nRMSE per state).
 *   npx tsx --conditions=source packages/autodiff-ode/bench/recovery-lv.ts [--epochs N]
 */
import { trainNeuralODE } from '../src/index';
import { lotkaVolterra, nrmse, lvTrainingSet } from '../test/lotka-volterra';

const i = process.argv.indexOf('--epochs');
const epochs = i >= 0 ? Number(process.argv[i + 1]) : 800;
const times = Array.from({ length: 41 }, (_, k) => k * 0.25);
const train = lvTrainingSet(times);
const t0 = performance.now();
const res = trainNeuralODE({
  trajectories: train,
  hidden: [32, 32],
  activation: 'tanh',
  method: 'rk4',
  epochs,
  lr: 2e-2,
  schedule: { kind: 'cosine', minLr: 1e-4 },
  seed: 1,
});
const trainSeconds = (performance.now() - t0) / 1000;
const out: Record<string, number[]> = {};
for (const ic of [
  [4.5, 2.2],
  [5.5, 3.5],
]) {
  out[ic.join(',')] = nrmse(res.model.predict(ic, undefined, times), lotkaVolterra(ic, times));
}
console.log(
  JSON.stringify({
    bench: 'recovery-lv',
    activation: 'tanh',
    hidden: [32, 32],
    epochs,
    trainSeconds,
    nrmse: out,
  }),
);
