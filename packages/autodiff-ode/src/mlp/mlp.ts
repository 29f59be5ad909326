import type { Rng } from '../random/rng';
import { type Activation, applyActivation, assertActivation, scaleByDerivative } from './activations';

/** Architecture of a dense network: `widths[0]` inputs, `widths[L]` outputs. */
export interface MLPSpec {
  /** Layer widths including input and output, e.g. [15, 64, 64, 6]. */
  widths: readonly number[];
  /** Activation of the hidden layers (default 'tanh'). */
  activation?: Activation;
  /** Activation of the output layer (default 'identity'). */
  outputActivation?: Activation;
}

/**
 * A fused float64 dense network y = W_L σ(… σ(W_1 x + b_1) …) + b_L over a flat parameter
 * vector. Layout of `p`, layer by layer: W_l row-major (out × in), then b_l.
 *
 * Every method works in workspaces allocated once at construction, so a call allocates nothing.
 * A *tape* (length `tapeSize`) holds the input and each layer's pre-activation and activation;
 * `forward` can write one so that `backward` later runs without recomputing the forward pass —
 * this is how solvers that backpropagate through their steps keep one tape per stage.
 */
export class MLP {
  readonly widths: readonly number[];
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly nIn: number;
  readonly nOut: number;
  readonly nParams: number;
  readonly nLayers: number;
  /** Doubles per tape: input, then z_l and a_l for every layer. */
  readonly tapeSize: number;
  /** Offset of W_l in p (l = 0 … nLayers−1). */
  readonly weightOffset: Int32Array;
  /** Offset of b_l in p. */
  readonly biasOffset: Int32Array;
  /** Tape offset of layer l's pre-activation z_l (l = 0 … nLayers−1). */
  readonly zOff: Int32Array;
  /** Tape offset of the input (l = 0) and of each layer's activation a_l (l = 1 … nLayers). */
  readonly aOff: Int32Array;
  private readonly tape: Float64Array;
  private readonly d0: Float64Array;
  private readonly d1: Float64Array;
  private readonly t0: Float64Array;
  private readonly t1: Float64Array;
  private readonly onehot: Float64Array;
  private readonly rowBuf: Float64Array;

  constructor(spec: MLPSpec) {
    const w = spec.widths;
    if (!Array.isArray(w) && !ArrayBuffer.isView(w))
      throw new TypeError('MLP: widths must be an array of layer sizes');
    if (w.length < 2)
      throw new RangeError(`MLP: widths needs at least input and output sizes, got [${w.join(', ')}]`);
    for (let i = 0; i < w.length; i++) {
      if (!Number.isInteger(w[i]) || w[i]! < 1) {
        throw new RangeError(`MLP: widths[${i}] must be a positive integer, got ${w[i]}`);
      }
    }
    this.widths = Array.from(w);
    this.activation = assertActivation(spec.activation ?? 'tanh', 'MLP activation');
    this.outputActivation = assertActivation(spec.outputActivation ?? 'identity', 'MLP outputActivation');
    this.nLayers = w.length - 1;
    this.nIn = w[0]!;
    this.nOut = w[this.nLayers]!;
    this.weightOffset = new Int32Array(this.nLayers);
    this.biasOffset = new Int32Array(this.nLayers);
    this.zOff = new Int32Array(this.nLayers);
    this.aOff = new Int32Array(this.nLayers + 1);
    let off = 0;
    let tOff = this.nIn;
    this.aOff[0] = 0;
    let maxW = this.nIn;
    for (let l = 0; l < this.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      this.weightOffset[l] = off;
      off += nin * nout;
      this.biasOffset[l] = off;
      off += nout;
      this.zOff[l] = tOff;
      this.aOff[l + 1] = tOff + nout;
      tOff += 2 * nout;
      if (nout > maxW) maxW = nout;
    }
    this.nParams = off;
    this.tapeSize = tOff;
    this.tape = new Float64Array(tOff);
    this.d0 = new Float64Array(maxW);
    this.d1 = new Float64Array(maxW);
    this.t0 = new Float64Array(maxW);
    this.t1 = new Float64Array(maxW);
    this.onehot = new Float64Array(this.nOut);
    this.rowBuf = new Float64Array(this.nIn);
  }

  private activationOf(l: number): Activation {
    return l === this.nLayers - 1 ? this.outputActivation : this.activation;
  }

  /**
   * y = net(x). When `tape` is given, the input and every layer's z and a are stored there at
   * `tapeOffset` for a later `backward`; otherwise the internal tape is used (and is valid for
   * `backward(p, null, …)` until the next call).
   */
  forward(p: Float64Array, x: ArrayLike<number>, y: Float64Array, tape?: Float64Array, tapeOffset = 0): void {
    const tp = tape ?? this.tape;
    const to = tape ? tapeOffset : 0;
    const nIn = this.nIn;
    for (let j = 0; j < nIn; j++) tp[to + j] = x[j]!;
    this.forwardFromTape(p, tp, to);
    const ao = to + this.aOff[this.nLayers]!;
    for (let i = 0; i < this.nOut; i++) y[i] = tp[ao + i]!;
  }

  /** Forward pass whose input already sits at the start of the tape. */
  forwardFromTape(p: Float64Array, tp: Float64Array, to: number): void {
    const w = this.widths;
    for (let l = 0; l < this.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const ain = to + this.aOff[l]!;
      const zo = to + this.zOff[l]!;
      let wo = this.weightOffset[l]!;
      const bo = this.biasOffset[l]!;
      // Four output rows at a time share each load of the input (register blocking).
      let i = 0;
      for (; i + 3 < nout; i += 4, wo += 4 * nin) {
        const w1 = wo + nin;
        const w2 = w1 + nin;
        const w3 = w2 + nin;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < nin; j++) {
          const x = tp[ain + j]!;
          s0 += p[wo + j]! * x;
          s1 += p[w1 + j]! * x;
          s2 += p[w2 + j]! * x;
          s3 += p[w3 + j]! * x;
        }
        tp[zo + i] = p[bo + i]! + s0;
        tp[zo + i + 1] = p[bo + i + 1]! + s1;
        tp[zo + i + 2] = p[bo + i + 2]! + s2;
        tp[zo + i + 3] = p[bo + i + 3]! + s3;
      }
      for (; i < nout; i++, wo += nin) {
        let s0 = 0;
        for (let j = 0; j < nin; j++) s0 += p[wo + j]! * tp[ain + j]!;
        tp[zo + i] = p[bo + i]! + s0;
      }
      applyActivation(this.activationOf(l), tp, tp, zo, zo + nout, nout);
    }
  }

  /**
   * Forward passes of two samples at once, each with its input already on its own tape (at
   * offsets a and b): every weight load serves both samples, which is what makes evaluating a
   * batch of trajectories in lockstep cheaper than one after the other.
   */
  forwardPairFromTape(p: Float64Array, tp: Float64Array, a: number, b: number): void {
    const w = this.widths;
    for (let l = 0; l < this.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const ia = a + this.aOff[l]!;
      const ib = b + this.aOff[l]!;
      const za = a + this.zOff[l]!;
      const zb = b + this.zOff[l]!;
      let wo = this.weightOffset[l]!;
      const bo = this.biasOffset[l]!;
      let i = 0;
      for (; i + 3 < nout; i += 4, wo += 4 * nin) {
        const w1 = wo + nin;
        const w2 = w1 + nin;
        const w3 = w2 + nin;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let b0 = 0;
        let b1 = 0;
        let b2 = 0;
        let b3 = 0;
        for (let j = 0; j < nin; j++) {
          const xa = tp[ia + j]!;
          const xb = tp[ib + j]!;
          const p0 = p[wo + j]!;
          const p1 = p[w1 + j]!;
          const p2 = p[w2 + j]!;
          const p3 = p[w3 + j]!;
          a0 += p0 * xa;
          b0 += p0 * xb;
          a1 += p1 * xa;
          b1 += p1 * xb;
          a2 += p2 * xa;
          b2 += p2 * xb;
          a3 += p3 * xa;
          b3 += p3 * xb;
        }
        tp[za + i] = p[bo + i]! + a0;
        tp[za + i + 1] = p[bo + i + 1]! + a1;
        tp[za + i + 2] = p[bo + i + 2]! + a2;
        tp[za + i + 3] = p[bo + i + 3]! + a3;
        tp[zb + i] = p[bo + i]! + b0;
        tp[zb + i + 1] = p[bo + i + 1]! + b1;
        tp[zb + i + 2] = p[bo + i + 2]! + b2;
        tp[zb + i + 3] = p[bo + i + 3]! + b3;
      }
      for (; i < nout; i++, wo += nin) {
        let sa = 0;
        let sb = 0;
        for (let j = 0; j < nin; j++) {
          sa += p[wo + j]! * tp[ia + j]!;
          sb += p[wo + j]! * tp[ib + j]!;
        }
        tp[za + i] = p[bo + i]! + sa;
        tp[zb + i] = p[bo + i]! + sb;
      }
      const act = this.activationOf(l);
      applyActivation(act, tp, tp, za, za + nout, nout);
      applyActivation(act, tp, tp, zb, zb + nout, nout);
    }
  }

  /**
   * Reverse passes of two taped samples at once (tapes at a and b, output cotangents va and vb):
   * vxa, vxb get the first `vxLength` input cotangents (overwritten), vp accumulates both
   * parameter gradients.
   */
  backwardPair(
    p: Float64Array,
    tp: Float64Array,
    a: number,
    b: number,
    va: ArrayLike<number>,
    vb: ArrayLike<number>,
    vxa: Float64Array,
    vxb: Float64Array,
    vp: Float64Array,
    vxLength = this.nIn,
  ): void {
    const w = this.widths;
    const L = this.nLayers;
    let da = this.d0;
    let ga = this.d1;
    let db = this.t0;
    let gb = this.t1;
    const nOut = this.nOut;
    for (let i = 0; i < nOut; i++) {
      da[i] = va[i]!;
      db[i] = vb[i]!;
    }
    scaleByDerivative(this.outputActivation, tp, tp, a + this.zOff[L - 1]!, a + this.aOff[L]!, da, 0, nOut);
    scaleByDerivative(this.outputActivation, tp, tp, b + this.zOff[L - 1]!, b + this.aOff[L]!, db, 0, nOut);
    for (let l = L - 1; l >= 0; l--) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const ia = a + this.aOff[l]!;
      const ib = b + this.aOff[l]!;
      const bo = this.biasOffset[l]!;
      const ng = l > 0 ? nin : vxLength;
      for (let j = 0; j < ng; j++) {
        ga[j] = 0;
        gb[j] = 0;
      }
      for (let i = 0; i < nout; i++) vp[bo + i] += da[i]! + db[i]!;
      let i = 0;
      let wo = this.weightOffset[l]!;
      for (; i + 3 < nout; i += 4, wo += 4 * nin) {
        const w1 = wo + nin;
        const w2 = w1 + nin;
        const w3 = w2 + nin;
        const a0 = da[i]!;
        const a1 = da[i + 1]!;
        const a2 = da[i + 2]!;
        const a3 = da[i + 3]!;
        const b0 = db[i]!;
        const b1 = db[i + 1]!;
        const b2 = db[i + 2]!;
        const b3 = db[i + 3]!;
        for (let j = 0; j < nin; j++) {
          const xa = tp[ia + j]!;
          const xb = tp[ib + j]!;
          vp[wo + j] += a0 * xa + b0 * xb;
          vp[w1 + j] += a1 * xa + b1 * xb;
          vp[w2 + j] += a2 * xa + b2 * xb;
          vp[w3 + j] += a3 * xa + b3 * xb;
        }
        for (let j = 0; j < ng; j++) {
          const p0 = p[wo + j]!;
          const p1 = p[w1 + j]!;
          const p2 = p[w2 + j]!;
          const p3 = p[w3 + j]!;
          ga[j] += a0 * p0 + a1 * p1 + a2 * p2 + a3 * p3;
          gb[j] += b0 * p0 + b1 * p1 + b2 * p2 + b3 * p3;
        }
      }
      for (; i < nout; i++, wo += nin) {
        const a0 = da[i]!;
        const b0 = db[i]!;
        for (let j = 0; j < nin; j++) vp[wo + j] += a0 * tp[ia + j]! + b0 * tp[ib + j]!;
        for (let j = 0; j < ng; j++) {
          ga[j] += a0 * p[wo + j]!;
          gb[j] += b0 * p[wo + j]!;
        }
      }
      if (l > 0) {
        scaleByDerivative(this.activation, tp, tp, a + this.zOff[l - 1]!, a + this.aOff[l]!, ga, 0, nin);
        scaleByDerivative(this.activation, tp, tp, b + this.zOff[l - 1]!, b + this.aOff[l]!, gb, 0, nin);
        let tmp = da;
        da = ga;
        ga = tmp;
        tmp = db;
        db = gb;
        gb = tmp;
      } else {
        for (let j = 0; j < ng; j++) {
          vxa[j] = ga[j]!;
          vxb[j] = gb[j]!;
        }
      }
    }
  }

  /** The output stored on a tape by `forward`. */
  outputOffset(): number {
    return this.aOff[this.nLayers]!;
  }

  /**
   * Reverse pass over a stored tape (or the internal one when `tape` is null): with v the
   * cotangent of the output, writes vᵀ∂y/∂x into `vx` and vᵀ∂y/∂p into `vp` (either may be
   * null). `vx` is overwritten; with `accumulate`, vp is added to instead of overwritten (so a
   * solver can sum parameter gradients over stages without a temporary). Only the first
   * `vxLength` entries of vx are computed (a vector field needs ∂/∂x, not ∂/∂u).
   */
  backward(
    p: Float64Array,
    tape: Float64Array | null,
    tapeOffset: number,
    v: ArrayLike<number>,
    vx: Float64Array | null,
    vp: Float64Array | null,
    accumulate = false,
    vxLength = this.nIn,
  ): void {
    const tp = tape ?? this.tape;
    const to = tape ? tapeOffset : 0;
    const w = this.widths;
    const L = this.nLayers;
    if (vp && !accumulate) vp.fill(0);
    let d = this.d0;
    let g = this.d1;
    const nOut = this.nOut;
    for (let i = 0; i < nOut; i++) d[i] = v[i]!;
    scaleByDerivative(this.outputActivation, tp, tp, to + this.zOff[L - 1]!, to + this.aOff[L]!, d, 0, nOut);
    for (let l = L - 1; l >= 0; l--) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const ain = to + this.aOff[l]!;
      const wo0 = this.weightOffset[l]!;
      const bo = this.biasOffset[l]!;
      const needInput = l > 0 || vx !== null;
      const ng = l > 0 ? nin : vxLength;
      if (needInput) for (let j = 0; j < ng; j++) g[j] = 0;
      if (vp) for (let i = 0; i < nout; i++) vp[bo + i] += d[i]!;
      // Four rows at a time: each input activation and each g_j is loaded once per block.
      let i = 0;
      let wo = wo0;
      for (; i + 3 < nout; i += 4, wo += 4 * nin) {
        const d0 = d[i]!;
        const d1 = d[i + 1]!;
        const d2 = d[i + 2]!;
        const d3 = d[i + 3]!;
        const w1 = wo + nin;
        const w2 = w1 + nin;
        const w3 = w2 + nin;
        if (vp) {
          for (let j = 0; j < nin; j++) {
            const a = tp[ain + j]!;
            vp[wo + j] += d0 * a;
            vp[w1 + j] += d1 * a;
            vp[w2 + j] += d2 * a;
            vp[w3 + j] += d3 * a;
          }
        }
        if (needInput) {
          for (let j = 0; j < ng; j++)
            g[j] += d0 * p[wo + j]! + d1 * p[w1 + j]! + d2 * p[w2 + j]! + d3 * p[w3 + j]!;
        }
      }
      for (; i < nout; i++, wo += nin) {
        const di = d[i]!;
        if (vp) for (let j = 0; j < nin; j++) vp[wo + j] += di * tp[ain + j]!;
        if (needInput) for (let j = 0; j < ng; j++) g[j] += di * p[wo + j]!;
      }
      if (l > 0) {
        scaleByDerivative(this.activation, tp, tp, to + this.zOff[l - 1]!, to + this.aOff[l]!, g, 0, nin);
        const tmp = d;
        d = g;
        g = tmp;
      } else if (vx) {
        for (let j = 0; j < ng; j++) vx[j] = g[j]!;
      }
    }
  }

  /** y = net(x) and the vector–Jacobian products vᵀ∂y/∂x → vx, vᵀ∂y/∂p → vp (either may be null). */
  vjp(
    p: Float64Array,
    x: ArrayLike<number>,
    v: ArrayLike<number>,
    vx: Float64Array | null,
    vp: Float64Array | null,
    y?: Float64Array,
  ): void {
    const tp = this.tape;
    for (let j = 0; j < this.nIn; j++) tp[j] = x[j]!;
    this.forwardFromTape(p, tp, 0);
    if (y) {
      const ao = this.aOff[this.nLayers]!;
      for (let i = 0; i < this.nOut; i++) y[i] = tp[ao + i]!;
    }
    this.backward(p, null, 0, v, vx, vp, false);
  }

  /**
   * Forward-mode derivative: y = net(x) and dy = ∂y/∂x·dx + ∂y/∂p·dp (dp may be null).
   */
  jvp(
    p: Float64Array,
    x: ArrayLike<number>,
    dx: ArrayLike<number>,
    dp: Float64Array | null,
    y: Float64Array,
    dy: Float64Array,
  ): void {
    const tp = this.tape;
    const w = this.widths;
    for (let j = 0; j < this.nIn; j++) {
      tp[j] = x[j]!;
      this.t0[j] = dx[j]!;
    }
    let tin = this.t0;
    let tout = this.t1;
    for (let l = 0; l < this.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const ain = this.aOff[l]!;
      const zo = this.zOff[l]!;
      const bo = this.biasOffset[l]!;
      for (let i = 0, wo = this.weightOffset[l]!; i < nout; i++, wo += nin) {
        let s = p[bo + i]!;
        let ds = dp ? dp[bo + i]! : 0;
        for (let j = 0; j < nin; j++) {
          s += p[wo + j]! * tp[ain + j]!;
          ds += p[wo + j]! * tin[j]!;
        }
        if (dp) for (let j = 0; j < nin; j++) ds += dp[wo + j]! * tp[ain + j]!;
        tp[zo + i] = s;
        tout[i] = ds;
      }
      const act = this.activationOf(l);
      applyActivation(act, tp, tp, zo, zo + nout, nout);
      scaleByDerivative(act, tp, tp, zo, zo + nout, tout, 0, nout);
      const tmp = tin;
      tin = tout;
      tout = tmp;
    }
    const ao = this.aOff[this.nLayers]!;
    for (let i = 0; i < this.nOut; i++) {
      y[i] = tp[ao + i]!;
      dy[i] = tin[i]!;
    }
  }

  /** Full input Jacobian ∂y/∂x at x, row-major nOut × nIn, into J (one reverse pass per output). */
  jacobian(p: Float64Array, x: ArrayLike<number>, J: Float64Array, y?: Float64Array): void {
    const tp = this.tape;
    for (let j = 0; j < this.nIn; j++) tp[j] = x[j]!;
    this.forwardFromTape(p, tp, 0);
    if (y) {
      const ao = this.aOff[this.nLayers]!;
      for (let i = 0; i < this.nOut; i++) y[i] = tp[ao + i]!;
    }
    const e = this.onehot;
    const row = this.rowBuf;
    const nIn = this.nIn;
    for (let k = 0; k < this.nOut; k++) {
      e.fill(0);
      e[k] = 1;
      this.backward(p, null, 0, e, row, null, false);
      for (let j = 0; j < nIn; j++) J[k * nIn + j] = row[j]!;
    }
  }

  /**
   * A fresh parameter vector: weights ~ N(0, std²) with std = `std` or, by default, the Glorot
   * scale √(2/(fan_in + fan_out)) (Glorot & Bengio 2010); biases 0.
   */
  initParams(rng: Rng, std?: number): Float64Array {
    const p = new Float64Array(this.nParams);
    const w = this.widths;
    for (let l = 0; l < this.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const s = std ?? Math.sqrt(2 / (nin + nout));
      const wo = this.weightOffset[l]!;
      for (let k = 0; k < nin * nout; k++) p[wo + k] = s * rng.normal();
    }
    return p;
  }

  toSpec(): Required<MLPSpec> {
    return { widths: [...this.widths], activation: this.activation, outputActivation: this.outputActivation };
  }
}

/** Build a fused float64 MLP kernel. */
export function createMLP(spec: MLPSpec): MLP {
  return new MLP(spec);
}
