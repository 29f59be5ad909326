/**
 * Acceptance 2 (limonene): simulate the built-in limonene pathway model of @kinetica/stoichiometry
 * for synthetic strains (the reference enzyme time courses scaled per enzyme by seeded log-normal
 * factors), train a neural ODE on [x; u(t)] on some strains and predict held-out strains from their
 * initial state and enzyme courses. Prints nRMSE per state (RMSE / std over the training strains).
 *   npx tsx --conditions=source packages/autodiff-ode/bench/recovery-limonene.ts [--epochs N] [--strains N] [--hidden W] [--shooting L] [--production-degradation]
 */
import { limoneneEnzymes, limoneneModel, limoneneSpecies } from '@kinetica/stoichiometry';
import { solve } from '@kinetica/solvers-stiff';
import { createRng, trainNeuralODE } from '../src/index';

const args = process.argv.slice(2);
const arg = (k: string, d: number) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const epochs = arg('epochs', 400);
const nStrains = arg('strains', 10);
const nTest = 2;
const shoot = arg('shooting', 0);
const hidden = arg('hidden', 32);
const nonnegative = args.includes('--production-degradation') ? 'production-degradation' : 'none';
const model = limoneneModel();
const courses = [
  [4104.5, 6, 2052.25],
  [3967.0, 8, 1983.5],
  [17116.0, 10, 8558.0],
  [7309.5, 12, 3654.75],
  [339361.5, 14, 169680.75],
  [116540.0, 16, 58270.0],
  [9766.0, 18, 4883.0],
  [174631.5, 20, 87315.75],
  [39064.5, 22, 19532.25],
];
const times = Array.from({ length: 25 }, (_, i) => i * 3);
const rng = createRng(11);
const strains = Array.from({ length: nStrains }, () => {
  const scale = courses.map(() => Math.exp(0.3 * rng.normal()));
  const u = (t: number, out: Float64Array) => {
    courses.forEach(([kf, km, kl], k) => {
      out[k] = scale[k]! * ((kf! * t) / (km! + t) + kl!);
    });
  };
  const sol = solve(
    model.problem(
      new Array(10).fill(0.2).map((v, i) => (i === 9 ? 0 : v)),
      [0, 72],
      u,
    ),
    {
      method: 'radau5',
      rtol: 1e-8,
      atol: 1e-14,
      saveAt: times,
    },
  );
  if (sol.status !== 'success') throw new Error(`simulation failed: ${sol.message}`);
  const ctl = new Float64Array(9);
  // Enzyme levels enter the network in units of 10⁴ (they span 4·10³ … 5·10⁵).
  const controls = {
    times,
    values: times.map((t) => {
      u(t, ctl);
      return Array.from(ctl, (v) => v / 1e4);
    }),
  };
  return { times, states: sol.y.map((r) => Float64Array.from(r)), controls };
});
const train = strains.slice(0, nStrains - nTest);
const test = strains.slice(nStrains - nTest);
const t0 = performance.now();
const res = trainNeuralODE({
  trajectories: train,
  stateNames: [...limoneneSpecies],
  controlNames: [...limoneneEnzymes],
  hidden: [hidden, hidden],
  ...(shoot > 0 ? { shooting: { segmentLength: shoot, continuityWeight: 1 } } : {}),
  activation: 'tanh',
  nonnegative,
  method: 'rk4',
  substeps: 2,
  epochs,
  lr: 1e-2,
  schedule: { kind: 'cosine', minLr: 1e-4 },
  seed: 1,
  onProgress: (p) => {
    if (p.epoch % 50 === 0)
      console.log(`epoch ${p.epoch} loss ${p.loss.toExponential(3)} (${(p.elapsedMs / 1000).toFixed(0)} s)`);
  },
});
const trainSeconds = (performance.now() - t0) / 1000;
// Per-state scale: standard deviation of that state over the training strains.
const sd = limoneneSpecies.map((_, j) => {
  const v = train.flatMap((s) => s.states.map((r) => r[j]!));
  const mu = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length);
});
const report: Record<string, number> = {};
for (const [k, s] of test.entries()) {
  const pred = res.model.predict(s.states[0]!, s.controls, times, { method: 'rk4', substeps: 2 });
  const nr = limoneneSpecies.map((_, j) => {
    const rmse = Math.sqrt(s.states.reduce((a, r, i) => a + (pred[i]![j]! - r[j]!) ** 2, 0) / times.length);
    return sd[j]! > 0 ? rmse / sd[j]! : 0;
  });
  report[`strain${k}`] = nr.reduce((a, b) => a + b, 0) / nr.length;
  console.log(
    `held-out strain ${k}: nRMSE per state ${nr.map((x) => x.toFixed(3)).join(' ')}; mean ${report[`strain${k}`]!.toFixed(4)}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'recovery-limonene',
    epochs,
    hidden,
    shooting: shoot,
    trainStrains: train.length,
    trainSeconds,
    overallNrmse: report,
  }),
);
