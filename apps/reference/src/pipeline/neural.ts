import {
  type FusedMethod,
  loadModel,
  type NeuralODEJSON,
  type TrainedModel,
  trainNeuralODE,
} from '@kinetica/autodiff-ode';
import type { GridTrajectory } from '../baseline/costello-martin';

/** Settings of the neural ODE the app trains (everything else keeps autodiff-ode's defaults). */
export interface NeuralFitOptions {
  seed: number;
  epochs?: number;
  method?: string;
  grad?: string;
  hidden?: number[];
  lr?: number;
  onProgress?: (message: string, fraction: number) => void;
}

/** A fitted (or loaded) neural ODE as the held-out pipeline uses it. */
export interface NeuralOdeFit {
  /** states[j][k] on `grid`, from x0 with controls[c][k] given on the same grid. */
  predict(x0: ArrayLike<number>, controls: Float64Array[], grid: Float64Array): Float64Array[];
  lossHistory: number[];
  toJSON(): unknown;
}

const METHODS = ['rk4', 'dopri5', 'euler', 'map'];

function wrap(model: TrainedModel, lossHistory: number[]): NeuralOdeFit {
  return {
    lossHistory,
    toJSON: () => model.toJSON(),
    predict(x0, controls, grid) {
      const values = Array.from(grid, (_, k) => controls.map((c) => c[k]!));
      const ys = model.predict(x0, { times: grid, values }, grid);
      return Array.from({ length: x0.length }, (_, j) => Float64Array.from(ys, (y) => y[j]!));
    },
  };
}

/** Train on grid trajectories (states and controls interpolated onto the grid, protocol step 1). */
export function fitNeuralOde(train: GridTrajectory[], options: NeuralFitOptions): NeuralOdeFit {
  const method = options.method ?? 'rk4';
  if (!METHODS.includes(method))
    throw new RangeError(`--method must be one of ${METHODS.join(', ')}; got '${method}'`);
  const grad = options.grad ?? 'backprop';
  if (grad !== 'backprop' && grad !== 'adjoint')
    throw new RangeError(`--grad must be backprop or adjoint; got '${grad}'`);
  const epochs = options.epochs ?? 300;
  const trajectories = train.map((tr) => ({
    times: tr.t,
    states: Array.from(tr.t, (_, k) => tr.states.map((s) => s[k]!)),
    controls: { times: tr.t, values: Array.from(tr.t, (_, k) => tr.controls.map((c) => c[k]!)) },
  }));
  const result = trainNeuralODE({
    trajectories,
    hidden: options.hidden ?? [64, 64],
    activation: 'tanh',
    method: method as FusedMethod,
    grad,
    epochs,
    ...(options.lr !== undefined ? { lr: options.lr } : {}),
    seed: options.seed,
    onProgress: (p) =>
      options.onProgress?.(
        `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toExponential(3)}`,
        p.epoch / p.epochs,
      ),
  });
  return wrap(
    result.model,
    result.history.map((h) => h.loss),
  );
}

export function loadNeuralOde(json: unknown): NeuralOdeFit {
  return wrap(loadModel(json as NeuralODEJSON), []);
}
