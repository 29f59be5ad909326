import { TapedField } from '../integrate/taped-model';
import type { MLP } from '../mlp/mlp';
import { WasmPairMLP } from '../mlp/wasm-pair';
import type { NeuralField } from './neural-ode';

/**
 * Several trajectories of one neural ODE stacked into a single system (state [x¹; x²; …]),
 * evaluated in lockstep: the network runs on two samples per weight load (`forwardPairFromTape`,
 * `backwardPair`). Trajectories that share their observation times train this way in one solve,
 * as a torchdiffeq user batches them (an adaptive method then takes common steps).
 */
export class BatchedNeuralField extends TapedField {
  readonly nStates: number;
  readonly nParams: number;
  readonly tapeSize: number;
  readonly tstops: Float64Array;
  readonly fields: readonly NeuralField[];
  private readonly n: number;
  private readonly ts: number;
  private readonly mlp: MLP;
  private readonly go: Float64Array[];
  private readonly gin: Float64Array[];
  /** The pair passes on WebAssembly SIMD (null where unavailable), used inside a solver's
   * `beginParams` … `endParams` bracket for the parameters given there. */
  private readonly wasm: WasmPairMLP | null;
  private wasmParams: Float64Array | null = null;

  constructor(fields: readonly NeuralField[]) {
    super();
    if (fields.length === 0) throw new RangeError('BatchedNeuralField: needs at least one trajectory field');
    const node = fields[0]!.node;
    for (const f of fields)
      if (f.node !== node)
        throw new TypeError('BatchedNeuralField: all fields must come from the same NeuralODE');
    this.fields = fields;
    this.mlp = node.mlp;
    this.n = node.nStates;
    this.ts = fields[0]!.tapeSize;
    this.nStates = this.n * fields.length;
    this.nParams = node.nParams;
    this.tapeSize = this.ts * fields.length;
    this.tstops = Float64Array.from(new Set(fields.flatMap((f) => Array.from(f.tstops)))).sort();
    this.go = fields.map(() => new Float64Array(this.mlp.nOut));
    this.gin = fields.map(() => new Float64Array(this.mlp.nIn));
    this.wasm = fields.length > 1 ? WasmPairMLP.create(this.mlp) : null;
  }

  beginParams(p: Float64Array): void {
    if (this.wasm === null) return;
    this.wasm.load(p);
    this.wasmParams = p;
  }

  endParams(vJp: Float64Array | null): void {
    if (this.wasmParams === null) return;
    if (vJp) this.wasm!.addGradient(vJp);
    this.wasmParams = null;
  }

  forwardTaped(
    t: number,
    y: Float64Array,
    p: Float64Array,
    dydt: Float64Array,
    tape: Float64Array,
    off: number,
  ): void {
    const { n, ts, fields, mlp } = this;
    const B = fields.length;
    for (let b = 0; b < B; b++) fields[b]!.writeInput(t, y, b * n, tape, off + b * ts);
    let b = 0;
    const wasm = p === this.wasmParams ? this.wasm : null;
    for (; b + 1 < B; b += 2) {
      if (wasm) wasm.forwardPair(p, tape, off + b * ts, off + (b + 1) * ts);
      else mlp.forwardPairFromTape(p, tape, off + b * ts, off + (b + 1) * ts);
    }
    if (b < B) mlp.forwardFromTape(p, tape, off + b * ts);
    for (let k = 0; k < B; k++) fields[k]!.writeOutput(y, k * n, dydt, k * n, tape, off + k * ts, p);
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
    const { n, ts, fields, mlp } = this;
    const go = this.go;
    const gin = this.gin;
    const B = fields.length;
    for (let b = 0; b < B; b++)
      fields[b]!.outputCotangent(v, b * n, vJy, b * n, tape, off + b * ts, go[b]!, p, vJp);
    let b = 0;
    const wasm = p === this.wasmParams ? this.wasm : null;
    for (; wasm && b + 1 < B; b += 2) {
      wasm.backwardPair(
        tape,
        off + b * ts,
        off + (b + 1) * ts,
        go[b]!,
        go[b + 1]!,
        gin[b]!,
        gin[b + 1]!,
        vJp,
        n,
      );
    }
    for (; b + 1 < B; b += 2) {
      mlp.backwardPair(
        p,
        tape,
        off + b * ts,
        off + (b + 1) * ts,
        go[b]!,
        go[b + 1]!,
        gin[b]!,
        gin[b + 1]!,
        vJp,
        n,
      );
    }
    if (b < B) mlp.backward(p, tape, off + b * ts, go[b]!, gin[b]!, vJp, true, n);
    for (let k = 0; k < B; k++) fields[k]!.addInputCotangent(gin[k]!, vJy, k * n);
  }
}
