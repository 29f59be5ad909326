/**
 * Mass-action coefficient recovery (acceptance 2 of issue 8): a quadratic MLP [16] trained by
 * Adam on noise-free trajectories, then refined by full-batch L-BFGS; prints the recovered
 * coefficients per equation and their largest errors against the true field (and, for
 * Lotka–Volterra, the nRMSE on the two held-out initial conditions of the tests). Systems:
 * Lotka–Volterra ('lv', six trajectories of 41 points on [0, 10]) and reversible binding
 * A + B ⇌ C ('binding', eight trajectories of 41 points on [0, 5]). Defaults are the unit tests'.
 *   npx tsx --conditions=source packages/autodiff-ode/bench/mass-action.ts [--system lv|binding]
 *     [--epochs N] [--refine N] [--memory M] [--tolerance G] [--substeps N] [--seed N]
 */
import { trainNeuralODE } from '../src/index';
import { LV, lotkaVolterra, nrmse, lvTrainingSet } from '../test/lotka-volterra';
import {
  BINDING_TRUTH,
  coefficientErrors,
  quadraticCoefficients,
  bindingTrainingSet,
} from '../test/mass-action';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const si = process.argv.indexOf('--system');
const system = si >= 0 ? process.argv[si + 1]! : 'lv';
if (system !== 'lv' && system !== 'binding')
  throw new RangeError(`--system must be lv or binding, got ${system}`);
const lv = system === 'lv';
const epochs = arg('epochs', lv ? 1500 : 500);
const iterations = arg('refine', lv ? 300 : 600);
const memory = arg('memory', lv ? 10 : 50);
const tolerance = arg('tolerance', 1e-9);
const substeps = arg('substeps', 1);
const seed = arg('seed', 1);

const times = Array.from({ length: 41 }, (_, k) => k * (lv ? 0.25 : 0.125));
const trajectories = lv ? lvTrainingSet(times) : bindingTrainingSet(times);
const names = lv ? ['x', 'y'] : ['A', 'B', 'C'];
const truth: Record<string, number>[] = lv
  ? [
      { x: LV.a, xy: -LV.b },
      { y: -LV.c, xy: LV.d },
    ]
  : BINDING_TRUTH;

const t0 = performance.now();
const res = trainNeuralODE({
  trajectories,
  hidden: [16],
  activation: 'quadratic',
  weightStd: 0.1,
  method: 'rk4',
  substeps,
  epochs,
  lr: 3e-2,
  schedule: { kind: 'cosine', minLr: 1e-4 },
  seed,
  ...(iterations > 0 ? { refine: { iterations, memory, tolerance } } : {}),
});
const trainSeconds = (performance.now() - t0) / 1000;
const adam = res.history.filter((h) => h.phase === 'adam');
const coefficients = quadraticCoefficients(res.model, names);
const round = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v.toPrecision(6))]));
console.log(
  JSON.stringify({
    bench: 'mass-action',
    system,
    epochs,
    refine: iterations,
    memory,
    tolerance,
    substeps,
    seed,
    adamLoss: adam.at(-1)?.loss,
    refineSummary: res.refine,
    refineGradNorm: res.refine ? res.history.at(-1)?.gradNorm : undefined,
    coefficients: coefficients.map(round),
    ...coefficientErrors(coefficients, truth),
    ...(lv
      ? {
          heldOutNrmse: [
            [4.5, 2.2],
            [5.5, 3.5],
          ].map((ic) => nrmse(res.model.predict(ic, undefined, times), lotkaVolterra(ic, times))),
        }
      : {}),
    adamSeconds: (adam.at(-1)?.elapsedMs ?? 0) / 1000,
    trainSeconds,
  }),
);
