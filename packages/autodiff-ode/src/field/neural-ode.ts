import { type Activation, sigmoid, softplus } from '../mlp/activations';
import { MLP } from '../mlp/mlp';
import type { Rng } from '../random/rng';
import type { TapedModel } from '../integrate/taped-model';
import { type ControlSeries, LinearControls } from './controls';

/**
 * How positivity of the states is built into the field.
 * - 'none': dx/dt = s ⊙ net.
 * - 'multiplicative': dx_i/dt = x_i · s_i · net_i (log-space growth rates: x_i > 0 stays positive).
 * - 'production-degradation': dx_i/dt = s_i·softplus(net_i) − x_i·(s_i/σ_i)·softplus(net_{n+i})
 *   (non-negative production, first-order loss; σ the state scale). x_i ≥ 0 stays non-negative.
 */
export type NonNegativity = 'none' | 'multiplicative' | 'production-degradation';

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

/**
 * A neural ODE: an MLP on [x̃; ũ(t); t̃] with output scaling and a positivity option, evaluated
 * by the fused float64 kernel. Its parameters are the MLP's flat vector. `field(controls)` binds
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
    const nOut = this.nonnegative === 'production-degradation' ? 2 * n : n;
    this.mlp = new MLP({
      widths: [n + m + (this.timeInput ? 1 : 0), ...(spec.hidden ?? [64, 64]), nOut],
      activation: spec.activation ?? 'tanh',
    });
    this.stateShift = vec('stateShift', spec.stateShift, n, 0, false);
    this.stateScale = vec('stateScale', spec.stateScale, n, 1, true);
    this.controlShift = vec('controlShift', spec.controlShift, m, 0, false);
    this.controlScale = vec('controlScale', spec.controlScale, m, 1, true);
    this.timeScale = spec.timeScale ?? 1;
    if (!(this.timeScale > 0))
      throw new RangeError(`NeuralODE: timeScale must be positive, got ${this.timeScale}`);
    this.outputScale = vec('outputScale', spec.outputScale, n, 1, true);
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
    return this.mlp.nParams;
  }

  /** Fresh parameters: Glorot-normal weights (or N(0, std²)), zero biases. */
  initParams(rng: Rng, std?: number): Float64Array {
    return this.mlp.initParams(rng, std);
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
    };
  }
}

/** Build a neural ODE (alias of `new NeuralODE(spec)`). */
export function neuralODE(spec: NeuralODESpec): NeuralODE {
  return new NeuralODE(spec);
}

/**
 * f_θ(t, x) of one trajectory. Implements the model interface of `odeGradient`
 * ({f, vjp, jac}) and the taped interface of the fused solver.
 */
export class NeuralField implements TapedModel {
  readonly nStates: number;
  readonly nParams: number;
  readonly tapeSize: number;
  readonly tstops: Float64Array;
  readonly node: NeuralODE;
  readonly controls: LinearControls | null;
  private readonly mlp: MLP;
  private readonly yOff: number;
  private readonly scratch: Float64Array;
  private readonly gOut: Float64Array;
  private readonly gIn: Float64Array;
  private readonly fScratch: Float64Array;
  private readonly jacE: Float64Array;
  private readonly jacRow: Float64Array;

  constructor(node: NeuralODE, controls?: ControlSeries | LinearControls) {
    this.node = node;
    this.mlp = node.mlp;
    this.nStates = node.nStates;
    this.nParams = node.mlp.nParams;
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
    this.tapeSize = this.mlp.tapeSize + this.nStates;
    this.scratch = new Float64Array(this.tapeSize);
    this.gOut = new Float64Array(this.mlp.nOut);
    this.gIn = new Float64Array(this.mlp.nIn);
    this.fScratch = new Float64Array(this.nStates);
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
    this.writeOutput(y, 0, dydt, 0, tape, off);
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
    this.outputCotangent(v, 0, vJy, 0, tape, off, this.gOut);
    this.mlp.backward(p, tape, off, this.gOut, this.gIn, vJp, true, this.nStates);
    this.addInputCotangent(this.gIn, vJy, 0);
  }

  /** Put the network input [x̃; ũ(t); t̃] for the state y[yo …] on the tape, and keep the state. */
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
    if (this.controls) this.controls.evaluate(t, tape, off + n, node.controlShift, node.controlScale);
    if (node.timeInput) tape[off + n + node.nControls] = t / node.timeScale;
  }

  /** dx/dt into dydt[dOff …] from the network output on the tape. */
  writeOutput(
    y: Float64Array,
    yo: number,
    dydt: Float64Array,
    dOff: number,
    tape: Float64Array,
    off: number,
  ): void {
    const node = this.node;
    const n = this.nStates;
    const o = off + this.mlp.outputOffset();
    const s = node.outputScale;
    const sc = node.stateScale;
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
  ): void {
    const node = this.node;
    const n = this.nStates;
    const s = node.outputScale;
    const sc = node.stateScale;
    const o = off + this.mlp.outputOffset();
    const yo = off + this.yOff;
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

  f(t: number, y: Float64Array, p: Float64Array, dydt: Float64Array): void {
    this.forwardTaped(t, y, p, dydt, this.scratch, 0);
  }

  vjp(
    t: number,
    y: Float64Array,
    p: Float64Array,
    v: Float64Array,
    vJy: Float64Array,
    vJp: Float64Array,
  ): void {
    this.forwardTaped(t, y, p, this.fScratch, this.scratch, 0);
    vJp.fill(0);
    this.backwardTaped(t, p, this.scratch, 0, v, vJy, vJp);
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
