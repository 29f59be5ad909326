import {
  type Activation,
  type FusedMethod,
  type LearningRateSchedule,
  loadModel,
  type NeuralODEJSON,
  type NonNegativity,
  type PredictOptions,
  type TrainedModel,
  type TrainOptions,
  trainNeuralODE,
} from '@kinetica/autodiff-ode';
import type { ParametricField } from '@kinetica/diagnostics';
import type { GridTrajectory } from '../baseline/costello-martin';
import { learnedField } from './learned-field';

/**
 * Settings of the neural ODE the app trains. The defaults are the ones chosen by
 * cross-validation on the limonene training strains only (docs/reproduction.md); everything not
 * named here keeps autodiff-ode's defaults.
 */
export interface NeuralFitOptions {
  seed: number;
  epochs?: number;
  method?: string;
  grad?: string;
  hidden?: number[];
  activation?: Activation;
  lr?: number;
  schedule?: LearningRateSchedule;
  nonnegative?: NonNegativity;
  /**
   * 'log': the network sees log(1 + u) instead of the protein levels u, for every control that is
   * never negative in the training data (others stay linear). Levels span orders of magnitude
   * between strains, so a held-out strain's controls stay closer to the training range.
   */
  controlTransform?: ControlTransform;
  /**
   * Clamp each (transformed) control to the range it spans in the training data, as the
   * baseline's trees do implicitly: a held-out strain's field never sees inputs beyond it.
   */
  clampControls?: boolean;
  /** Initial weights ~ N(0, weightStd²) instead of Glorot. */
  weightStd?: number;
  /** Multiple shooting: segments of this many grid intervals, tied by a continuity penalty. */
  shooting?: { segmentLength: number; continuityWeight?: number };
  /**
   * The S·r_θ form: dx/dt = S·r with one learned, non-negative rate per reaction, multiplied by
   * the level of the protein that catalyses it (pipeline/reactions.ts reads it from a reaction
   * file). The rates need the measured levels themselves, so `controlTransform` is 'none' then.
   */
  stoichiometry?: TrainOptions['stoichiometry'];
  /** L-BFGS refinement after the Adam epochs. */
  refine?: TrainOptions['refine'];
  /** Members trained from seeds seed, seed+1, …; the fit predicts their mean. */
  ensemble?: number;
  onProgress?: (message: string, fraction: number) => void;
}

export type ControlTransform = 'none' | 'log';

/** A fitted (or loaded) neural ODE as the held-out pipeline uses it. */
export interface NeuralOdeFit {
  /** states[j][k] on `grid`, from x0 with controls[c][k] given on the same grid. */
  predict(x0: ArrayLike<number>, controls: Float64Array[], grid: Float64Array): Float64Array[];
  lossHistory: number[];
  toJSON(): unknown;
  /** The learned vector field driven by one strain's controls (given on `grid`), for the diagnostics. */
  field(controls: readonly Float64Array[], grid: Float64Array): ParametricField;
  /**
   * Controls as the network reads them (log(1 + u) where the model was trained that way), before
   * any clamping to the training range: the space in which a strain's enzyme levels are compared
   * with the training strains'.
   */
  networkControls(controls: readonly Float64Array[]): Float64Array[];
}

/**
 * model.json's `neural` entry: the members (one unless ensembling) and how predictions integrate.
 * Models trained with rk4 on the grid predict with the same rk4 steps on the same grid, so the
 * prediction is the very discretisation that was fitted (and costs 4 evaluations per interval).
 */
interface NeuralFitJSON {
  format: 'kinetica-neural-fit';
  predict: PredictOptions;
  controls: ControlInput;
  members: NeuralODEJSON[];
}

/**
 * Solvers a neural ODE trains with: the fused ones (rk4, dopri5, euler, map) and every method the
 * discrete adjoint of @kinetica/adjoint differentiates.
 */
export const NEURAL_METHODS: readonly string[] = [
  'rk4',
  'dopri5',
  'euler',
  'map',
  'bs3',
  'tsit5',
  'dop853',
  'radau5',
  'bdf',
  'rodas5',
];

export const NEURAL_DEFAULTS = {
  epochs: 300,
  hidden: [64, 64],
  activation: 'tanh' as Activation,
  ensemble: 1,
  controlTransform: 'log' as ControlTransform,
  clampControls: false,
};

/**
 * How protein levels become network inputs: `log[i]` marks controls fed as log(1 + max(u, 0))
 * (a level measured below zero is noise around zero); `range` clamps them after that transform.
 */
interface ControlInput {
  log: boolean[];
  range: { lo: number[]; hi: number[] } | null;
}

const LINEAR: ControlInput = { log: [], range: null };

/** Control `i` at level u as the network reads it, before clamping. */
function transformed(input: ControlInput, i: number, u: number): number {
  return input.log[i] ? Math.log1p(Math.max(u, 0)) : u;
}

/** Control `i` at level u as the network reads it. */
function networkInput(input: ControlInput, i: number, u: number): number {
  const v = transformed(input, i, u);
  const r = input.range;
  return r ? Math.min(r.hi[i]!, Math.max(r.lo[i]!, v)) : v;
}

/** Control rows on the grid, as the network sees them. */
function controlRows(controls: Float64Array[], n: number, input: ControlInput): number[][] {
  return Array.from({ length: n }, (_, k) => controls.map((c, i) => networkInput(input, i, c[k]!)));
}

function wrap(
  models: TrainedModel[],
  predict: PredictOptions,
  input: ControlInput,
  lossHistory: number[],
): NeuralOdeFit {
  return {
    lossHistory,
    toJSON: (): NeuralFitJSON => ({
      format: 'kinetica-neural-fit',
      predict,
      controls: input,
      members: models.map((m) => m.toJSON()),
    }),
    field: (controls, grid) => learnedField(models, (i, u) => networkInput(input, i, u), controls, grid),
    networkControls: (controls) => controls.map((c, i) => c.map((u) => transformed(input, i, u))),
    predict(x0, controls, grid) {
      const values = controlRows(controls, grid.length, input);
      const out = Array.from({ length: x0.length }, () => new Float64Array(grid.length));
      const w = 1 / models.length;
      for (const model of models) {
        const ys = model.predict(x0, { times: grid, values }, grid, predict);
        for (let k = 0; k < ys.length; k++) {
          const y = ys[k]!;
          for (let j = 0; j < x0.length; j++) out[j]![k]! += w * y[j]!;
        }
      }
      return out;
    },
  };
}

/** Train on grid trajectories (states and controls interpolated onto the grid, protocol step 1). */
export function fitNeuralOde(train: GridTrajectory[], options: NeuralFitOptions): NeuralOdeFit {
  const method = options.method ?? 'rk4';
  if (!NEURAL_METHODS.includes(method))
    throw new RangeError(`--method must be one of ${NEURAL_METHODS.join(', ')}; got '${method}'`);
  const grad = options.grad ?? 'backprop';
  if (grad !== 'backprop' && grad !== 'adjoint')
    throw new RangeError(`--grad must be backprop or adjoint; got '${grad}'`);
  const epochs = options.epochs ?? NEURAL_DEFAULTS.epochs;
  const members = options.ensemble ?? NEURAL_DEFAULTS.ensemble;
  if (!Number.isInteger(members) || members < 1)
    throw new RangeError(`ensemble must be a positive integer; got ${members}`);
  const controlTransform = options.stoichiometry
    ? 'none'
    : (options.controlTransform ?? NEURAL_DEFAULTS.controlTransform);
  if (controlTransform !== 'none' && controlTransform !== 'log')
    throw new RangeError(`controlTransform must be none or log; got '${controlTransform}'`);
  const m = train[0]?.controls.length ?? 0;
  const input: ControlInput = {
    log: Array.from(
      { length: m },
      (_, i) => controlTransform === 'log' && train.every((tr) => tr.controls[i]!.every((v) => !(v < 0))),
    ),
    range: null,
  };
  const rows = train.map((tr) => controlRows(tr.controls, tr.t.length, input));
  if (options.clampControls ?? NEURAL_DEFAULTS.clampControls) {
    const lo = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
    const hi = new Array<number>(m).fill(Number.NEGATIVE_INFINITY);
    for (const tr of rows)
      for (const row of tr)
        row.forEach((v, i) => {
          lo[i] = Math.min(lo[i]!, v);
          hi[i] = Math.max(hi[i]!, v);
        });
    input.range = { lo, hi };
  }
  const trajectories = train.map((tr, i) => ({
    times: tr.t,
    states: Array.from(tr.t, (_, k) => tr.states.map((s) => s[k]!)),
    controls: { times: tr.t, values: rows[i]! },
  }));
  const models: TrainedModel[] = [];
  const lossHistory = new Array<number>(epochs).fill(0);
  for (let e = 0; e < members; e++) {
    const result = trainNeuralODE({
      trajectories,
      hidden: options.hidden ?? NEURAL_DEFAULTS.hidden,
      activation: options.activation ?? NEURAL_DEFAULTS.activation,
      method: method as FusedMethod,
      grad,
      epochs,
      ...(options.lr !== undefined ? { lr: options.lr } : {}),
      ...(options.schedule ? { schedule: options.schedule } : {}),
      ...(options.nonnegative ? { nonnegative: options.nonnegative } : {}),
      ...(options.weightStd !== undefined ? { weightStd: options.weightStd } : {}),
      ...(options.shooting ? { shooting: options.shooting } : {}),
      ...(options.stoichiometry ? { stoichiometry: options.stoichiometry } : {}),
      ...(options.refine ? { refine: options.refine } : {}),
      seed: options.seed + e,
      onProgress: (p) =>
        options.onProgress?.(
          `${members > 1 ? `member ${e + 1}/${members} ` : ''}epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toExponential(3)}`,
          (e + (p.epoch + 1) / p.epochs) / members,
        ),
    });
    models.push(result.model);
    // The loss curve shown is the members' mean per Adam epoch (refinement iterations follow them).
    result.history.forEach((h, i) => {
      if (i >= epochs) return;
      lossHistory[i]! += h.loss / members;
    });
  }
  const predict: PredictOptions = method === 'rk4' ? { method: 'rk4', substeps: 1 } : {};
  return wrap(models, predict, input, lossHistory);
}

export function loadNeuralOde(json: unknown): NeuralOdeFit {
  const obj = json as Partial<NeuralFitJSON> | undefined;
  if (obj?.format !== 'kinetica-neural-fit') return wrap([loadModel(json as NeuralODEJSON)], {}, LINEAR, []);
  if (!Array.isArray(obj.members) || obj.members.length === 0)
    throw new TypeError('model.json: the neural fit has no members');
  return wrap(
    obj.members.map((m) => loadModel(m)),
    obj.predict ?? {},
    obj.controls ?? LINEAR,
    [],
  );
}
