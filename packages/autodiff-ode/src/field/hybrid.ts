import { softplus, sigmoid, type Activation } from '../mlp/activations';
import { MLP } from '../mlp/mlp';
import type { Rng } from '../random/rng';
import type { ParametricModel } from '../integrate/taped-model';
import { type ControlSeries, LinearControls } from './controls';

/**
 * A hybrid field: known physics with learned terms inside, dx/dt = known(t, x, u, g) where
 * g = g_θ(selected states and controls) is a small network. The known part supplies its own
 * VJP; the network's is chained in, so the whole field plugs into the solvers and `odeGradient`.
 */
export interface HybridSpec {
  nStates: number;
  nControls?: number;
  learned: {
    /** Indices of the states and controls fed to the network. */
    states?: number[];
    controls?: number[];
    /** Number of learned quantities g. */
    outputs: number;
    hidden?: number[];
    activation?: Activation;
    /** Network input = selected value / inputScale (per input, default 1). */
    inputScale?: number[];
    /** 'softplus' keeps g positive (rates, yields); default 'identity'. */
    output?: 'identity' | 'softplus';
  };
  /** dx/dt from the state, the controls and the learned g (write into dydt). */
  known(t: number, x: Float64Array, u: Float64Array, g: Float64Array, dydt: Float64Array): void;
  /** For v: vJx = vᵀ∂known/∂x and vJg = vᵀ∂known/∂g (overwrite both). */
  knownVjp(
    t: number,
    x: Float64Array,
    u: Float64Array,
    g: Float64Array,
    v: Float64Array,
    vJx: Float64Array,
    vJg: Float64Array,
  ): void;
}

export class HybridModel {
  readonly spec: HybridSpec;
  readonly mlp: MLP;
  readonly stateIdx: number[];
  readonly controlIdx: number[];
  readonly inputScale: Float64Array;

  constructor(spec: HybridSpec) {
    const L = spec.learned;
    this.spec = spec;
    this.stateIdx = L.states ?? [];
    this.controlIdx = L.controls ?? [];
    const nin = this.stateIdx.length + this.controlIdx.length;
    if (nin === 0)
      throw new RangeError('HybridModel: the learned term needs at least one state or control input');
    for (const i of this.stateIdx)
      if (!(i >= 0 && i < spec.nStates)) throw new RangeError(`HybridModel: state index ${i} out of range`);
    for (const i of this.controlIdx) {
      if (!(i >= 0 && i < (spec.nControls ?? 0)))
        throw new RangeError(`HybridModel: control index ${i} out of range`);
    }
    this.inputScale = Float64Array.from(L.inputScale ?? new Array(nin).fill(1));
    if (this.inputScale.length !== nin)
      throw new RangeError(`HybridModel: inputScale has ${this.inputScale.length} entries for ${nin} inputs`);
    this.mlp = new MLP({
      widths: [nin, ...(L.hidden ?? [16, 16]), L.outputs],
      activation: L.activation ?? 'tanh',
    });
  }

  get nParams(): number {
    return this.mlp.nParams;
  }

  initParams(rng: Rng, std?: number): Float64Array {
    return this.mlp.initParams(rng, std);
  }

  /** The learned quantities g_θ for given state and controls (e.g. to plot a learned μ(S)). */
  learned(p: Float64Array, x: ArrayLike<number>, u: ArrayLike<number> = []): Float64Array {
    const inp = new Float64Array(this.mlp.nIn);
    this.fillInput(x, u, inp);
    const g = new Float64Array(this.mlp.nOut);
    this.mlp.forward(p, inp, g);
    if (this.spec.learned.output === 'softplus') for (let k = 0; k < g.length; k++) g[k] = softplus(g[k]!);
    return g;
  }

  fillInput(x: ArrayLike<number>, u: ArrayLike<number>, inp: Float64Array): void {
    let k = 0;
    for (const i of this.stateIdx) inp[k] = x[i]! / this.inputScale[k++]!;
    for (const i of this.controlIdx) inp[k] = u[i]! / this.inputScale[k++]!;
  }

  /** The field of one trajectory. */
  field(controls?: ControlSeries): ParametricModel {
    const spec = this.spec;
    const mlp = this.mlp;
    const n = spec.nStates;
    const m = spec.nControls ?? 0;
    const lc = controls ? new LinearControls(controls) : null;
    if (m > 0 && !lc)
      throw new TypeError(`HybridModel.field: the model has ${m} controls; pass their series`);
    const u = new Float64Array(m);
    const inp = new Float64Array(mlp.nIn);
    const raw = new Float64Array(mlp.nOut);
    const g = new Float64Array(mlp.nOut);
    const vJg = new Float64Array(mlp.nOut);
    const gin = new Float64Array(mlp.nIn);
    const soft = spec.learned.output === 'softplus';
    const evalNet = (t: number, y: Float64Array, p: Float64Array) => {
      if (lc) lc.evaluate(t, u);
      this.fillInput(y, u, inp);
      mlp.forward(p, inp, raw);
      for (let k = 0; k < raw.length; k++) g[k] = soft ? softplus(raw[k]!) : raw[k]!;
    };
    return {
      nStates: n,
      nParams: mlp.nParams,
      tstops: lc ? lc.tstops : new Float64Array(0),
      f(t, y, p, dydt) {
        evalNet(t, y, p);
        spec.known(t, y, u, g, dydt);
      },
      vjp: (t, y, p, v, vJy, vJp) => {
        evalNet(t, y, p);
        spec.knownVjp(t, y, u, g, v, vJy, vJg);
        if (soft) for (let k = 0; k < raw.length; k++) vJg[k] *= sigmoid(raw[k]!);
        mlp.backward(p, null, 0, vJg, gin, vJp, false);
        let k = 0;
        for (const i of this.stateIdx) {
          vJy[i] += gin[k]! / this.inputScale[k]!;
          k++;
        }
      },
    };
  }
}
