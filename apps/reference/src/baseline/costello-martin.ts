import { createInterpolant, gradient, savgolFilter } from '@kinetica/omics-io';
import { solve } from '@kinetica/solvers-stiff';
import { CliError, ExitCode } from '../io/errors';
import { RandomForest } from './random-forest';

/**
 * The machine-learning baseline of Costello & Martin (2018, npj Syst Biol Appl 4:19): smooth each
 * training state curve (Savitzky–Golay, window 7, order 2), take central-difference derivatives,
 * fit one regressor per state derivative on [states, controls], and integrate the learned field
 * from a new strain's initial state with its controls. Predictions are clipped at 0.
 */

export interface GridTrajectory {
  /** Evenly spaced grid times. */
  t: Float64Array;
  /** states[j][k]: state j at t[k]. */
  states: Float64Array[];
  /** controls[c][k]: control c at t[k]. */
  controls: Float64Array[];
}

export interface BaselineOptions {
  seed?: number;
  nEstimators?: number;
  window?: number;
  order?: number;
}

export interface BaselineModel {
  nStates: number;
  nControls: number;
  /** Derivative of every state at (x, u), written into out. */
  derivative(x: Float64Array, u: Float64Array, out: Float64Array): void;
}

export function fitBaseline(train: GridTrajectory[], options: BaselineOptions = {}): BaselineModel {
  if (train.length === 0) throw new RangeError('baseline: no training trajectories');
  const nStates = train[0]!.states.length;
  const nControls = train[0]!.controls.length;
  const window = options.window ?? 7;
  const order = options.order ?? 2;
  const X: Float64Array[] = [];
  const Y: number[][] = Array.from({ length: nStates }, () => []);
  for (const tr of train) {
    const smooth = tr.states.map((s) =>
      s.length >= window ? savgolFilter(s, window, order) : Float64Array.from(s),
    );
    const deriv = smooth.map((s) => gradient(s, tr.t));
    for (let k = 0; k < tr.t.length; k++) {
      const row = new Float64Array(nStates + nControls);
      for (let j = 0; j < nStates; j++) row[j] = smooth[j]![k]!;
      for (let c = 0; c < nControls; c++) row[nStates + c] = tr.controls[c]![k]!;
      X.push(row);
      for (let j = 0; j < nStates; j++) Y[j]!.push(deriv[j]![k]!);
    }
  }
  const forests = Y.map(
    (y, j) =>
      new RandomForest(X, y, { trees: options.nEstimators ?? 50, seed: (options.seed ?? 0) * 1000 + j + 1 }),
  );
  const row = new Float64Array(nStates + nControls);
  return {
    nStates,
    nControls,
    derivative(x, u, out) {
      row.set(x);
      row.set(u, nStates);
      for (let j = 0; j < nStates; j++) out[j] = forests[j]!.predict(row);
    },
  };
}

/**
 * Integrate the baseline field on the grid with classical RK4 (the learned field is piecewise
 * constant in x, so an adaptive method gains nothing), controls linearly interpolated in time.
 * Returns states[j][k] on the grid, clipped at 0.
 */
export function predictBaseline(
  model: BaselineModel,
  x0: ArrayLike<number>,
  t: Float64Array,
  controls: Float64Array[],
): Float64Array[] {
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
    { method: 'rk4', h0: t[1]! - t[0]!, saveAt: t },
  );
  if (sol.status !== 'success')
    throw new CliError(`baseline prediction failed: ${sol.message}`, ExitCode.failure);
  const out = Array.from({ length: model.nStates }, () => new Float64Array(t.length));
  for (let k = 0; k < sol.t.length; k++) {
    for (let j = 0; j < model.nStates; j++) out[j]![k] = Math.max(0, sol.y[k]![j]!);
  }
  return out;
}
