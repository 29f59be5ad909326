import { createInterpolant, gradient, savgolFilter } from '@kinetica/omics-io';
import { solve } from '@kinetica/solvers-stiff';
import { GradientBoosting } from './gradient-boosting';
import { type LinearSelection, LinearPipeline } from './linear';
import { extraTrees, RandomForest } from './random-forest';
import type { Rows } from './tree';

/**
 * The machine-learning baselines of Costello & Martin (2018, npj Syst Biol Appl 4:19): smooth each
 * training state curve (Savitzky–Golay, window 7, order 2), take central-difference derivatives,
 * fit one regressor per state derivative on [states, controls], and integrate the learned field
 * from a new strain's initial state with its controls, with an adaptive solver. Predictions are
 * clipped at 0. The panel differs only in the regressor: random forest, extra trees, gradient
 * boosting, and a TPOT-like penalised linear pipeline (./linear.ts).
 */

export interface GridTrajectory {
  /** Evenly spaced grid times. */
  t: Float64Array;
  /** states[j][k]: state j at t[k]. */
  states: Float64Array[];
  /** controls[c][k]: control c at t[k]. */
  controls: Float64Array[];
}

export const BASELINE_NAMES = ['random-forest', 'extra-trees', 'gradient-boosting', 'linear'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export interface Regressor {
  predict(x: ArrayLike<number>): number;
  /** What cross-validation chose, for the record (the linear pipeline). */
  readonly selection?: LinearSelection;
}

/** One regressor per state derivative; `seed` is already specific to the state. */
const REGRESSORS: Readonly<
  Record<BaselineName, (X: Rows, y: number[], seed: number, options: BaselineOptions) => Regressor>
> = {
  'random-forest': (X, y, seed, o) => new RandomForest(X, y, { trees: o.nEstimators ?? 50, seed }),
  'extra-trees': (X, y, seed, o) => extraTrees(X, y, { trees: o.nEstimators ?? 50, seed }),
  'gradient-boosting': (X, y, seed, o) => new GradientBoosting(X, y, { rounds: o.nEstimators ?? 100, seed }),
  linear: (X, y) => new LinearPipeline(X, y),
};

export interface BaselineOptions {
  /** The regressor (default the random forest). */
  regressor?: BaselineName;
  seed?: number;
  /** Trees of the forests (default 50) or boosting rounds (default 100). */
  nEstimators?: number;
  window?: number;
  order?: number;
}

export interface BaselineModel {
  name: string;
  nStates: number;
  nControls: number;
  /** Largest |value| of each smoothed training state (1 where all are 0): the solver's absolute scale. */
  stateScale: Float64Array;
  /** Derivative of every state at (x, u), written into out. */
  derivative(x: Float64Array, u: Float64Array, out: Float64Array): void;
  /** The fitted regressors, one per state. */
  regressors: Regressor[];
}

export function fitBaseline(train: GridTrajectory[], options: BaselineOptions = {}): BaselineModel {
  if (train.length === 0) throw new RangeError('baseline: no training trajectories');
  const name = options.regressor ?? 'random-forest';
  const nStates = train[0]!.states.length;
  const nControls = train[0]!.controls.length;
  const window = options.window ?? 7;
  const order = options.order ?? 2;
  const X: Float64Array[] = [];
  const Y: number[][] = Array.from({ length: nStates }, () => []);
  const stateScale = new Float64Array(nStates);
  for (const tr of train) {
    const smooth = tr.states.map((s) =>
      s.length >= window ? savgolFilter(s, window, order) : Float64Array.from(s),
    );
    const deriv = smooth.map((s) => gradient(s, tr.t));
    for (let k = 0; k < tr.t.length; k++) {
      const row = new Float64Array(nStates + nControls);
      for (let j = 0; j < nStates; j++) {
        row[j] = smooth[j]![k]!;
        stateScale[j] = Math.max(stateScale[j]!, Math.abs(row[j]!));
      }
      for (let c = 0; c < nControls; c++) row[nStates + c] = tr.controls[c]![k]!;
      X.push(row);
      for (let j = 0; j < nStates; j++) Y[j]!.push(deriv[j]![k]!);
    }
  }
  for (let j = 0; j < nStates; j++) if (!(stateScale[j]! > 0)) stateScale[j] = 1;
  const regressors = Y.map((y, j) => REGRESSORS[name](X, y, (options.seed ?? 0) * 1000 + j + 1, options));
  const row = new Float64Array(nStates + nControls);
  return {
    name,
    nStates,
    nControls,
    stateScale,
    regressors,
    derivative(x, u, out) {
      row.set(x);
      row.set(u, nStates);
      for (let j = 0; j < nStates; j++) out[j] = regressors[j]!.predict(row);
    },
  };
}

export type BaselinePrediction =
  | { status: 'success' /** states[j][k] on the grid, clipped at 0. */; states: Float64Array[] }
  | { status: 'failed'; message: string };

/** Settings of the adaptive integration of a baseline field. */
export const BASELINE_SOLVER = {
  method: 'dopri5',
  rtol: 1e-4,
  atolPerScale: 1e-6,
  maxSteps: 20_000,
} as const;

/**
 * Integrate the baseline field from x0 over the grid with Dormand–Prince 5(4) (adaptive; the tree
 * fields are piecewise constant in x, so the step control is what keeps it accurate where a
 * trajectory crosses a split), controls linearly interpolated in time, the states saved at the
 * grid times. A solver failure (too many steps, NaN in the field) or a non-finite value comes back
 * as `status: 'failed'` with a message, never as an exception.
 */
export function predictBaseline(
  model: BaselineModel,
  x0: ArrayLike<number>,
  t: Float64Array,
  controls: Float64Array[],
): BaselinePrediction {
  const u = new Float64Array(model.nControls);
  const control = controls.map((c) => createInterpolant(t, c));
  const sol = solve(
    {
      f(time, y, dydt) {
        for (let c = 0; c < u.length; c++) u[c] = control[c]!.at(time);
        model.derivative(y, u, dydt);
      },
      y0: x0,
      tspan: [t[0]!, t[t.length - 1]!],
    },
    {
      method: BASELINE_SOLVER.method,
      rtol: BASELINE_SOLVER.rtol,
      atol: model.stateScale.map((s) => s * BASELINE_SOLVER.atolPerScale),
      maxSteps: BASELINE_SOLVER.maxSteps,
      saveAt: t,
    },
  );
  if (sol.status !== 'success') return { status: 'failed', message: `${model.name}: ${sol.message}` };
  if (sol.t.length !== t.length)
    return { status: 'failed', message: `${model.name}: the solve stopped at t=${sol.t[sol.t.length - 1]}` };
  const states = Array.from({ length: model.nStates }, () => new Float64Array(t.length));
  for (let k = 0; k < sol.t.length; k++) {
    for (let j = 0; j < model.nStates; j++) {
      const v = sol.y[k]![j]!;
      if (!Number.isFinite(v))
        return { status: 'failed', message: `${model.name}: non-finite state ${j} at t=${sol.t[k]}` };
      states[j]![k] = Math.max(0, v);
    }
  }
  return { status: 'success', states };
}
