import { sigmoid } from '../mlp/activations';
import type { MLP } from '../mlp/mlp';
import { TapedField } from '../integrate/taped-model';

/**
 * The augmented field of a continuous normalizing flow (Chen et al. 2018; Grathwohl et al. 2019,
 * FFJORD): for a network g(z, t), the state [z; ℓ] evolves as dz/dt = g, dℓ/dt = tr(∂g/∂z).
 * The trace is exact (Σ_k e_kᵀ J e_k, d tangent passes) or Hutchinson's estimate εᵀJε with a
 * probe ε held fixed during a solve. Tangents ride along the forward pass, and the reverse pass
 * differentiates primal and tangent together (second derivatives of the activations), so the
 * gradient of the log-likelihood is exact for the computed solution.
 */
export class TraceField extends TapedField {
  readonly nStates: number;
  readonly nParams: number;
  readonly tapeSize: number;
  readonly tstops = new Float64Array(0);
  readonly d: number;
  readonly mlp: MLP;
  /** Probe vectors, row-major (nProbes × d): unit vectors for the exact trace. */
  readonly probes: Float64Array;
  readonly nProbes: number;
  private readonly tanOff: number;
  private readonly tanPer: number;
  private readonly layerTanOff: Int32Array;
  private readonly zOff: Int32Array;
  private readonly ab: Float64Array[];
  private readonly tb: Float64Array[];

  constructor(mlp: MLP, trace: 'exact' | 'hutchinson') {
    super();
    const d = mlp.nOut;
    if (mlp.nIn !== d + 1)
      throw new RangeError(`TraceField: the network must map [z; t] (${d + 1} inputs) to ${d} outputs`);
    if (mlp.outputActivation !== 'identity')
      throw new RangeError('TraceField: the output layer must be linear');
    if (mlp.activation !== 'tanh' && mlp.activation !== 'softplus') {
      throw new RangeError(`TraceField: activation must be tanh or softplus (smooth), got ${mlp.activation}`);
    }
    this.mlp = mlp;
    this.d = d;
    this.nStates = d + 1;
    this.nParams = mlp.nParams;
    this.nProbes = trace === 'exact' ? d : 1;
    this.probes = new Float64Array(this.nProbes * d);
    if (trace === 'exact') for (let k = 0; k < d; k++) this.probes[k * d + k] = 1;
    this.layerTanOff = new Int32Array(mlp.nLayers);
    let o = 0;
    for (let l = 0; l < mlp.nLayers; l++) {
      this.layerTanOff[l] = o;
      o += mlp.widths[l + 1]!;
    }
    this.tanPer = o;
    this.zOff = new Int32Array(mlp.nLayers);
    let z = mlp.nIn;
    for (let l = 0; l < mlp.nLayers; l++) {
      this.zOff[l] = z;
      z += 2 * mlp.widths[l + 1]!;
    }
    this.tanOff = mlp.tapeSize;
    this.tapeSize = mlp.tapeSize + this.nProbes * o;
    const maxW = Math.max(...mlp.widths);
    this.ab = [new Float64Array(maxW), new Float64Array(maxW)];
    this.tb = Array.from({ length: 2 * this.nProbes }, () => new Float64Array(maxW));
  }

  /** Hutchinson: set the probe ε (length d) used until the next call. */
  setProbe(eps: ArrayLike<number>): void {
    for (let k = 0; k < this.d; k++) this.probes[k] = eps[k]!;
  }

  private sigma1(u: number, a: number): number {
    return this.mlp.activation === 'tanh' ? 1 - a * a : sigmoid(u);
  }

  private sigma2(u: number, a: number): number {
    if (this.mlp.activation === 'tanh') return -2 * a * (1 - a * a);
    const s = sigmoid(u);
    return s * (1 - s);
  }

  forwardTaped(
    t: number,
    y: Float64Array,
    p: Float64Array,
    dydt: Float64Array,
    tape: Float64Array,
    off: number,
  ): void {
    const m = this.mlp;
    const d = this.d;
    for (let k = 0; k < d; k++) tape[off + k] = y[k]!;
    tape[off + d] = t;
    m.forwardFromTape(p, tape, off);
    const out = off + m.outputOffset();
    for (let k = 0; k < d; k++) dydt[k] = tape[out + k]!;
    let tr = 0;
    const w = m.widths;
    for (let q = 0; q < this.nProbes; q++) {
      const tq = off + this.tanOff + q * this.tanPer;
      for (let l = 0; l < m.nLayers; l++) {
        const nin = w[l]!;
        const nout = w[l + 1]!;
        const wo = m.weightOffset[l]!;
        const to = tq + this.layerTanOff[l]!;
        for (let i = 0; i < nout; i++) {
          let s = 0;
          if (l === 0) for (let j = 0; j < d; j++) s += p[wo + i * nin + j]! * this.probes[q * d + j]!;
          else {
            const pt = tq + this.layerTanOff[l - 1]!;
            const pz = off + this.zOffset(l - 1);
            const pn = w[l]!;
            for (let j = 0; j < nin; j++) {
              s += p[wo + i * nin + j]! * tape[pt + j]! * this.sigma1(tape[pz + j]!, tape[pz + pn + j]!);
            }
          }
          tape[to + i] = s;
        }
      }
      const last = tq + this.layerTanOff[m.nLayers - 1]!;
      for (let k = 0; k < d; k++) tr += this.probes[q * d + k]! * tape[last + k]!;
    }
    dydt[d] = tr;
  }

  /** Offset on the tape of layer l's pre-activations (its activations follow them). */
  private zOffset(l: number): number {
    return this.zOff[l]!;
  }

  backwardTaped(
    _t: number,
    p: Float64Array,
    tape: Float64Array,
    off: number,
    v: Float64Array,
    vJy: Float64Array,
    vJp: Float64Array,
  ): void {
    const m = this.mlp;
    const d = this.d;
    const w = m.widths;
    const L = m.nLayers;
    const P = this.nProbes;
    let abar = this.ab[0]!;
    let anext = this.ab[1]!;
    // Cotangents of the primal output (v_z) and of each probe's tangent output (v_ℓ·ε).
    for (let k = 0; k < d; k++) abar[k] = v[k]!;
    for (let q = 0; q < P; q++)
      for (let k = 0; k < d; k++) this.tb[2 * q]![k] = v[d]! * this.probes[q * d + k]!;
    for (let l = L - 1; l >= 0; l--) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const wo = m.weightOffset[l]!;
      const bo = m.biasOffset[l]!;
      const zo = off + this.zOffset(l);
      const ain = l === 0 ? off : off + this.zOffset(l - 1) + w[l]!;
      const linear = l === L - 1;
      // ū = ā ⊙ σ'(u) + Σ_q ǡ_q ⊙ u̇_q ⊙ σ''(u); u̇̄_q = ǡ_q ⊙ σ'(u) (identity output: σ' = 1, σ'' = 0).
      for (let i = 0; i < nout; i++) {
        const u = tape[zo + i]!;
        const a = tape[zo + nout + i]!;
        const s1 = linear ? 1 : this.sigma1(u, a);
        const s2 = linear ? 0 : this.sigma2(u, a);
        let ub = abar[i]! * s1;
        for (let q = 0; q < P; q++) {
          const tq = off + this.tanOff + q * this.tanPer + this.layerTanOff[l]!;
          const tbq = this.tb[2 * q]!;
          ub += tbq[i]! * tape[tq + i]! * s2;
          tbq[i] = tbq[i]! * s1;
        }
        abar[i] = ub;
      }
      for (let i = 0; i < nout; i++) vJp[bo + i] += abar[i]!;
      for (let j = 0; j < nin; j++) anext[j] = 0;
      for (let q = 0; q < P; q++) {
        const nt = this.tb[2 * q + 1]!;
        for (let j = 0; j < nin; j++) nt[j] = 0;
      }
      for (let i = 0; i < nout; i++) {
        const ub = abar[i]!;
        const row = wo + i * nin;
        for (let j = 0; j < nin; j++) {
          vJp[row + j] += ub * tape[ain + j]!;
          anext[j] += ub * p[row + j]!;
        }
        for (let q = 0; q < P; q++) {
          const ut = this.tb[2 * q]![i]!;
          if (ut === 0) continue;
          const nt = this.tb[2 * q + 1]!;
          if (l === 0) {
            for (let j = 0; j < d; j++) vJp[row + j] += ut * this.probes[q * d + j]!;
          } else {
            const pt = off + this.tanOff + q * this.tanPer + this.layerTanOff[l - 1]!;
            const pz = off + this.zOffset(l - 1);
            const pn = w[l]!;
            for (let j = 0; j < nin; j++) {
              // ȧ_{l−1} = σ'(u_{l−1}) ⊙ u̇_{l−1}
              vJp[row + j] += ut * tape[pt + j]! * this.sigma1(tape[pz + j]!, tape[pz + pn + j]!);
              nt[j] += ut * p[row + j]!;
            }
          }
        }
      }
      for (let q = 0; q < P; q++) {
        const t = this.tb[2 * q]!;
        this.tb[2 * q] = this.tb[2 * q + 1]!;
        this.tb[2 * q + 1] = t;
      }
      const tmp = abar;
      abar = anext;
      anext = tmp;
    }
    for (let k = 0; k < d; k++) vJy[k] = abar[k]!;
    vJy[d] = 0;
  }
}
