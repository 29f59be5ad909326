import { NeuralODE, type NeuralODESpec } from '../field/neural-ode';
import type { ControlSeries } from '../field/controls';
import { ForwardSolver, isSolverMethod, type SolverMethod } from '../integrate/forward-solve';

/** The JSON form of a trained model: everything needed to predict again. */
export interface NeuralODEJSON {
  format: 'kinetica-neural-ode';
  version: 1;
  /** Architecture, scaling and names. */
  spec: NeuralODESpec;
  /** Flat float64 parameters (JSON numbers round-trip doubles exactly). */
  params: number[];
  /** How predictions integrate: the training method for baselines and stiff methods, else 'dopri5'. */
  method: SolverMethod;
  rtol: number;
  atol: number;
}

/** Options of a prediction. */
export interface PredictOptions {
  method?: SolverMethod;
  rtol?: number;
  atol?: number;
  /** rk4/euler steps per output interval. */
  substeps?: number;
}

/**
 * A prediction as a value, shaped like `solve`'s `Solution`: on failure `status: 'failed'` and a
 * message naming t (and, for an ensemble, the member), with no states.
 */
export interface Prediction {
  status: 'success' | 'failed';
  message: string;
  /** The requested times (empty on failure). */
  t: Float64Array;
  /** `y[i]` is the state at `t[i]` (empty on failure). */
  y: Float64Array[];
}

/** A neural ODE with fixed parameters that predicts trajectories and serialises to JSON. */
export class TrainedModel {
  readonly node: NeuralODE;
  readonly params: Float64Array;
  readonly method: SolverMethod;
  readonly rtol: number;
  readonly atol: number;

  constructor(
    node: NeuralODE,
    params: Float64Array,
    options: { method?: SolverMethod; rtol?: number; atol?: number } = {},
  ) {
    if (params.length !== node.nParams) {
      throw new RangeError(`TrainedModel: ${params.length} parameters for a network with ${node.nParams}`);
    }
    this.node = node;
    this.params = params;
    this.method = options.method ?? 'dopri5';
    this.rtol = options.rtol ?? 1e-7;
    this.atol = options.atol ?? 1e-9;
  }

  get stateNames(): string[] {
    return this.node.stateNames;
  }

  /**
   * States at `times` (the first is the time of x0), driven by `controls` when the model has any.
   * A failed solve is a value (`status: 'failed'`, a message naming t), as for `solve`; invalid
   * arguments (x0 of the wrong length, times not increasing) throw a RangeError.
   */
  simulate(
    x0: ArrayLike<number>,
    controls: ControlSeries | undefined,
    times: ArrayLike<number>,
    options: PredictOptions = {},
  ): Prediction {
    const n = this.node.nStates;
    if (x0.length !== n)
      throw new RangeError(`predict: x0 has ${x0.length} entries, the model has ${n} states`);
    const field = this.node.field(controls);
    const solver = new ForwardSolver(
      field,
      options.method ?? this.method,
      { rtol: options.rtol ?? this.rtol, atol: options.atol ?? this.atol, substeps: options.substeps ?? 1 },
      times.length,
    );
    const r = solver.forward(this.params, x0, times);
    if (r.status === 'failed') return { status: 'failed', message: r.message, t: new Float64Array(0), y: [] };
    return {
      status: 'success',
      message: '',
      t: Float64Array.from(times),
      y: Array.from({ length: times.length }, (_, i) => r.Y.slice(i * n, (i + 1) * n)),
    };
  }

  /**
   * `simulate`'s states, for callers that treat a failed prediction as an error: throws an Error
   * with the failure's message (naming t) where `simulate` returns `status: 'failed'`.
   */
  predict(
    x0: ArrayLike<number>,
    controls: ControlSeries | undefined,
    times: ArrayLike<number>,
    options: PredictOptions = {},
  ): Float64Array[] {
    const r = this.simulate(x0, controls, times, options);
    if (r.status === 'failed') throw new Error(`predict: ${r.message}`);
    return r.y;
  }

  toJSON(): NeuralODEJSON {
    return {
      format: 'kinetica-neural-ode',
      version: 1,
      spec: this.node.toSpec(),
      params: Array.from(this.params),
      method: this.method,
      rtol: this.rtol,
      atol: this.atol,
    };
  }
}

/** Rebuild a model from `toJSON()` output (an object or its JSON text); predictions are identical. */
export function loadModel(json: NeuralODEJSON | string): TrainedModel {
  const obj = (typeof json === 'string' ? JSON.parse(json) : json) as NeuralODEJSON;
  if (!obj || obj.format !== 'kinetica-neural-ode')
    throw new TypeError('loadModel: not a kinetica-neural-ode JSON document');
  if (obj.version !== 1) throw new RangeError(`loadModel: unsupported version ${obj.version}`);
  const node = new NeuralODE(obj.spec);
  if (!Array.isArray(obj.params) || obj.params.length !== node.nParams) {
    throw new RangeError(
      `loadModel: params has ${obj.params?.length} entries, the architecture needs ${node.nParams}`,
    );
  }
  checkMethod('loadModel', obj.method);
  return new TrainedModel(node, Float64Array.from(obj.params), {
    method: obj.method,
    rtol: obj.rtol,
    atol: obj.atol,
  });
}

/** Throw a one-line RangeError naming `value` unless it is a method a model can predict with. */
export function checkMethod(where: string, value: unknown): asserts value is SolverMethod {
  if (typeof value !== 'string' || !isSolverMethod(value)) {
    throw new RangeError(`${where}: unknown method ${JSON.stringify(value)}`);
  }
}
