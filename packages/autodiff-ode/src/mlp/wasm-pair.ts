import { applyActivation, scaleByDerivative, softplus } from './activations';
import type { MLP } from './mlp';
import { createWasmKernels, type WasmKernels } from './wasm-kernels';

const up = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * The MLP's pair passes (`forwardPairFromTape`, `backwardPair`: two samples per weight load) on
 * the WebAssembly SIMD kernels. The weights, their transposes and the weight gradient live in
 * the kernels' memory, zero-padded to the kernels' block sizes; tapes stay where the caller
 * keeps them and each layer's vectors are copied in and out (a few per cent of the work).
 *
 * Weights are copied in by `load(p)` and the accumulated weight gradient is added out by
 * `addGradient(vp)`: the passes in between must all use those same parameters. Results equal
 * the JS passes up to summation order (about 1e-15 relative).
 */
export class WasmPairMLP {
  private readonly mlp: MLP;
  private readonly k: WasmKernels;
  private readonly F: Float64Array;
  /** Double offsets per layer: W (rows up to 4, cols up to 2), Wᵀ likewise, and G (as W). */
  private readonly wOff: Int32Array;
  private readonly tOff: Int32Array;
  private readonly gOff: Int32Array;
  private readonly bOff: Int32Array;
  private readonly rowsP: Int32Array;
  private readonly colsP: Int32Array;
  private readonly tColsP: Int32Array;
  /** Vector slots (double offsets), each `vw` long: inputs, outputs, cotangents, two samples. */
  private readonly xa: number;
  private readonly xb: number;
  private readonly ya: number;
  private readonly yb: number;
  private readonly da: number;
  private readonly db: number;
  private readonly gStart: number;
  private readonly gEnd: number;
  private readonly scratch: Float64Array;
  private readonly vw: number;

  private constructor(mlp: MLP, k: WasmKernels, layout: Layout) {
    this.mlp = mlp;
    this.k = k;
    this.F = k.f64;
    this.wOff = layout.wOff;
    this.tOff = layout.tOff;
    this.gOff = layout.gOff;
    this.bOff = layout.bOff;
    this.rowsP = layout.rowsP;
    this.colsP = layout.colsP;
    this.tColsP = layout.tColsP;
    this.vw = layout.vw;
    const v0 = layout.vectors;
    this.xa = v0;
    this.xb = v0 + layout.vw;
    this.ya = v0 + 2 * layout.vw;
    this.yb = v0 + 3 * layout.vw;
    this.da = v0 + 4 * layout.vw;
    this.db = v0 + 5 * layout.vw;
    this.gStart = layout.gStart;
    this.gEnd = layout.gEnd;
    this.scratch = new Float64Array(2 * layout.vw);
  }

  /** The pair passes of `mlp` on WebAssembly SIMD, or null where that is unavailable. */
  static create(mlp: MLP): WasmPairMLP | null {
    const layout = planLayout(mlp);
    const k = createWasmKernels(layout.total);
    return k ? new WasmPairMLP(mlp, k, layout) : null;
  }

  /** Copy the weights of p in (with their transposes) and clear the weight gradient. */
  load(p: Float64Array): void {
    const mlp = this.mlp;
    const F = this.F;
    const w = mlp.widths;
    F.fill(0);
    for (let l = 0; l < mlp.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const po = mlp.weightOffset[l]!;
      const wo = this.wOff[l]!;
      const to = this.tOff[l]!;
      const cp = this.colsP[l]!;
      const tcp = this.tColsP[l]!;
      for (let i = 0; i < nout; i++) {
        for (let j = 0; j < nin; j++) {
          const v = p[po + i * nin + j]!;
          F[wo + i * cp + j] = v;
          F[to + j * tcp + i] = v;
        }
      }
      const bo = mlp.biasOffset[l]!;
      for (let i = 0; i < nout; i++) F[this.bOff[l]! + i] = p[bo + i]!;
    }
  }

  /** vp += the weight gradient accumulated since `load` (biases are added by the passes). */
  addGradient(vp: Float64Array): void {
    const mlp = this.mlp;
    const F = this.F;
    const w = mlp.widths;
    for (let l = 0; l < mlp.nLayers; l++) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      const po = mlp.weightOffset[l]!;
      const go = this.gOff[l]!;
      const cp = this.colsP[l]!;
      for (let i = 0; i < nout; i++)
        for (let j = 0; j < nin; j++) vp[po + i * nin + j] += F[go + i * cp + j]!;
    }
    F.fill(0, this.gStart, this.gEnd);
  }

  /**
   * Outputs of two samples for inference, with the weights of the last `load`: ya = net(xa),
   * yb = net(xb), no tape (the layers stay in the kernels' memory); hidden tanh layers and, when
   * spa and spb are given, softplus of the outputs (spa = softplus(ya)) run on the kernels.
   */
  predictPair(
    xa: ArrayLike<number>,
    xb: ArrayLike<number>,
    ya: Float64Array,
    yb: Float64Array,
    spa?: Float64Array,
    spb?: Float64Array,
  ): void {
    const mlp = this.mlp;
    const F = this.F;
    const k = this.k;
    const w = mlp.widths;
    const va = this.xa;
    const vb = this.xb;
    const za = this.ya;
    const zb = this.yb;
    const n0 = w[0]!;
    for (let i = 0; i < n0; i++) {
      F[va + i] = xa[i]!;
      F[vb + i] = xb[i]!;
    }
    const L = mlp.nLayers;
    const tanhHidden = mlp.activation === 'tanh';
    for (let l = 0; l < L; l++) {
      const nout = w[l + 1]!;
      const rows = this.rowsP[l]!;
      const bOff = this.bOff[l]!;
      k.mv2(8 * this.wOff[l]!, rows, this.colsP[l]!, 8 * va, 8 * vb, 8 * za, 8 * zb);
      if (tanhHidden && l < L - 1) {
        // Bias and tanh in the kernels (rows past nout stay tanh(0 + 0) = 0: the next layer's padding).
        k.tanh2(8 * za, 8 * va, 8 * zb, 8 * vb, 8 * bOff, 8 * rows);
        continue;
      }
      if (l === L - 1 && spa && spb && mlp.outputActivation === 'identity') {
        k.softplus2(8 * za, 8 * this.da, 8 * zb, 8 * this.db, 8 * bOff, 8 * rows);
        for (let i = 0; i < nout; i++) {
          ya[i] = F[za + i]! + F[bOff + i]!;
          yb[i] = F[zb + i]! + F[bOff + i]!;
          spa[i] = F[this.da + i]!;
          spb[i] = F[this.db + i]!;
        }
        return;
      }
      for (let i = 0; i < nout; i++) {
        F[za + i] += F[bOff + i]!;
        F[zb + i] += F[bOff + i]!;
      }
      if (l < L - 1) {
        applyActivation(mlp.activation, F, F, za, va, nout);
        applyActivation(mlp.activation, F, F, zb, vb, nout);
        // The next product reads the padded columns: they must be zero.
        for (let i = nout; i < this.colsP[l + 1]!; i++) {
          F[va + i] = 0;
          F[vb + i] = 0;
        }
      } else {
        applyActivation(mlp.outputActivation, F, ya, za, 0, nout);
        applyActivation(mlp.outputActivation, F, yb, zb, 0, nout);
        if (spa && spb)
          for (let i = 0; i < nout; i++) {
            spa[i] = softplus(ya[i]!);
            spb[i] = softplus(yb[i]!);
          }
      }
    }
  }

  /**
   * As `MLP.forwardPairFromTape`, with the weights of the last `load`, except that hidden tanh
   * layers leave z_l off the tape (no reverse pass reads it).
   */
  forwardPair(p: Float64Array, tp: Float64Array, a: number, b: number): void {
    const mlp = this.mlp;
    const F = this.F;
    const k = this.k;
    const w = mlp.widths;
    const { zOff, aOff } = mlp;
    const xa = this.xa;
    const xb = this.xb;
    const ya = this.ya;
    const yb = this.yb;
    this.put(tp, a + aOff[0]!, b + aOff[0]!, w[0]!, xa, xb);
    for (let l = 0; l < mlp.nLayers; l++) {
      const nout = w[l + 1]!;
      k.mv2(8 * this.wOff[l]!, this.rowsP[l]!, this.colsP[l]!, 8 * xa, 8 * xb, 8 * ya, 8 * yb);
      const bo = mlp.biasOffset[l]!;
      const last = l === mlp.nLayers - 1;
      const act = last ? mlp.outputActivation : mlp.activation;
      const aa = a + aOff[l + 1]!;
      const ab = b + aOff[l + 1]!;
      if (act === 'tanh' && !last) {
        // A hidden tanh layer goes from the product straight to the next layer's input slots;
        // only a_l reaches the tape (tanh's reverse pass reads a_l, never z_l).
        for (let i = 0; i < nout; i++) {
          F[ya + i] += p[bo + i]!;
          F[yb + i] += p[bo + i]!;
        }
        applyActivation(act, F, F, ya, xa, nout);
        applyActivation(act, F, F, yb, xb, nout);
        F[xa + nout] = 0;
        F[xb + nout] = 0;
        for (let i = 0; i < nout; i++) {
          tp[aa + i] = F[xa + i]!;
          tp[ab + i] = F[xb + i]!;
        }
        continue;
      }
      const za = a + zOff[l]!;
      const zb = b + zOff[l]!;
      for (let i = 0; i < nout; i++) {
        tp[za + i] = F[ya + i]! + p[bo + i]!;
        tp[zb + i] = F[yb + i]! + p[bo + i]!;
      }
      applyActivation(act, tp, tp, za, aa, nout);
      applyActivation(act, tp, tp, zb, ab, nout);
      if (!last) this.put(tp, aa, ab, nout, xa, xb);
    }
  }

  /**
   * As `MLP.backwardPair` with vp's weight part accumulated in the kernels' memory until
   * `addGradient` (the bias part goes to vp at once).
   */
  backwardPair(
    tp: Float64Array,
    a: number,
    b: number,
    va: ArrayLike<number>,
    vb: ArrayLike<number>,
    vxa: Float64Array,
    vxb: Float64Array,
    vp: Float64Array,
    vxLength: number,
  ): void {
    const mlp = this.mlp;
    const F = this.F;
    const k = this.k;
    const w = mlp.widths;
    const L = mlp.nLayers;
    const { zOff, aOff } = mlp;
    const xa = this.xa;
    const xb = this.xb;
    const ya = this.ya;
    const yb = this.yb;
    const da = this.da;
    const db = this.db;
    const s = this.scratch;
    const vw = this.vw;
    const nOut = mlp.nOut;
    for (let i = 0; i < nOut; i++) {
      s[i] = va[i]!;
      s[vw + i] = vb[i]!;
    }
    scaleByDerivative(mlp.outputActivation, tp, tp, a + zOff[L - 1]!, a + aOff[L]!, s, 0, nOut);
    scaleByDerivative(mlp.outputActivation, tp, tp, b + zOff[L - 1]!, b + aOff[L]!, s, vw, nOut);
    const tanhHidden = mlp.activation === 'tanh';
    // Whether d_l already sits in the kernels' memory, with its bias gradient added.
    let dInF = false;
    for (let l = L - 1; l >= 0; l--) {
      const nin = w[l]!;
      const nout = w[l + 1]!;
      if (!dInF) {
        // d_l (in s) to the kernels' memory; bias gradient straight to vp.
        const bo = mlp.biasOffset[l]!;
        for (let i = 0; i < nout; i++) {
          const u = s[i]!;
          const v = s[vw + i]!;
          F[da + i] = u;
          F[db + i] = v;
          vp[bo + i] += u + v;
        }
      }
      for (let i = nout; i < this.tColsP[l]!; i++) {
        F[da + i] = 0;
        F[db + i] = 0;
      }
      this.put(tp, a + aOff[l]!, b + aOff[l]!, nin, xa, xb);
      k.ger2(8 * this.gOff[l]!, nout, this.colsP[l]!, 8 * da, 8 * db, 8 * xa, 8 * xb);
      const ng = l > 0 ? nin : vxLength;
      if (ng === 0) continue;
      k.mv2(8 * this.tOff[l]!, up(ng, 4), this.tColsP[l]!, 8 * da, 8 * db, 8 * ya, 8 * yb);
      if (l > 0 && tanhHidden) {
        // d_{l−1} = (Wᵀd_l)·(1 − a²) with a the layer input just copied in, written straight to
        // the cotangent slots (one pass instead of three for the common activation).
        const bn = mlp.biasOffset[l - 1]!;
        for (let j = 0; j < nin; j++) {
          const ua = F[xa + j]!;
          const ub = F[xb + j]!;
          const u = F[ya + j]! * (1 - ua * ua);
          const v = F[yb + j]! * (1 - ub * ub);
          F[da + j] = u;
          F[db + j] = v;
          vp[bn + j] += u + v;
        }
        dInF = true;
      } else if (l > 0) {
        for (let j = 0; j < nin; j++) {
          s[j] = F[ya + j]!;
          s[vw + j] = F[yb + j]!;
        }
        scaleByDerivative(mlp.activation, tp, tp, a + zOff[l - 1]!, a + aOff[l]!, s, 0, nin);
        scaleByDerivative(mlp.activation, tp, tp, b + zOff[l - 1]!, b + aOff[l]!, s, vw, nin);
        dInF = false;
      } else {
        for (let j = 0; j < ng; j++) {
          vxa[j] = F[ya + j]!;
          vxb[j] = F[yb + j]!;
        }
      }
    }
  }

  /** Copy n values of two tapes into the slots xa, xb, with one zero of padding for odd n. */
  private put(tp: Float64Array, a: number, b: number, n: number, xa: number, xb: number): void {
    const F = this.F;
    for (let j = 0; j < n; j++) {
      F[xa + j] = tp[a + j]!;
      F[xb + j] = tp[b + j]!;
    }
    F[xa + n] = 0;
    F[xb + n] = 0;
  }
}

interface Layout {
  wOff: Int32Array;
  tOff: Int32Array;
  gOff: Int32Array;
  /** Biases per layer (zero-padded to rowsP), read by the inference pass's tanh kernel. */
  bOff: Int32Array;
  rowsP: Int32Array;
  colsP: Int32Array;
  tRowsP: Int32Array;
  tColsP: Int32Array;
  vw: number;
  vectors: number;
  gStart: number;
  gEnd: number;
  total: number;
}

function planLayout(mlp: MLP): Layout {
  const L = mlp.nLayers;
  const w = mlp.widths;
  const wOff = new Int32Array(L);
  const tOff = new Int32Array(L);
  const gOff = new Int32Array(L);
  const rowsP = new Int32Array(L);
  const colsP = new Int32Array(L);
  const tRowsP = new Int32Array(L);
  const tColsP = new Int32Array(L);
  let o = 0;
  for (let l = 0; l < L; l++) {
    rowsP[l] = up(w[l + 1]!, 4);
    colsP[l] = up(w[l]!, 2);
    tRowsP[l] = up(w[l]!, 4);
    tColsP[l] = up(w[l + 1]!, 2);
    wOff[l] = o;
    o += rowsP[l]! * colsP[l]!;
    tOff[l] = o;
    o += tRowsP[l]! * tColsP[l]!;
  }
  const gStart = o;
  for (let l = 0; l < L; l++) {
    gOff[l] = o;
    o += rowsP[l]! * colsP[l]!;
  }
  const gEnd = o;
  const bOff = new Int32Array(L);
  for (let l = 0; l < L; l++) {
    bOff[l] = o;
    o += rowsP[l]!;
  }
  // Vector slots hold the widest padded layer plus the padding zero written after odd lengths.
  const vw = up(Math.max(...w) + 1, 4);
  return {
    wOff,
    tOff,
    gOff,
    bOff,
    rowsP,
    colsP,
    tRowsP,
    tColsP,
    vw,
    vectors: o,
    gStart,
    gEnd,
    total: o + 6 * vw,
  };
}
