import type { StoichiometricField } from '@kinetica/stoichiometry';
import type { Activation } from '../mlp/activations';
import { MLP } from '../mlp/mlp';
import type { Rng } from '../random/rng';
import type { ParametricModel } from '../integrate/taped-model';
import { type ControlSeries, LinearControls } from './controls';

/**
 * The mechanistic part of an additive hybrid: a field with parameters θ and controls u(t),
 * dx/dt = f(t, x, u; θ), with its exact vector–Jacobian product (vJx = vᵀ∂f/∂x and
 * vJtheta = vᵀ∂f/∂θ, both overwritten): the kinetics interface of stoichiometry's
 * `StoichiometricField`, so such a field, or a compiled SBML model's `derivatives()` with the
 * controls written into some of its parameters, plugs in.
 */
export interface MechanisticPart extends Pick<StoichiometricField, 'f' | 'vjp'> {
  readonly nStates: number;
  readonly nControls: number;
  /** θ: the model's parameter values (training starts from them). */
  readonly params: ArrayLike<number>;
  /** Optional ∂f/∂x, row-major nStates × nStates (implicit solvers use it). */
  jac?(t: number, x: Float64Array, u: Float64Array, theta: Float64Array, J: Float64Array): void;
}

/** Hidden widths of the correction network unless the spec gives them. */
const DEFAULT_HIDDEN: readonly number[] = [32, 32];

/** The numbers that define an `AdditiveHybrid` besides its mechanistic part (model.json). */
export interface AdditiveHybridSpec {
  /**
   * Indices of θ that are trained, on a log scale (each must be > 0). Default: every entry of θ
   * that is > 0. The others stay at their values.
   */
  trainable?: readonly number[];
  /** States the network corrects (default all). */
  corrected?: readonly number[];
  /**
   * States the network reads (default all). Leaving out unmeasured species keeps the network's
   * inputs on the scale of the data when the mechanism drives such a species far from its start.
   */
  inputs?: readonly number[];
  /** Network input j = x_j / stateScale_j (positive, one per state). */
  stateScale: ArrayLike<number>;
  /** Network input of control c = log(1 + u_c / controlScale_c) (positive; default 1). */
  controlScale?: ArrayLike<number>;
  /** The correction of corrected state k is rateScale_k · g_k (positive, one per corrected state). */
  rateScale: ArrayLike<number>;
  hidden?: readonly number[];
  activation?: Activation;
}

/** A saved hybrid: its spec and parameters (the mechanistic part is supplied again on load). */
export interface AdditiveHybridJSON {
  format: 'kinetica-additive-hybrid';
  version: 1;
  spec: Required<Omit<AdditiveHybridSpec, 'stateScale' | 'controlScale' | 'rateScale'>> & {
    stateScale: number[];
    controlScale: number[];
    rateScale: number[];
  };
  /** θ of the mechanistic part, every entry (trained ones included). */
  theta: number[];
  /**
   * ln θ of the trained entries as trained (the parameter vector's first part). exp then ln does
   * not always return the same double, so without it a restored model's solves may differ from the
   * trained one's at the level of the solver's tolerance; with it they are the same to the bit.
   * Optional: files without it restore from ln(theta).
   */
  logTheta?: number[];
  /** The network's weights. */
  network: number[];
}

/**
 * A hybrid of known mechanism and learned correction,
 *
 *   dx/dt = f_mech(x, u; θ) + R · g_w(x / s_x, log(1 + u / s_u)),
 *
 * with both parameter sets trained: the parameter vector is [log θ_trainable, w]. The network g
 * (an MLP) sees the `inputs` states (default all) and every control, and writes one output per
 * corrected state, scaled by
 * R = `rateScale`. `initParams` zeroes the network's output layer, so training starts from the
 * mechanistic model itself (its gradient then reaches the output layer first). The field plugs
 * into the training solvers and `odeGradient` like any `ParametricModel`.
 */
export class AdditiveHybrid {
  readonly mechanistic: MechanisticPart;
  readonly mlp: MLP;
  readonly nStates: number;
  readonly nControls: number;
  readonly trainable: Int32Array;
  readonly corrected: Int32Array;
  readonly inputs: Int32Array;
  readonly stateScale: Float64Array;
  readonly controlScale: Float64Array;
  readonly rateScale: Float64Array;
  readonly hidden: number[];
  readonly activation: Activation;
  /** θ with the entries that are not trained (a copy of the mechanistic part's values). */
  readonly theta0: Float64Array;

  constructor(mechanistic: MechanisticPart, spec: AdditiveHybridSpec) {
    const n = mechanistic.nStates;
    const m = mechanistic.nControls;
    this.mechanistic = mechanistic;
    this.nStates = n;
    this.nControls = m;
    this.theta0 = Float64Array.from(mechanistic.params);
    const positive = (name: string, v: ArrayLike<number>, length: number) => {
      if (v.length !== length)
        throw new RangeError(`AdditiveHybrid: ${name} has ${v.length} entries, expected ${length}`);
      for (let i = 0; i < length; i++)
        if (!(v[i]! > 0 && Number.isFinite(v[i]!)))
          throw new RangeError(`AdditiveHybrid: ${name}[${i}] must be a finite number > 0, got ${v[i]}`);
      return Float64Array.from(v);
    };
    const indices = (name: string, v: readonly number[], size: number) => {
      const seen = new Set<number>();
      for (const i of v) {
        if (!(Number.isInteger(i) && i >= 0 && i < size))
          throw new RangeError(`AdditiveHybrid: ${name} index ${i} is out of range 0..${size - 1}`);
        if (seen.has(i)) throw new RangeError(`AdditiveHybrid: ${name} lists index ${i} twice`);
        seen.add(i);
      }
      return Int32Array.from(v);
    };
    const theta = this.theta0;
    this.trainable = indices(
      'trainable',
      spec.trainable ?? Array.from(theta.keys()).filter((i) => theta[i]! > 0),
      theta.length,
    );
    for (const i of this.trainable)
      if (!(theta[i]! > 0 && Number.isFinite(theta[i]!)))
        throw new RangeError(
          `AdditiveHybrid: trainable parameter ${i} has the value ${theta[i]}; trained parameters live on a log scale and must be > 0`,
        );
    const all = Array.from({ length: n }, (_, i) => i);
    this.corrected = indices('corrected', spec.corrected ?? all, n);
    this.inputs = indices('inputs', spec.inputs ?? all, n);
    this.stateScale = positive('stateScale', spec.stateScale, n);
    this.controlScale = positive('controlScale', spec.controlScale ?? new Array(m).fill(1), m);
    this.rateScale = positive('rateScale', spec.rateScale, this.corrected.length);
    this.hidden = [...(spec.hidden ?? DEFAULT_HIDDEN)];
    this.activation = spec.activation ?? 'tanh';
    const nin = this.inputs.length + m;
    if (nin === 0) throw new RangeError('AdditiveHybrid: the network reads no state and no control');
    this.mlp = new MLP({ widths: [nin, ...this.hidden, this.corrected.length], activation: this.activation });
  }

  /** Number of trained mechanistic parameters (the first entries of the parameter vector). */
  get nMechanistic(): number {
    return this.trainable.length;
  }

  get nParams(): number {
    return this.trainable.length + this.mlp.nParams;
  }

  /** [log θ_trainable, network weights] with the network's output layer zero: the mechanistic model exactly. */
  initParams(rng: Rng, std?: number): Float64Array {
    const p = new Float64Array(this.nParams);
    const k = this.trainable.length;
    for (let i = 0; i < k; i++) p[i] = Math.log(this.theta0[this.trainable[i]!]!);
    const w = this.mlp.initParams(rng, std);
    // The output layer (W and b of the last layer: the tail of the MLP's layout) starts at zero.
    w.fill(0, this.mlp.weightOffset[this.mlp.nLayers - 1]!);
    p.set(w, k);
    return p;
  }

  /** The full θ for a parameter vector (trained entries exp(log θ), the others as given). */
  theta(p: ArrayLike<number>, out = new Float64Array(this.theta0.length)): Float64Array {
    out.set(this.theta0);
    for (let i = 0; i < this.trainable.length; i++) out[this.trainable[i]!] = Math.exp(p[i]!);
    return out;
  }

  /** The field of one trajectory, driven by its controls (required when the model has controls). */
  field(controls?: ControlSeries): ParametricModel & { tstops: Float64Array } {
    const n = this.nStates;
    const m = this.nControls;
    const mech = this.mechanistic;
    const mlp = this.mlp;
    const k = this.trainable.length;
    const nw = mlp.nParams;
    const lc = controls ? new LinearControls(controls) : null;
    if (m > 0 && !lc)
      throw new TypeError(`AdditiveHybrid.field: the model has ${m} controls; pass their series`);
    if (lc && lc.nControls !== m)
      throw new RangeError(`AdditiveHybrid.field: the controls have ${lc.nControls} columns, the model ${m}`);
    const u = new Float64Array(m);
    const ni = this.inputs.length;
    const inp = new Float64Array(ni + m);
    const g = new Float64Array(this.corrected.length);
    const vg = new Float64Array(this.corrected.length);
    const gin = new Float64Array(ni + m);
    // θ with theta[trainable[i]] = exp(logTheta[i]) for the ln θ of the last call (NaN: none yet).
    const theta = Float64Array.from(this.theta0);
    const logTheta = new Float64Array(k).fill(Number.NaN);
    const vJtheta = new Float64Array(this.theta0.length);
    const wJ = new Float64Array(this.corrected.length * (ni + m));
    const e = mech.jac ? null : new Float64Array(n);
    const row = mech.jac ? null : new Float64Array(n);
    const { corrected, inputs, rateScale, stateScale, controlScale, trainable } = this;
    // Views of the network's part of p and of vJp, made again only when another array comes
    // (a solver passes the same ones at every call).
    let pSeen: Float64Array | null = null;
    let w: Float64Array = new Float64Array(0);
    let gSeen: Float64Array | null = null;
    let gw: Float64Array = new Float64Array(0);
    /** u(t), θ (exp of ln θ only where it changed) and the network input; the network's weights. */
    const prepare = (t: number, y: Float64Array, p: Float64Array) => {
      if (lc) lc.evaluate(t, u);
      for (let i = 0; i < k; i++)
        if (p[i] !== logTheta[i]) {
          logTheta[i] = p[i]!;
          theta[trainable[i]!] = Math.exp(p[i]!);
        }
      for (let q = 0; q < ni; q++) inp[q] = y[inputs[q]!]! / stateScale[inputs[q]!]!;
      for (let c = 0; c < m; c++) inp[ni + c] = Math.log1p(u[c]! / controlScale[c]!);
      if (p !== pSeen) {
        pSeen = p;
        w = p.subarray(k, k + nw);
      }
      return w;
    };
    return {
      nStates: n,
      nParams: k + nw,
      tstops: lc ? lc.tstops : new Float64Array(0),
      f(t, y, p, dydt) {
        const w = prepare(t, y, p as Float64Array);
        mech.f(t, y, u, theta, dydt);
        mlp.forward(w, inp, g);
        for (let q = 0; q < corrected.length; q++) dydt[corrected[q]!] += rateScale[q]! * g[q]!;
      },
      vjp(t, y, p, v, vJy, vJp) {
        const w = prepare(t, y, p as Float64Array);
        mech.vjp(t, y, u, theta, v, vJy, vJtheta);
        for (let i = 0; i < k; i++) vJp[i] = vJtheta[trainable[i]!]! * theta[trainable[i]!]!;
        for (let q = 0; q < corrected.length; q++) vg[q] = v[corrected[q]!]! * rateScale[q]!;
        if (vJp !== gSeen) {
          gSeen = vJp;
          gw = vJp.subarray(k, k + nw);
        }
        mlp.vjp(w, inp, vg, gin, gw);
        for (let q = 0; q < ni; q++) vJy[inputs[q]!] += gin[q]! / stateScale[inputs[q]!]!;
      },
      jac(t, y, p, J) {
        const w = prepare(t, y, p as Float64Array);
        if (mech.jac) mech.jac(t, y, u, theta, J);
        else {
          // Rows of ∂f_mech/∂x from unit cotangents (exact, n vector–Jacobian products).
          for (let i = 0; i < n; i++) {
            e!.fill(0);
            e![i] = 1;
            mech.vjp(t, y, u, theta, e!, row!, vJtheta);
            J.set(row!, i * n);
          }
        }
        mlp.jacobian(w, inp, wJ);
        for (let q = 0; q < corrected.length; q++) {
          const i = corrected[q]!;
          for (let r = 0; r < ni; r++) {
            const j = inputs[r]!;
            J[i * n + j] += (rateScale[q]! * wJ[q * (ni + m) + r]!) / stateScale[j]!;
          }
        }
      },
    };
  }

  toJSON(p: ArrayLike<number>): AdditiveHybridJSON {
    if (p.length !== this.nParams)
      throw new RangeError(`AdditiveHybrid.toJSON: ${p.length} parameters, expected ${this.nParams}`);
    return {
      format: 'kinetica-additive-hybrid',
      version: 1,
      spec: {
        trainable: Array.from(this.trainable),
        corrected: Array.from(this.corrected),
        inputs: Array.from(this.inputs),
        stateScale: Array.from(this.stateScale),
        controlScale: Array.from(this.controlScale),
        rateScale: Array.from(this.rateScale),
        hidden: [...this.hidden],
        activation: this.activation,
      },
      theta: Array.from(this.theta(p)),
      logTheta: Array.from(p).slice(0, this.trainable.length),
      network: Array.from(p).slice(this.trainable.length),
    };
  }

  /** Rebuild from `toJSON` with the same mechanistic part (its θ is replaced by the saved one). */
  static fromJSON(
    json: AdditiveHybridJSON,
    mechanistic: MechanisticPart,
  ): { model: AdditiveHybrid; params: Float64Array } {
    if (json?.format !== 'kinetica-additive-hybrid')
      throw new TypeError('AdditiveHybrid.fromJSON: not a kinetica-additive-hybrid object');
    if (json.theta.length !== mechanistic.params.length)
      throw new RangeError(
        `AdditiveHybrid.fromJSON: the saved θ has ${json.theta.length} entries, the mechanistic part ${mechanistic.params.length}`,
      );
    // The part's methods are passed on bound to it (a class instance keeps its `this`).
    const part: MechanisticPart = {
      nStates: mechanistic.nStates,
      nControls: mechanistic.nControls,
      params: json.theta,
      f: mechanistic.f.bind(mechanistic),
      vjp: mechanistic.vjp.bind(mechanistic),
      ...(mechanistic.jac ? { jac: mechanistic.jac.bind(mechanistic) } : {}),
    };
    // The network's size from the spec, checked before anything of that size is allocated.
    const { spec } = json;
    const widths = [
      (spec.inputs?.length ?? mechanistic.nStates) + mechanistic.nControls,
      ...(spec.hidden ?? DEFAULT_HIDDEN),
      spec.corrected?.length ?? mechanistic.nStates,
    ];
    let weights = 0;
    for (let l = 0; l + 1 < widths.length; l++) weights += (widths[l]! + 1) * widths[l + 1]!;
    if (json.network.length !== weights)
      throw new RangeError(
        `AdditiveHybrid.fromJSON: ${json.network.length} network weights, the spec needs ${weights}`,
      );
    const model = new AdditiveHybrid(part, spec);
    const logTheta = json.logTheta;
    if (logTheta !== undefined && logTheta.length !== model.trainable.length)
      throw new RangeError(
        `AdditiveHybrid.fromJSON: logTheta has ${logTheta.length} entries, ${model.trainable.length} are trainable`,
      );
    const params = new Float64Array(model.nParams);
    model.trainable.forEach((i, q) => void (params[q] = logTheta?.[q] ?? Math.log(json.theta[i]!)));
    params.set(json.network, model.trainable.length);
    return { model, params };
  }
}
