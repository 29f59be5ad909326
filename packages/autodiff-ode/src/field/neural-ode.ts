import { type SparseStoichiometry, sparseStoichiometry } from '@kinetica/stoichiometry';
import { type Activation, sigmoid, softplus } from '../mlp/activations';
import { MLP } from '../mlp/mlp';
import type { Rng } from '../random/rng';
import { TapedField } from '../integrate/taped-model';
import { type ControlSeries, LinearControls } from './controls';

/**
 * How positivity of the states is built into the field.
 * - 'none': dx/dt = s ⊙ net.
 * - 'multiplicative': dx_i/dt = x_i · s_i · net_i (log-space growth rates: x_i > 0 stays positive).
 * - 'production-degradation': dx_i/dt = s_i·softplus(net_i) − x_i·(s_i/σ_i)·softplus(net_{n+i})
 *   (non-negative production, first-order loss; σ the state scale). x_i ≥ 0 stays non-negative.
 */
export type NonNegativity = 'none' | 'multiplicative' | 'production-degradation';

/**
 * The S·r_θ form: dx/dt = S·r with one learned rate per reaction,
 * r_j = rateScale_j · softplus(net_j) · e_j · m_j(x) (net_j in place of softplus(net_j) for a
 * reversible reaction), where e_j = u_k(t)/enzymeScale_k for the control k = enzymes[j] that
 * catalyses reaction j (1 for a reaction without one, an influx), and m_j = 1 unless `massAction`.
 * Rates linear in enzyme level (v = kcat·E·g(x)) carry over to strains with other enzyme levels;
 * every conservation law of S holds whatever θ is.
 */
export interface StoichiometrySpec {
  /** S[i][j]: net change of species i per unit of reaction j (nStates rows). */
  S: readonly (readonly number[])[];
  /**
   * Per reaction: the control that multiplies its rate (an index), several whose factors multiply
   * (an array: e.g. the enzymes of consecutive steps lumped into one reaction), or null.
   */
  enzymes: readonly (number | readonly number[] | null)[];
  /**
   * Elasticity α of each rate to its enzyme: e = (u/enzymeScale)^α (power law, generalised mass
   * action). A number fixes it for every reaction (default 1: rates linear in enzyme level);
   * 'learned' makes one α ∈ (0, 1) per reaction and enzyme a trained parameter
   * (α = sigmoid(a), started at `elasticityInit`, default 0.5). Protein levels of a new strain can
   * lie an order of magnitude beyond the training strains', and measured fluxes rarely scale
   * linearly with them; α is what the data say about that.
   */
  elasticity?: number | 'learned';
  /** Starting α of learned elasticities (default 0.5). */
  elasticityInit?: number;
  /**
   * Saturation of each enzyme factor: h = (1 + κ)·w/(κ + w) with w = (u/enzymeScale)^α. Near the
   * typical level h ≈ w (h = 1 at w = 1); far above it h approaches 1 + κ however much enzyme a
   * strain makes (flux control passes to the other steps, as metabolic control analysis has it);
   * far below it h ≈ w·(1 + κ)/κ. A number fixes κ > 0 for every reaction and enzyme; 'learned'
   * makes one κ = exp(c) per reaction–enzyme pair a trained parameter, started at
   * `enzymeSaturationInit`. Absent: the pure power law h = w.
   */
  enzymeSaturation?: number | 'learned';
  /** Starting κ of learned saturations (default 1: a rate at most twice its typical level's). */
  enzymeSaturationInit?: number;
  /** Per reaction: a signed rate (net_j) instead of a non-negative one (default all false). */
  reversible?: readonly boolean[];
  /** Feed ũ(t) to the rate network as well (default false: rates see x̃ and t̃ only). */
  networkControls?: boolean;
  /**
   * m_j = Π x_i/substrateScale_i over the substrates of each irreversible reaction j (S_ij < 0):
   * first order in every substrate, as in v = kcat·E·x/(K + x), so a rate vanishes with its
   * substrate and the network only learns the saturation softplus(net) ≈ kcat/(K + x)
   * (default false).
   */
  massAction?: boolean;
  /**
   * With `massAction`: m_j = Π x_i⁺/(x_i⁺ + K_ij) instead of Π x_i/substrateScale_i, with one
   * learned Michaelis constant K_ij = substrateScale_i·exp(b_ij) per reaction and substrate
   * (started at b = 0). A rate still vanishes with its substrate, so no state is driven below
   * zero, but it saturates at levels beyond the training data instead of growing without bound.
   */
  michaelisMenten?: boolean;
  /** Per-state divisor in m_j (default |stateShift_i|, the training mean, or stateScale_i where that is 0). */
  substrateScale?: ArrayLike<number>;
  /**
   * Rate units per unit of softplus(net) at unit e_j·m_j. `trainNeuralODE` fits it from the data
   * (`fitRateScale`: least-squares fluxes S⁺·Δx/Δt); otherwise it defaults, for each reaction, to
   * the largest outputScale_i/|S_ij| over the species it changes.
   */
  rateScale?: ArrayLike<number>;
  /**
   * Per-control divisor of u in e_j (default |controlShift_k|, the training mean of u_k when
   * `trainNeuralODE` builds the model, or controlScale_k where that shift is 0).
   */
  enzymeScale?: ArrayLike<number>;
}

/** The resolved S·r_θ configuration of a `NeuralODE`. */
export interface Stoichiometry {
  readonly S: readonly (readonly number[])[];
  readonly sparse: SparseStoichiometry;
  readonly nReactions: number;
  /** Per reaction: the first control index, or −1 (see `enzymePtr` for several). */
  readonly enzymes: Int32Array;
  /** Enzymes of reaction j: enzymeList[enzymePtr[j] … enzymePtr[j+1]] (one elasticity each). */
  readonly enzymePtr: Int32Array;
  readonly enzymeList: Int32Array;
  /** Fixed elasticity, or NaN when learned (parameters at `elasticityOffset`, one per enzyme pair). */
  readonly elasticity: number;
  readonly elasticityInit: number;
  /** Fixed saturation κ, Infinity for none (the pure power law), NaN when learned (parameters at `saturationOffset`). */
  readonly saturation: number;
  readonly saturationInit: number;
  readonly michaelisMenten: boolean;
  readonly reversible: Uint8Array;
  readonly networkControls: boolean;
  readonly massAction: boolean;
  readonly rateScale: Float64Array;
  readonly enzymeScale: Float64Array;
  readonly substrateScale: Float64Array;
  /** Substrates of reaction j (mass-action factor): substrates[substratePtr[j] … substratePtr[j+1]]. */
  readonly substratePtr: Int32Array;
  readonly substrates: Int32Array;
}

/** Architecture and scaling of a neural vector field dx/dt = f_θ(x, u(t), t). */
export interface NeuralODESpec {
  nStates: number;
  /** Number of control inputs u(t) (default 0). */
  nControls?: number;
  /** Hidden layer widths (default [64, 64]). */
  hidden?: readonly number[];
  /** Hidden activation (default 'tanh'). */
  activation?: Activation;
  /** Feed t/timeScale to the network as an extra input (default false). */
  timeInput?: boolean;
  /** Network input x̃ = (x − stateShift)/stateScale (defaults 0 and 1). */
  stateShift?: ArrayLike<number>;
  stateScale?: ArrayLike<number>;
  /** Network input ũ = (u − controlShift)/controlScale (defaults 0 and 1). */
  controlShift?: ArrayLike<number>;
  controlScale?: ArrayLike<number>;
  /** Divides t where it is an input (default 1). */
  timeScale?: number;
  /** s: per-state output scale, in state units per time unit (default 1). */
  outputScale?: ArrayLike<number>;
  nonnegative?: NonNegativity;
  /** Optional state names carried into serialisation. */
  stateNames?: readonly string[];
  controlNames?: readonly string[];
  /** dx/dt = S·r_θ instead of an output per state (`nonnegative` must then be 'none'). */
  stoichiometry?: StoichiometrySpec;
}

function vec(
  name: string,
  v: ArrayLike<number> | undefined,
  n: number,
  fill: number,
  positive: boolean,
): Float64Array {
  if (v === undefined) return new Float64Array(n).fill(fill);
  if (v.length !== n) throw new RangeError(`NeuralODE: ${name} has length ${v.length}, expected ${n}`);
  const out = Float64Array.from(v);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]!) || (positive && !(out[i]! > 0))) {
      throw new RangeError(
        `NeuralODE: ${name}[${i}] must be a finite${positive ? ' positive' : ''} number, got ${out[i]}`,
      );
    }
  }
  return out;
}

/** |shift_k| where it is non-zero, else scale_k: a typical magnitude of a non-negative quantity. */
function typicalLevel(shift: Float64Array, scale: Float64Array): Float64Array {
  return shift.map((s, k) => (s !== 0 ? Math.abs(s) : scale[k]!));
}

/**
 * The control indices of one `enzymes` entry: none for null, one for a number, the list for an
 * array (anything else gives [NaN], which the spec's validation refuses).
 */
export function enzymeIndices(entry: number | readonly number[] | null | undefined): readonly number[] {
  if (entry === null || entry === undefined) return [];
  if (typeof entry === 'number') return [entry];
  return Array.isArray(entry) ? entry : [Number.NaN];
}

/** An enzyme factor (level/scale)^α: a level ≤ 0 carries no flux unless α = 1 (linear, signed as given). */
export function enzymePower(ratio: number, alpha: number): number {
  return alpha === 1 ? ratio : ratio > 0 ? ratio ** alpha : 0;
}

/** The saturating enzyme factor (1 + κ)·w/(κ + w) of a power-law factor w > 0 (κ = Infinity: w itself). */
export function saturateEnzyme(w: number, kappa: number): number {
  return w > 0 && kappa !== Number.POSITIVE_INFINITY ? ((1 + kappa) * w) / (kappa + w) : w;
}

/**
 * A substrate factor at level x: x/scale (mass action), or x⁺/(x⁺ + K) with K the Michaelis
 * constant (Michaelis–Menten: vanishes at zero, saturates far above K).
 */
export function substrateFactor(x: number, scaleOrK: number, michaelisMenten: boolean): number {
  if (!michaelisMenten) return x / scaleOrK;
  const xp = x > 0 ? x : 0;
  return xp / (xp + scaleOrK);
}

function resolveStoichiometry(
  spec: StoichiometrySpec,
  n: number,
  m: number,
  node: {
    outputScale: Float64Array;
    stateShift: Float64Array;
    stateScale: Float64Array;
    controlShift: Float64Array;
    controlScale: Float64Array;
  },
): Stoichiometry {
  const { S, enzymes } = spec;
  if (!Array.isArray(S) || S.length !== n) {
    throw new RangeError(`NeuralODE: stoichiometry.S has ${S?.length} rows, expected nStates = ${n}`);
  }
  const sparse = sparseStoichiometry(S);
  const nr = sparse.nReactions;
  if (nr < 1) throw new RangeError('NeuralODE: stoichiometry.S has no reactions (columns)');
  if (!Array.isArray(enzymes) || enzymes.length !== nr) {
    throw new RangeError(
      `NeuralODE: stoichiometry.enzymes has ${enzymes?.length} entries, expected one per reaction (${nr})`,
    );
  }
  const enz = new Int32Array(nr);
  const enzymePtr = new Int32Array(nr + 1);
  const enzymeList: number[] = [];
  enzymes.forEach((entry, j) => {
    const list = enzymeIndices(entry);
    for (const k of list) {
      if (!Number.isInteger(k) || k < 0 || k >= m) {
        throw new RangeError(
          `NeuralODE: stoichiometry.enzymes[${j}] = ${JSON.stringify(entry)} is not a control index in [0, ${m}), a list of them, or null`,
        );
      }
      enzymeList.push(k);
    }
    enz[j] = list.length > 0 ? list[0]! : -1;
    enzymePtr[j + 1] = enzymeList.length;
  });
  const elasticitySpec = spec.elasticity ?? 1;
  if (
    elasticitySpec !== 'learned' &&
    !(typeof elasticitySpec === 'number' && elasticitySpec >= 0 && elasticitySpec <= 4)
  ) {
    throw new RangeError(
      `NeuralODE: stoichiometry.elasticity must be 'learned' or a number in [0, 4], got ${JSON.stringify(elasticitySpec)}`,
    );
  }
  const elasticityInit = spec.elasticityInit ?? 0.5;
  if (!(elasticityInit > 0 && elasticityInit < 1)) {
    throw new RangeError(`NeuralODE: stoichiometry.elasticityInit must lie in (0, 1), got ${elasticityInit}`);
  }
  const saturationSpec = spec.enzymeSaturation;
  if (
    saturationSpec !== undefined &&
    saturationSpec !== 'learned' &&
    !(typeof saturationSpec === 'number' && saturationSpec > 0)
  ) {
    throw new RangeError(
      `NeuralODE: stoichiometry.enzymeSaturation must be 'learned' or a positive number (κ; omit it for none), got ${JSON.stringify(saturationSpec)}`,
    );
  }
  const saturationInit = spec.enzymeSaturationInit ?? 1;
  if (!(saturationInit > 0 && Number.isFinite(saturationInit))) {
    throw new RangeError(
      `NeuralODE: stoichiometry.enzymeSaturationInit must be a positive number, got ${saturationInit}`,
    );
  }
  const reversible = new Uint8Array(nr);
  if (spec.reversible !== undefined) {
    if (spec.reversible.length !== nr) {
      throw new RangeError(
        `NeuralODE: stoichiometry.reversible has ${spec.reversible.length} entries, expected ${nr}`,
      );
    }
    for (let j = 0; j < nr; j++) reversible[j] = spec.reversible[j] ? 1 : 0;
  }
  const rateDefault = new Float64Array(nr);
  for (let j = 0; j < nr; j++) {
    let r = 0;
    for (let p = sparse.colPtr[j]!; p < sparse.colPtr[j + 1]!; p++) {
      r = Math.max(r, node.outputScale[sparse.rowIndex[p]!]! / Math.abs(sparse.values[p]!));
    }
    rateDefault[j] = r > 0 ? r : 1;
  }
  const massAction = spec.massAction ?? false;
  const substratePtr = new Int32Array(nr + 1);
  const substrates: number[] = [];
  for (let j = 0; j < nr; j++) {
    if (massAction && !reversible[j]) {
      for (let p = sparse.colPtr[j]!; p < sparse.colPtr[j + 1]!; p++)
        if (sparse.values[p]! < 0) substrates.push(sparse.rowIndex[p]!);
    }
    substratePtr[j + 1] = substrates.length;
  }
  return {
    S: S.map((row) => [...row]),
    sparse,
    nReactions: nr,
    enzymes: enz,
    enzymePtr,
    enzymeList: Int32Array.from(enzymeList),
    elasticity: elasticitySpec === 'learned' ? Number.NaN : elasticitySpec,
    elasticityInit,
    saturation:
      saturationSpec === undefined
        ? Number.POSITIVE_INFINITY
        : saturationSpec === 'learned'
          ? Number.NaN
          : saturationSpec,
    saturationInit,
    michaelisMenten: massAction && (spec.michaelisMenten ?? false),
    reversible,
    networkControls: spec.networkControls ?? false,
    massAction,
    rateScale: spec.rateScale ? vec('stoichiometry.rateScale', spec.rateScale, nr, 1, true) : rateDefault,
    enzymeScale: spec.enzymeScale
      ? vec('stoichiometry.enzymeScale', spec.enzymeScale, m, 1, true)
      : typicalLevel(node.controlShift, node.controlScale),
    substrateScale: spec.substrateScale
      ? vec('stoichiometry.substrateScale', spec.substrateScale, n, 1, true)
      : typicalLevel(node.stateShift, node.stateScale),
    substratePtr,
    substrates: Int32Array.from(substrates),
  };
}

/**
 * A neural ODE: an MLP on [x̃; ũ(t); t̃] with output scaling and a positivity option, or the
 * S·r_θ form with enzyme-multiplied rates (`stoichiometry`), evaluated by the fused float64 kernel. Its parameters are the MLP's flat vector. `field(controls)` binds
 * one trajectory's controls and returns the taped model the solvers and `odeGradient` use.
 */
export class NeuralODE {
  readonly nStates: number;
  readonly nControls: number;
  readonly timeInput: boolean;
  readonly mlp: MLP;
  readonly stateShift: Float64Array;
  readonly stateScale: Float64Array;
  readonly controlShift: Float64Array;
  readonly controlScale: Float64Array;
  readonly timeScale: number;
  readonly outputScale: Float64Array;
  readonly nonnegative: NonNegativity;
  readonly stateNames: string[];
  readonly controlNames: string[];
  /** The S·r_θ configuration, or null for an output per state. */
  readonly stoichiometry: Stoichiometry | null;
  /** Whether ũ(t) is a network input (always, unless S·r_θ leaves it out). */
  readonly networkControls: boolean;
  /**
   * Offsets in θ of the kinetic parameters that follow the network's: the elasticity logits
   * a (α = sigmoid(a), one per reaction–enzyme pair, when learned) and the log Michaelis
   * constants b (one per reaction–substrate pair, with `michaelisMenten`), then the log
   * saturations c (κ = exp(c), one per reaction–enzyme pair, when learned).
   */
  readonly elasticityOffset: number;
  readonly michaelisOffset: number;
  readonly saturationOffset: number;
  private readonly nKinetic: number;

  constructor(spec: NeuralODESpec) {
    const n = spec.nStates;
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`NeuralODE: nStates must be a positive integer, got ${n}`);
    const m = spec.nControls ?? 0;
    if (!Number.isInteger(m) || m < 0)
      throw new RangeError(`NeuralODE: nControls must be a non-negative integer, got ${m}`);
    this.nStates = n;
    this.nControls = m;
    this.timeInput = spec.timeInput ?? false;
    this.nonnegative = spec.nonnegative ?? 'none';
    if (!['none', 'multiplicative', 'production-degradation'].includes(this.nonnegative)) {
      throw new TypeError(`NeuralODE: unknown nonnegative option ${JSON.stringify(this.nonnegative)}`);
    }
    this.stateShift = vec('stateShift', spec.stateShift, n, 0, false);
    this.stateScale = vec('stateScale', spec.stateScale, n, 1, true);
    this.controlShift = vec('controlShift', spec.controlShift, m, 0, false);
    this.controlScale = vec('controlScale', spec.controlScale, m, 1, true);
    this.timeScale = spec.timeScale ?? 1;
    if (!(this.timeScale > 0))
      throw new RangeError(`NeuralODE: timeScale must be positive, got ${this.timeScale}`);
    this.outputScale = vec('outputScale', spec.outputScale, n, 1, true);
    if (spec.stoichiometry !== undefined && this.nonnegative !== 'none') {
      throw new RangeError(
        `NeuralODE: nonnegative must be 'none' with stoichiometry (rates carry the sign), got '${this.nonnegative}'`,
      );
    }
    this.stoichiometry = spec.stoichiometry ? resolveStoichiometry(spec.stoichiometry, n, m, this) : null;
    this.networkControls = this.stoichiometry?.networkControls ?? true;
    const nOut = this.stoichiometry
      ? this.stoichiometry.nReactions
      : this.nonnegative === 'production-degradation'
        ? 2 * n
        : n;
    this.mlp = new MLP({
      widths: [
        n + (this.networkControls ? m : 0) + (this.timeInput ? 1 : 0),
        ...(spec.hidden ?? [64, 64]),
        nOut,
      ],
      activation: spec.activation ?? 'tanh',
    });
    const st = this.stoichiometry;
    const nAlpha = st && Number.isNaN(st.elasticity) ? st.enzymeList.length : 0;
    const nK = st?.michaelisMenten ? st.substrates.length : 0;
    const nSat = st && Number.isNaN(st.saturation) ? st.enzymeList.length : 0;
    this.elasticityOffset = this.mlp.nParams;
    this.michaelisOffset = this.mlp.nParams + nAlpha;
    this.saturationOffset = this.michaelisOffset + nK;
    this.nKinetic = nAlpha + nK + nSat;
    this.stateNames = spec.stateNames ? [...spec.stateNames] : Array.from({ length: n }, (_, i) => `x${i}`);
    this.controlNames = spec.controlNames
      ? [...spec.controlNames]
      : Array.from({ length: m }, (_, i) => `u${i}`);
    if (this.stateNames.length !== n)
      throw new RangeError(`NeuralODE: ${this.stateNames.length} state names for ${n} states`);
    if (this.controlNames.length !== m)
      throw new RangeError(`NeuralODE: ${this.controlNames.length} control names for ${m} controls`);
  }

  get nParams(): number {
    return this.mlp.nParams + this.nKinetic;
  }

  /**
   * Fresh parameters: Glorot-normal weights (or N(0, std²)), zero biases; learned elasticities at
   * their starting value and Michaelis constants at their substrate's typical level.
   */
  initParams(rng: Rng, std?: number): Float64Array {
    const p = new Float64Array(this.nParams);
    p.set(this.mlp.initParams(rng, std));
    const st = this.stoichiometry;
    if (st) {
      const a0 = Math.log(st.elasticityInit / (1 - st.elasticityInit));
      p.fill(a0, this.elasticityOffset, this.michaelisOffset);
      p.fill(Math.log(st.saturationInit), this.saturationOffset, this.nParams);
    }
    return p;
  }

  /**
   * The learned kinetic constants of an S·r_θ model for parameters θ: the elasticity of each
   * reaction to each of its enzymes (with its saturation κ: Infinity for none), and the Michaelis
   * constant of each substrate (in state units).
   */
  kinetics(p: ArrayLike<number>): {
    elasticity: { reaction: number; control: number; alpha: number; kappa: number }[];
    michaelis: { reaction: number; state: number; K: number }[];
  } {
    const st = this.stoichiometry;
    if (!st) return { elasticity: [], michaelis: [] };
    const elasticity: { reaction: number; control: number; alpha: number; kappa: number }[] = [];
    const michaelis: { reaction: number; state: number; K: number }[] = [];
    for (let j = 0; j < st.nReactions; j++) {
      for (let q = st.enzymePtr[j]!; q < st.enzymePtr[j + 1]!; q++) {
        const alpha = Number.isNaN(st.elasticity) ? sigmoid(p[this.elasticityOffset + q]!) : st.elasticity;
        const kappa = Number.isNaN(st.saturation) ? Math.exp(p[this.saturationOffset + q]!) : st.saturation;
        elasticity.push({ reaction: j, control: st.enzymeList[q]!, alpha, kappa });
      }
      if (!st.michaelisMenten) continue;
      for (let q = st.substratePtr[j]!; q < st.substratePtr[j + 1]!; q++) {
        const i = st.substrates[q]!;
        michaelis.push({
          reaction: j,
          state: i,
          K: st.substrateScale[i]! * Math.exp(p[this.michaelisOffset + q]!),
        });
      }
    }
    return { elasticity, michaelis };
  }

  /** The vector field of one trajectory, with its controls bound (required when nControls > 0). */
  field(controls?: ControlSeries | LinearControls): NeuralField {
    return new NeuralField(this, controls);
  }

  toSpec(): NeuralODESpec {
    return {
      nStates: this.nStates,
      nControls: this.nControls,
      hidden: this.mlp.widths.slice(1, -1),
      activation: this.mlp.activation,
      timeInput: this.timeInput,
      stateShift: Array.from(this.stateShift),
      stateScale: Array.from(this.stateScale),
      controlShift: Array.from(this.controlShift),
      controlScale: Array.from(this.controlScale),
      timeScale: this.timeScale,
      outputScale: Array.from(this.outputScale),
      nonnegative: this.nonnegative,
      stateNames: [...this.stateNames],
      controlNames: [...this.controlNames],
      ...(this.stoichiometry ? { stoichiometry: stoichiometrySpec(this.stoichiometry) } : {}),
    };
  }
}

function stoichiometrySpec(st: Stoichiometry): StoichiometrySpec {
  return {
    S: st.S.map((row) => [...row]),
    enzymes: Array.from(st.enzymes, (k, j) => {
      const a = st.enzymePtr[j]!;
      const b = st.enzymePtr[j + 1]!;
      return b - a > 1 ? Array.from(st.enzymeList.subarray(a, b)) : k < 0 ? null : k;
    }),
    elasticity: Number.isNaN(st.elasticity) ? 'learned' : st.elasticity,
    elasticityInit: st.elasticityInit,
    ...(st.saturation !== Number.POSITIVE_INFINITY
      ? {
          enzymeSaturation: Number.isNaN(st.saturation) ? ('learned' as const) : st.saturation,
          enzymeSaturationInit: st.saturationInit,
        }
      : {}),
    michaelisMenten: st.michaelisMenten,
    reversible: Array.from(st.reversible, (r) => r === 1),
    networkControls: st.networkControls,
    massAction: st.massAction,
    rateScale: Array.from(st.rateScale),
    enzymeScale: Array.from(st.enzymeScale),
    substrateScale: Array.from(st.substrateScale),
  };
}

/** Build a neural ODE (alias of `new NeuralODE(spec)`). */
export function neuralODE(spec: NeuralODESpec): NeuralODE {
  return new NeuralODE(spec);
}

/**
 * f_θ(t, x) of one trajectory. Implements the model interface of `odeGradient`
 * ({f, vjp, jac}) and the taped interface of the fused solver.
 */
export class NeuralField extends TapedField {
  readonly nStates: number;
  readonly nParams: number;
  readonly tapeSize: number;
  readonly tstops: Float64Array;
  readonly node: NeuralODE;
  readonly controls: LinearControls | null;
  private readonly mlp: MLP;
  private readonly yOff: number;
  /** Tape offset of the enzyme ratios u_k/enzymeScale_k of every reaction–enzyme pair (S·r_θ form). */
  private readonly eOff: number;
  /** u(t) in raw units (S·r_θ form). */
  private readonly uRaw: Float64Array;
  private readonly gOut: Float64Array;
  private readonly gIn: Float64Array;
  private readonly jacE: Float64Array;
  private readonly jacRow: Float64Array;

  constructor(node: NeuralODE, controls?: ControlSeries | LinearControls) {
    super();
    this.node = node;
    this.mlp = node.mlp;
    this.nStates = node.nStates;
    this.nParams = node.nParams;
    if (node.nControls > 0) {
      if (!controls)
        throw new TypeError(`NeuralODE.field: the model has ${node.nControls} controls; pass their series`);
      this.controls = controls instanceof LinearControls ? controls : new LinearControls(controls);
      if (this.controls.nControls !== node.nControls) {
        throw new RangeError(
          `NeuralODE.field: controls have ${this.controls.nControls} channels, the model expects ${node.nControls}`,
        );
      }
      this.tstops = this.controls.tstops;
    } else {
      this.controls = null;
      this.tstops = new Float64Array(0);
    }
    this.yOff = this.mlp.tapeSize;
    this.eOff = this.yOff + this.nStates;
    this.uRaw = new Float64Array(node.stoichiometry ? node.nControls : 0);
    this.tapeSize = this.eOff + (node.stoichiometry?.enzymeList.length ?? 0);
    this.gOut = new Float64Array(this.mlp.nOut);
    this.gIn = new Float64Array(this.mlp.nIn);
    this.jacE = new Float64Array(this.nStates);
    this.jacRow = new Float64Array(this.nStates);
  }

  forwardTaped(
    t: number,
    y: Float64Array,
    p: Float64Array,
    dydt: Float64Array,
    tape: Float64Array,
    off: number,
  ): void {
    this.writeInput(t, y, 0, tape, off);
    this.mlp.forwardFromTape(p, tape, off);
    this.writeOutput(y, 0, dydt, 0, tape, off, p);
  }

  backwardTaped(
    _t: number,
    p: Float64Array,
    tape: Float64Array,
    off: number,
    v: Float64Array,
    vJy: Float64Array,
    vJp: Float64Array | null,
  ): void {
    this.outputCotangent(v, 0, vJy, 0, tape, off, this.gOut, p, vJp);
    this.mlp.backward(p, tape, off, this.gOut, this.gIn, vJp, true, this.nStates);
    this.addInputCotangent(this.gIn, vJy, 0);
  }

  /**
   * Put the network input [x̃; ũ(t); t̃] for the state y[yo …] on the tape, and keep the state
   * (and, in the S·r_θ form, the enzyme factors e_j).
   */
  writeInput(t: number, y: Float64Array, yo: number, tape: Float64Array, off: number): void {
    const node = this.node;
    const n = this.nStates;
    const sh = node.stateShift;
    const sc = node.stateScale;
    for (let i = 0; i < n; i++) {
      const yi = y[yo + i]!;
      tape[off + i] = (yi - sh[i]!) / sc[i]!;
      tape[off + this.yOff + i] = yi;
    }
    const st = node.stoichiometry;
    if (st) this.writeEnzymeFactors(st, t, tape, off);
    else if (this.controls) this.controls.evaluate(t, tape, off + n, node.controlShift, node.controlScale);
    if (node.timeInput) tape[off + n + (node.networkControls ? node.nControls : 0)] = t / node.timeScale;
  }

  private writeEnzymeFactors(st: Stoichiometry, t: number, tape: Float64Array, off: number): void {
    const node = this.node;
    const n = this.nStates;
    const u = this.uRaw;
    if (this.controls) {
      this.controls.evaluate(t, u, 0);
      if (node.networkControls) {
        const csh = node.controlShift;
        const csc = node.controlScale;
        for (let k = 0; k < node.nControls; k++) tape[off + n + k] = (u[k]! - csh[k]!) / csc[k]!;
      }
    }
    const { enzymeList } = st;
    const es = st.enzymeScale;
    const eo = off + this.eOff;
    for (let q = 0; q < enzymeList.length; q++) {
      const k = enzymeList[q]!;
      tape[eo + q] = u[k]! / es[k]!;
    }
  }

  /**
   * e_j = Π h_q over the enzymes of reaction j, h = (u_k/enzymeScale_k)^α saturated by κ (a level
   * ≤ 0 gives 0 unless α = 1).
   */
  private enzymeFactor(
    st: Stoichiometry,
    p: Float64Array,
    tape: Float64Array,
    eo: number,
    j: number,
  ): number {
    let e = 1;
    for (let q = st.enzymePtr[j]!; q < st.enzymePtr[j + 1]!; q++)
      e *= saturateEnzyme(enzymePower(tape[eo + q]!, this.alpha(st, p, q)), this.kappa(st, p, q));
    return e;
  }

  private alpha(st: Stoichiometry, p: Float64Array, q: number): number {
    return Number.isNaN(st.elasticity) ? sigmoid(p[this.node.elasticityOffset + q]!) : st.elasticity;
  }

  private kappa(st: Stoichiometry, p: Float64Array, q: number): number {
    return Number.isNaN(st.saturation) ? Math.exp(p[this.node.saturationOffset + q]!) : st.saturation;
  }

  /** The factor of substrate q of reaction j at level x: x/scale (mass action) or x⁺/(x⁺ + K). */
  private substrateTerm(st: Stoichiometry, p: Float64Array, q: number, x: number): number {
    const scale = st.substrateScale[st.substrates[q]!]!;
    return st.michaelisMenten
      ? substrateFactor(x, scale * Math.exp(p[this.node.michaelisOffset + q]!), true)
      : substrateFactor(x, scale, false);
  }

  /** dx/dt into dydt[dOff …] from the network output on the tape. */
  writeOutput(
    y: Float64Array,
    yo: number,
    dydt: Float64Array,
    dOff: number,
    tape: Float64Array,
    off: number,
    p: Float64Array,
  ): void {
    const node = this.node;
    const n = this.nStates;
    const o = off + this.mlp.outputOffset();
    const s = node.outputScale;
    const sc = node.stateScale;
    const st = node.stoichiometry;
    if (st) {
      const { colPtr, rowIndex, values } = st.sparse;
      const rs = st.rateScale;
      const rev = st.reversible;
      const eo = off + this.eOff;
      const { substratePtr, substrates } = st;
      for (let i = 0; i < n; i++) dydt[dOff + i] = 0;
      for (let j = 0; j < st.nReactions; j++) {
        const z = tape[o + j]!;
        let r = rs[j]! * this.enzymeFactor(st, p, tape, eo, j) * (rev[j] ? z : softplus(z));
        for (let q = substratePtr[j]!; q < substratePtr[j + 1]!; q++)
          r *= this.substrateTerm(st, p, q, y[yo + substrates[q]!]!);
        for (let q = colPtr[j]!; q < colPtr[j + 1]!; q++) dydt[dOff + rowIndex[q]!] += values[q]! * r;
      }
      return;
    }
    switch (node.nonnegative) {
      case 'none':
        for (let i = 0; i < n; i++) dydt[dOff + i] = s[i]! * tape[o + i]!;
        return;
      case 'multiplicative':
        for (let i = 0; i < n; i++) dydt[dOff + i] = y[yo + i]! * s[i]! * tape[o + i]!;
        return;
      case 'production-degradation':
        for (let i = 0; i < n; i++) {
          dydt[dOff + i] =
            s[i]! * softplus(tape[o + i]!) - (y[yo + i]! * s[i]! * softplus(tape[o + n + i]!)) / sc[i]!;
        }
        return;
    }
  }

  /**
   * From the cotangent v[vo …] of dx/dt: the network-output cotangent into go, and the part of
   * vᵀ∂f/∂x that bypasses the network into vJy[jo …] (overwrite).
   */
  outputCotangent(
    v: Float64Array,
    vo: number,
    vJy: Float64Array,
    jo: number,
    tape: Float64Array,
    off: number,
    go: Float64Array,
    p: Float64Array,
    vJp: Float64Array | null,
  ): void {
    const node = this.node;
    const n = this.nStates;
    const s = node.outputScale;
    const sc = node.stateScale;
    const o = off + this.mlp.outputOffset();
    const yo = off + this.yOff;
    const st = node.stoichiometry;
    if (st) {
      // f = S·r with r_j = rs_j·e_j·s(z_j)·m_j(x): the substrate factor m_j is the only part of
      // ∂f/∂x that bypasses the network (e depends on u(t) alone); learned elasticities and
      // Michaelis constants take their cotangents here, added into vJp.
      const { colPtr, rowIndex, values } = st.sparse;
      const { substratePtr, substrates, substrateScale, enzymePtr } = st;
      const rs = st.rateScale;
      const rev = st.reversible;
      const eo = off + this.eOff;
      const learnedAlpha = Number.isNaN(st.elasticity) && vJp !== null;
      const learnedKappa = Number.isNaN(st.saturation) && vJp !== null;
      const mm = st.michaelisMenten;
      const ao = node.elasticityOffset;
      const so = node.saturationOffset;
      const bo = node.michaelisOffset;
      for (let i = 0; i < n; i++) vJy[jo + i] = 0;
      for (let j = 0; j < st.nReactions; j++) {
        let a = 0;
        for (let q = colPtr[j]!; q < colPtr[j + 1]!; q++) a += values[q]! * v[vo + rowIndex[q]!]!;
        const z = tape[o + j]!;
        const sz = rev[j] ? z : softplus(z);
        const c = a * rs[j]! * this.enzymeFactor(st, p, tape, eo, j);
        const q0 = substratePtr[j]!;
        const q1 = substratePtr[j + 1]!;
        let mj = 1;
        for (let q = q0; q < q1; q++) mj *= this.substrateTerm(st, p, q, tape[yo + substrates[q]!]!);
        go[j] = c * mj * (rev[j] ? 1 : sigmoid(z));
        if (learnedAlpha || learnedKappa) {
          // With w = ratio^α and h = (1 + κ)w/(κ + w): ∂ln h/∂ln w = κ/(κ + w) (1 unsaturated),
          // so ∂e/∂a_q = e·ln(ratio_q)·α(1 − α)·κ/(κ + w), and ∂e/∂c_q = e·κ·(1/(1 + κ) − 1/(κ + w)).
          // A level ≤ 0 contributes e = 0 and no gradient.
          const cr = c * mj * sz;
          for (let q = enzymePtr[j]!; q < enzymePtr[j + 1]!; q++) {
            const ratio = tape[eo + q]!;
            if (!(ratio > 0)) continue;
            const alpha = this.alpha(st, p, q);
            const kappa = this.kappa(st, p, q);
            const saturated = kappa !== Number.POSITIVE_INFINITY;
            const w = saturated ? enzymePower(ratio, alpha) : 0;
            if (learnedAlpha) {
              const dlnh = saturated ? kappa / (kappa + w) : 1;
              vJp![ao + q] += cr * Math.log(ratio) * alpha * (1 - alpha) * dlnh;
            }
            if (learnedKappa) vJp![so + q] += cr * kappa * (1 / (1 + kappa) - 1 / (kappa + w));
          }
        }
        if (q0 === q1) continue;
        const cs = c * sz;
        for (let q = q0; q < q1; q++) {
          // The product over the other substrates: no division by a zero factor.
          let others = cs;
          for (let r = q0; r < q1; r++)
            if (r !== q) others *= this.substrateTerm(st, p, r, tape[yo + substrates[r]!]!);
          const i = substrates[q]!;
          const x = tape[yo + i]!;
          if (!mm) {
            vJy[jo + i] += others / substrateScale[i]!;
            continue;
          }
          if (!(x > 0)) continue;
          const K = substrateScale[i]! * Math.exp(p[bo + q]!);
          const d = others * (K / ((x + K) * (x + K)));
          vJy[jo + i] += d;
          if (vJp) vJp[bo + q] -= d * x;
        }
      }
      return;
    }
    switch (node.nonnegative) {
      case 'none':
        for (let i = 0; i < n; i++) {
          go[i] = v[vo + i]! * s[i]!;
          vJy[jo + i] = 0;
        }
        return;
      case 'multiplicative':
        for (let i = 0; i < n; i++) {
          go[i] = v[vo + i]! * tape[yo + i]! * s[i]!;
          vJy[jo + i] = v[vo + i]! * s[i]! * tape[o + i]!;
        }
        return;
      case 'production-degradation':
        for (let i = 0; i < n; i++) {
          const k = s[i]! / sc[i]!;
          go[i] = v[vo + i]! * s[i]! * sigmoid(tape[o + i]!);
          go[n + i] = -v[vo + i]! * tape[yo + i]! * k * sigmoid(tape[o + n + i]!);
          vJy[jo + i] = -v[vo + i]! * k * softplus(tape[o + n + i]!);
        }
        return;
    }
  }

  /** vJy[jo …] += network-input cotangent of the states, back in state units. */
  addInputCotangent(gIn: Float64Array, vJy: Float64Array, jo: number): void {
    const sc = this.node.stateScale;
    for (let i = 0; i < this.nStates; i++) vJy[jo + i] += gIn[i]! / sc[i]!;
  }

  /** ∂f/∂x, row-major n × n (one reverse pass per state). */
  jac(t: number, y: Float64Array, p: Float64Array, J: Float64Array): void {
    const n = this.nStates;
    const e = this.jacE;
    const row = this.jacRow;
    this.forwardTaped(t, y, p, row, this.scratch, 0);
    for (let k = 0; k < n; k++) {
      e.fill(0);
      e[k] = 1;
      this.backwardTaped(t, p, this.scratch, 0, e, row, null);
      for (let j = 0; j < n; j++) J[k * n + j] = row[j]!;
    }
  }
}
