import {
  type Activation,
  ControlTransform,
  DesignPredictor,
  type ControlTransformJSON,
  type EnsembleJSON,
  EnsembleModel,
  type EnsembleTrainOptions,
  type LearningRateSchedule,
  loadEnsemble,
  loadModel,
  type MemberTrainer,
  type NeuralODEJSON,
  type NonNegativity,
  type PredictOptions,
  type SolverMethod,
  type TrainOptions,
  type TrainProgress,
  trainEnsemble,
  trainEnsembleAsync,
} from '@kinetica/autodiff-ode';
import type { ParametricField } from '@kinetica/diagnostics';
import type { GridTrajectory } from '../baseline/costello-martin';
import { CliError } from '../io/errors';
import { learnedField } from './learned-field';
import { MAX_EPOCHS, modelSizeProblem } from './limits';
import type { StructureSelection } from './structure-selection';

/**
 * Settings of the neural ODE the app trains. The defaults are the ones chosen by
 * cross-validation on the limonene training strains only (docs/reproduction.md); everything not
 * named here keeps autodiff-ode's defaults.
 */
/** One training epoch's figures, for live charts (member and epoch count from 0). */
export interface EpochProgress {
  member: number;
  members: number;
  epoch: number;
  epochs: number;
  loss: number;
}

export interface NeuralFitOptions {
  seed: number;
  /**
   * 'auto': the S·r_θ model on the built-in network (pipeline/structure.ts) when the states and
   * controls are those of a pathway it knows, otherwise the MLP; 'mlp': always the MLP. A given
   * `stoichiometry` (a reaction file) takes precedence over both.
   */
  structure?: 'auto' | 'mlp';
  /** Name of the built-in network `stoichiometry` came from (recorded in model.json and metrics.json). */
  network?: string;
  /**
   * The band's noise scale per state (default: the members' training RMSE): the app passes the
   * held-out RMSE of its cross-validation over the training groups. NaN entries keep the default.
   */
  residualScale?: readonly number[];
  /** How cross-validation chose this model (recorded in `model.selection` of metrics.json). */
  selection?: StructureSelection;
  epochs?: number;
  method?: SolverMethod;
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
  controlTransform?: ControlInputKind;
  /**
   * Clamp each (transformed) control to the range it spans in the training data, as the
   * baseline's trees do implicitly: a held-out strain's field never sees inputs beyond it.
   */
  clampControls?: boolean;
  /** Initial weights ~ N(0, weightStd²) instead of Glorot. */
  weightStd?: number;
  /**
   * Time as an input of the network (t scaled to the training span): effects shared by every
   * strain at the same hour (growth phase, medium) that the states and controls do not carry.
   */
  timeInput?: boolean;
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
  /**
   * Members trained from seeds seed, seed+1, …; the fit predicts their median, with an 80% band
   * from the members' predictive mixture (autodiff-ode's `EnsembleModel`).
   */
  ensemble?: number;
  /** Progress: a line for people, the fraction done, and during training the epoch's figures. */
  onProgress?: (message: string, fraction: number, epoch?: EpochProgress) => void;
}

export type ControlInputKind = 'none' | 'log';

/** A fitted (or loaded) neural ODE as the held-out pipeline uses it. */
export interface NeuralOdeFit {
  /** What was trained: 'mlp', 'reactions' (a reaction file) or 'network:NAME' (a built-in network), and how many members. */
  model?: {
    structure: string;
    members: number;
    selection?: StructureSelection;
    /** A hybrid's parts: trained mechanistic parameters, network weights, training loss by stage. */
    hybrid?: {
      sbml: string;
      mechanisticParameters: number;
      networkWeights: number;
      loss: { start: number; mechanistic: number; final: number };
    };
  };
  /** states[j][k] on `grid`, from x0 with controls[c][k] given on the same grid (the members' median). */
  predict(x0: ArrayLike<number>, controls: Float64Array[], grid: Float64Array): Float64Array[];
  /** The median and the 80% band, each states[j][k] on `grid` (every fit the app trains has one). */
  predictBand?(
    x0: ArrayLike<number>,
    controls: Float64Array[],
    grid: Float64Array,
  ): { median: Float64Array[]; lower: Float64Array[]; upper: Float64Array[] };
  lossHistory: number[];
  toJSON(): unknown;
  /**
   * The learned vector field driven by one strain's controls (given on `grid`), for the
   * diagnostics: the members' mean field, or one member's.
   */
  field(controls: readonly Float64Array[], grid: Float64Array, member?: number): ParametricField;
  /** Number of ensemble members. */
  members: number;
  /**
   * Per-member values (one array per member, e.g. each member's final state of a simulation)
   * combined as `predict` combines the members: their median, clipped at zero for a
   * non-negative model.
   */
  combineMembers(values: readonly Float64Array[]): Float64Array;
  /**
   * Controls as the network reads them (log(1 + u) where the model was trained that way), before
   * any clamping to the training range: the space in which a strain's enzyme levels are compared
   * with the training strains'.
   */
  networkControls(controls: readonly Float64Array[]): Float64Array[];
  /**
   * A predictor of designs of one strain (factors on its controls, given on `grid`), each design
   * predicted as `predict` predicts it: present where the factors act on the network's inputs
   * directly (no log or clamping of the controls), so that a factor on a level is a factor on
   * the input.
   */
  designs?(x0: ArrayLike<number>, controls: readonly Float64Array[], grid: Float64Array): DesignPredictor;
}

/**
 * model.json's `neural` entry: how protein levels become inputs, and the ensemble (members, how
 * they predict and combine). Models trained with rk4 on the grid predict with the same rk4 steps
 * on the same grid, so the prediction is the very discretisation that was fitted (and costs 4
 * evaluations per interval). Version 1 files (no `ensemble`: `members` and `predict`) still load.
 */
interface NeuralFitJSON {
  format: 'kinetica-neural-fit';
  version?: 2;
  structure?: string;
  controls: ControlTransformJSON;
  ensemble?: EnsembleJSON;
  /** Version 1. */
  members?: NeuralODEJSON[];
  predict?: PredictOptions;
}

/**
 * Solvers a neural ODE trains with: the fused ones (rk4, dopri5, euler, map) and every method the
 * discrete adjoint of @kinetica/adjoint differentiates.
 */
export const NEURAL_METHODS: readonly SolverMethod[] = [
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

/** The S·r_θ model on a built-in network, as selected by cross-validation (docs/reproduction.md). */
export const NETWORK_DEFAULTS = {
  hidden: [32, 32],
  /** Adam epochs of the network (the MLP keeps `NEURAL_DEFAULTS.epochs`); --epochs overrides both. */
  epochs: 1000,
  elasticity: 'learned' as const,
  elasticityInit: 0.75,
  /** Enzyme factors saturate at 1 + κ times their typical level's, κ learned from 3. */
  enzymeSaturation: 'learned' as const,
  enzymeSaturationInit: 3,
  michaelisMenten: true,
};

export const NEURAL_DEFAULTS = {
  structure: 'auto' as 'auto' | 'mlp',
  epochs: 300,
  /** The MLP's hidden widths (the S·r_θ rate network's are `NETWORK_DEFAULTS.hidden`). */
  hidden: [64, 64],
  activation: 'tanh' as Activation,
  ensemble: 5,
  controlTransform: 'log' as ControlInputKind,
  clampControls: false,
};

/** Columns states[j][k] from rows [k][j]. */
function columns(rows: Float64Array[], n: number): Float64Array[] {
  return Array.from({ length: n }, (_, j) => Float64Array.from(rows, (r) => r[j]!));
}

function wrap(
  ensemble: EnsembleModel,
  input: ControlTransform,
  lossHistory: number[],
  structure: string,
  selection?: StructureSelection,
): NeuralOdeFit {
  const n = ensemble.nStates;
  const series = (controls: Float64Array[], grid: Float64Array) => ({
    times: grid,
    values: input.rows(controls, grid.length),
  });
  return {
    lossHistory,
    model: { structure, members: ensemble.members.length, ...(selection ? { selection } : {}) },
    toJSON: (): NeuralFitJSON => ({
      format: 'kinetica-neural-fit',
      version: 2,
      structure,
      controls: input.toJSON(),
      ensemble: ensemble.toJSON(),
    }),
    members: ensemble.members.length,
    combineMembers: (values) =>
      ensemble.combine(
        values.map((v) => [v]),
        false,
      ).median[0]!,
    field: (controls, grid, member) =>
      learnedField(
        member === undefined ? ensemble.members : [ensemble.members[member]!],
        (i, u) => input.apply(i, u),
        controls,
        grid,
      ),
    networkControls: (controls) => controls.map((c, i) => c.map((u) => input.unclamped(i, u))),
    predict: (x0, controls, grid) => columns(ensemble.predict(x0, series(controls, grid), grid), n),
    ...(input.range === null && input.log.every((l) => !l)
      ? {
          designs: (x0: ArrayLike<number>, controls: readonly Float64Array[], grid: Float64Array) =>
            new DesignPredictor(ensemble, x0, series([...controls], grid), grid),
        }
      : {}),
    predictBand(x0, controls, grid) {
      const b = ensemble.predictBand(x0, series(controls, grid), grid);
      return { median: columns(b.median, n), lower: columns(b.lower, n), upper: columns(b.upper, n) };
    },
  };
}

/**
 * Refuse, before anything is allocated, a fit whose networks, optimiser state and solver tapes
 * could not fit in memory, or with more epochs than the limit (README "Limits"): a usage error
 * (exit 2) naming the option.
 */
export function checkNeuralSize(
  train: readonly GridTrajectory[],
  options: Omit<NeuralFitOptions, 'seed'>,
): void {
  const epochs = options.epochs ?? NEURAL_DEFAULTS.epochs;
  if (!(epochs <= MAX_EPOCHS))
    throw new CliError(`--epochs: ${epochs} is more than the limit of ${MAX_EPOCHS.toLocaleString('en-US')}`);
  const tooBig = neuralSizeProblem(train, options, 1);
  if (tooBig) throw new CliError(tooBig);
}

/**
 * Why the fit's networks, with `threads` members training at once, cannot fit in memory (naming
 * --hidden and --ensemble), or undefined.
 */
export function neuralSizeProblem(
  train: readonly GridTrajectory[],
  options: Omit<NeuralFitOptions, 'seed'>,
  threads: number,
): string | undefined {
  const first = train[0];
  if (!first) return undefined;
  const nStates = first.states.length;
  const reactions = options.stoichiometry?.S[0]?.length ?? 0;
  const members = options.ensemble ?? NEURAL_DEFAULTS.ensemble;
  const hidden = options.hidden ?? NEURAL_DEFAULTS.hidden;
  const shape = {
    inputs: nStates + first.controls.length,
    hidden,
    outputs: reactions > 0 ? reactions : 2 * nStates,
  };
  const tooBig = modelSizeProblem(shape, members, first.t.length, true, threads);
  return tooBig && `--hidden ${hidden.join(',')}, --ensemble ${members}: ${tooBig}`;
}

/**
 * What `fitNeuralOde` trains: the ensemble's options (checked, with the progress and loss-curve
 * callbacks), and how the trained ensemble becomes the fit.
 */
function prepareNeuralFit(
  train: GridTrajectory[],
  options: NeuralFitOptions,
): { ensemble: EnsembleTrainOptions; finish: (model: EnsembleModel) => NeuralOdeFit } {
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
  checkNeuralSize(train, options);
  const hidden = options.hidden ?? NEURAL_DEFAULTS.hidden;
  // Each member's share done (members may train at the same time, on worker threads).
  const done = new Float64Array(members);
  const progress = (member: number, epoch: number, total: number, loss: number) => {
    if (!options.onProgress) return;
    done[member] = Math.min(1, (epoch + 1) / total);
    options.onProgress(
      `${members > 1 ? `member ${member + 1}/${members} ` : ''}epoch ${epoch + 1}/${total} loss ${loss.toExponential(3)}`,
      done.reduce((a, b) => a + b, 0) / members,
      { member, members, epoch, epochs: total, loss },
    );
  };
  const controlTransform = options.stoichiometry
    ? 'none'
    : (options.controlTransform ?? NEURAL_DEFAULTS.controlTransform);
  if (controlTransform !== 'none' && controlTransform !== 'log')
    throw new RangeError(`controlTransform must be none or log; got '${controlTransform}'`);
  const input = ControlTransform.fit(
    train.map((tr) => tr.controls),
    { kind: controlTransform, clamp: options.clampControls ?? NEURAL_DEFAULTS.clampControls },
  );
  const trajectories = train.map((tr) => ({
    times: tr.t,
    states: Array.from(tr.t, (_, k) => tr.states.map((s) => s[k]!)),
    controls: { times: tr.t, values: input.rows(tr.controls, tr.t.length) },
  }));
  // Concentrations stay concentrations: with non-negative training data, no prediction or band
  // goes below zero.
  const nonnegative = train.every((tr) => tr.states.every((s) => s.every((v) => !(v < 0))));
  const lossHistory = new Array<number>(epochs).fill(0);
  const ensemble: EnsembleTrainOptions = {
    trajectories,
    hidden,
    activation: options.activation ?? NEURAL_DEFAULTS.activation,
    method,
    grad,
    epochs,
    ...(options.lr !== undefined ? { lr: options.lr } : {}),
    ...(options.schedule ? { schedule: options.schedule } : {}),
    ...(options.nonnegative ? { nonnegative: options.nonnegative } : {}),
    ...(options.weightStd !== undefined ? { weightStd: options.weightStd } : {}),
    ...(options.timeInput ? { timeInput: true } : {}),
    ...(options.shooting ? { shooting: options.shooting } : {}),
    ...(options.stoichiometry ? { stoichiometry: options.stoichiometry } : {}),
    ...(options.refine ? { refine: options.refine } : {}),
    seed: options.seed,
    ensemble: {
      members,
      nonnegative,
      predict: method === 'rk4' ? { method: 'rk4', substeps: 1 } : {},
      ...(options.residualScale ? { residualScale: options.residualScale } : {}),
    },
    ...(options.onProgress
      ? { onMemberProgress: (m: number, p: TrainProgress) => progress(m, p.epoch, p.epochs, p.loss) }
      : {}),
    // Called in member order, however the members were trained: the same sums, to the bit.
    onMember: (_, result) => {
      // The loss curve shown is the members' mean per Adam epoch (refinement iterations follow them).
      result.history.forEach((h, i) => {
        if (i < epochs) lossHistory[i]! += h.loss / members;
      });
    },
  };
  const structure = options.stoichiometry
    ? options.network
      ? `network:${options.network}`
      : 'reactions'
    : 'mlp';
  return {
    ensemble,
    finish: (model) => wrap(model, input, lossHistory, structure, options.selection),
  };
}

/** Train on grid trajectories (states and controls interpolated onto the grid, protocol step 1). */
export function fitNeuralOde(train: GridTrajectory[], options: NeuralFitOptions): NeuralOdeFit {
  const { ensemble, finish } = prepareNeuralFit(train, options);
  return finish(trainEnsemble(ensemble).model);
}

/**
 * `fitNeuralOde` with the members trained by `trainMember` (the app's pool of worker threads),
 * all at once: the same fit, bit for bit (autodiff-ode's `trainEnsembleAsync`).
 */
export async function fitNeuralOdeAsync(
  train: GridTrajectory[],
  options: NeuralFitOptions,
  trainMember: MemberTrainer,
): Promise<NeuralOdeFit> {
  const { ensemble, finish } = prepareNeuralFit(train, options);
  return finish((await trainEnsembleAsync({ ...ensemble, trainMember })).model);
}

export function loadNeuralOde(json: unknown): NeuralOdeFit {
  const obj = json as Partial<NeuralFitJSON> | undefined;
  if (obj?.format !== 'kinetica-neural-fit') {
    const model = loadModel(json as NeuralODEJSON);
    return wrap(
      new EnsembleModel([model], new Float64Array(model.node.nStates)),
      ControlTransform.identity(model.node.nControls),
      [],
      model.node.stoichiometry ? 'reactions' : 'mlp',
    );
  }
  const input = new ControlTransform(obj.controls ?? { log: [], range: null });
  if (obj.ensemble) return wrap(loadEnsemble(obj.ensemble), input, [], obj.structure ?? 'mlp');
  if (!Array.isArray(obj.members) || obj.members.length === 0)
    throw new TypeError('model.json: the neural fit has no members');
  const members = obj.members.map((m) => loadModel(m));
  return wrap(
    new EnsembleModel(members, new Float64Array(members[0]!.node.nStates), { predict: obj.predict ?? {} }),
    input,
    [],
    members[0]!.node.stoichiometry ? 'reactions' : 'mlp',
  );
}
