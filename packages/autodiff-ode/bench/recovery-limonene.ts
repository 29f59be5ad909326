/**
 * Acceptance 2 (limonene): simulate the built-in limonene pathway model of @kinetica/stoichiometry
 * for synthetic strains (the reference enzyme time courses scaled per enzyme by seeded log-normal
 * factors), train on some strains and predict the last two from their initial state and enzyme
 * courses. Prints nRMSE per state (RMSE / std over the training strains).
 *   --model stoichiometric (default): dx/dt = S·r with the pathway's S, r_j = rateScale_j ·
 *     softplus(net_j(x̃)) · u_enzyme(j)(t)/enzymeScale · Π substrates x_i/level_i (massAction);
 *     trained with rodas5 (100 Adam epochs, then 40 L-BFGS iterations)
 *   --model mlp: a plain MLP on [x̃; ũ(t)], rk4 with 2 substeps, lockstep batches, 400 epochs
 *   npx tsx --conditions=source packages/autodiff-ode/bench/recovery-limonene.ts [--model stoichiometric|mlp]
 *     [--epochs N] [--refine N] [--strains N] [--hidden W] [--data-seed N] [--seed N] [--spread S]
 *     [--lr LR] [--method rodas5|rk4|…] [--substeps N] [--rtol R] [--atol A] [--no-mass-action]
 *     [--network-controls] [--shooting L] [--production-degradation] [--log-every N]
 */
import { limoneneEnzymes, limoneneModel, limoneneSpecies } from '@kinetica/stoichiometry';
import type { SolverMethod } from '../src/integrate/forward-solve';
import { trainNeuralODE } from '../src/index';
import { limoneneReactionEnzymes, limoneneStrains, strainNrmse, trainingStd } from '../test/limonene-strains';

const args = process.argv.slice(2);
const arg = (k: string, d: number) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const modelIdx = args.indexOf('--model');
const kind = modelIdx >= 0 ? args[modelIdx + 1]! : 'stoichiometric';
if (kind !== 'stoichiometric' && kind !== 'mlp')
  throw new Error(`--model must be stoichiometric or mlp, got ${kind}`);
const stoich = kind === 'stoichiometric';
// Defaults: the stoichiometric model trains with the stiff rodas5 (the pathway relaxes within
// minutes, the data are 3 h apart), one trajectory at a time, then L-BFGS; the MLP as before.
const epochs = arg('epochs', stoich ? 100 : 400);
const nStrains = arg('strains', 10);
const nTest = 2;
const shoot = arg('shooting', 0);
const hidden = arg('hidden', 32);
const dataSeed = arg('data-seed', 11);
const seed = arg('seed', 1);
const spread = arg('spread', 0.3);
const lr = arg('lr', 1e-2);
const networkControls = args.includes('--network-controls');
const massAction = stoich && !args.includes('--no-mass-action');
const refine = arg('refine', stoich ? 40 : 0);
const methodIdx = args.indexOf('--method');
const method = (methodIdx >= 0 ? args[methodIdx + 1]! : stoich ? 'rodas5' : 'rk4') as SolverMethod;
const rtol = arg('rtol', 1e-5);
const atol = arg('atol', 1e-12);
const substeps = arg('substeps', 2);
const nonnegative = args.includes('--production-degradation') ? 'production-degradation' : 'none';

const strains = limoneneStrains(nStrains, dataSeed, spread);
const times = strains[0]!.times;
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
  ...(stoich
    ? {
        stoichiometry: {
          S: limoneneModel().S,
          enzymes: limoneneReactionEnzymes(),
          networkControls,
          massAction,
        },
      }
    : { nonnegative }),
  method,
  substeps,
  rtol,
  atol,
  epochs,
  lr,
  schedule: { kind: 'cosine', minLr: 1e-4 },
  seed,
  ...(refine > 0 ? { refine: { iterations: refine } } : {}),
  onProgress: (p) => {
    if (p.epoch % arg('log-every', 100) === 0 || p.epoch === epochs - 1 || p.epoch === epochs + refine - 1)
      console.log(`epoch ${p.epoch} loss ${p.loss.toExponential(3)} (${(p.elapsedMs / 1000).toFixed(0)} s)`);
  },
});
const trainSeconds = (performance.now() - t0) / 1000;
const sd = trainingStd(train);
const mean: number[] = [];
const max: number[] = [];
for (const [k, s] of test.entries()) {
  const pred = res.model.predict(s.states[0]!, s.controls, times, { method, substeps, rtol, atol });
  const nr = strainNrmse(pred, s, sd);
  mean.push(nr.reduce((a, b) => a + b, 0) / nr.length);
  max.push(Math.max(...nr));
  console.log(
    `held-out strain ${k}: nRMSE per state ${nr.map((x) => x.toFixed(3)).join(' ')}; mean ${mean[k]!.toFixed(4)}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'recovery-limonene',
    model: kind,
    epochs,
    hidden,
    dataSeed,
    seed,
    spread,
    networkControls: stoich ? networkControls : true,
    massAction,
    method,
    refine,
    shooting: shoot,
    trainStrains: train.length,
    finalLoss: res.history.at(-1)!.loss,
    trainSeconds: Number(trainSeconds.toFixed(1)),
    meanNrmse: mean.map((x) => Number(x.toFixed(4))),
    maxStateNrmse: max.map((x) => Number(x.toFixed(4))),
  }),
);
