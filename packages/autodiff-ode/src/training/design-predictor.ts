import { type ExplicitTableau, getExplicitTableau } from '@kinetica/ode-core';
import { type ControlSeries, LinearControls } from '../field/controls';
import { enzymePower, type NeuralODE } from '../field/neural-ode';
import { softplus } from '../mlp/activations';
import { WasmPairMLP } from '../mlp/wasm-pair';
import { type EnsembleModel, medianInPlace } from './ensemble';
import type { TrainedModel } from './trained-model';

/**
 * Predictions of many designs of one strain: design d multiplies each control's series by its
 * factor F[d·m + c] (a factor 0 knocks the enzyme out), and is predicted from the same x0 at the
 * same times as `ensemble.predict(x0, scaled controls, times)` (the members' median, clipped at
 * zero for a non-negative ensemble); each design's states equal that call's to rounding (about
 * 1e-15 relative).
 *
 * The fused path serves S·r_θ members that read their enzymes only through the enzyme factors
 * (`networkControls: false`, no time input) and predict with rk4 on fixed steps, as the app's
 * default model does: everything that does not depend on the design is computed once (the steps,
 * each enzyme's base level to the power α at every stage time, the learned α, κ and Michaelis
 * constants), since (c·u)^α = c^α·u^α; the networks run two designs per weight load on the
 * WebAssembly SIMD kernels (plain JS where those are unavailable). Every other ensemble takes the
 * general path: one `simulateMembers` per design.
 */
export class DesignPredictor {
  readonly nStates: number;
  readonly nControls: number;
  readonly nTimes: number;
  /** Whether the fused path applies (see the class comment). */
  readonly fused: boolean;
  private readonly ensemble: EnsembleModel;
  private readonly x0: Float64Array;
  private readonly base: LinearControls;
  private readonly times: Float64Array;
  private readonly plan: FusedPlan | null;

  constructor(
    ensemble: EnsembleModel,
    x0: ArrayLike<number>,
    controls: ControlSeries,
    times: ArrayLike<number>,
  ) {
    const n = ensemble.nStates;
    if (x0.length !== n)
      throw new RangeError(`DesignPredictor: x0 has ${x0.length} entries, the model has ${n} states`);
    const m = ensemble.members[0]!.node.nControls;
    this.ensemble = ensemble;
    this.nStates = n;
    this.nControls = m;
    this.x0 = Float64Array.from(x0);
    this.times = Float64Array.from(times);
    this.nTimes = this.times.length;
    for (let k = 1; k < this.nTimes; k++)
      if (!(this.times[k]! > this.times[k - 1]!))
        throw new RangeError(
          `DesignPredictor: times must increase strictly (times[${k}] = ${this.times[k]})`,
        );
    const base = new LinearControls(controls);
    if (base.nControls !== m)
      throw new RangeError(
        `DesignPredictor: controls have ${base.nControls} channels, the model expects ${m}`,
      );
    this.base = base;
    this.plan = fusable(ensemble) ? new FusedPlan(ensemble, base, this.times) : null;
    this.fused = this.plan !== null;
  }

  /**
   * Predict designs [from, to) of `factors` (designs × nControls, row-major): design d's states
   * at the times go to out[(d − from)·T·n …] (T × n, row-major), and ok[d − from] is 1, or 0
   * with NaN states where a member's solve failed (a non-finite state).
   */
  predict(factors: ArrayLike<number>, from: number, to: number, out: Float64Array, ok: Uint8Array): void {
    const m = this.nControls;
    const block = this.nTimes * this.nStates;
    if (
      !(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to * m <= factors.length)
    )
      throw new RangeError(`DesignPredictor: designs [${from}, ${to}) lie outside the factors given`);
    if (out.length < (to - from) * block || ok.length < to - from)
      throw new RangeError(`DesignPredictor: out or ok too short for ${to - from} designs`);
    for (let i = from * m; i < to * m; i++) {
      const f = factors[i]!;
      if (!(f >= 0 && Number.isFinite(f)))
        throw new RangeError(
          `DesignPredictor: factor ${f} of design ${Math.floor(i / m)} is not finite and ≥ 0`,
        );
    }
    if (this.plan) {
      this.plan.run(factors, from, to, this.x0, out, ok);
      return;
    }
    for (let d = from; d < to; d++)
      this.general(factors, d, out.subarray((d - from) * block, (d - from + 1) * block), ok, d - from);
  }

  private general(
    factors: ArrayLike<number>,
    d: number,
    out: Float64Array,
    ok: Uint8Array,
    slot: number,
  ): void {
    const m = this.nControls;
    const n = this.nStates;
    const { times, values } = this.base;
    const scaled: ControlSeries = {
      times,
      values: Array.from(times, (_, k) =>
        Float64Array.from({ length: m }, (_, c) => factors[d * m + c]! * values[k * m + c]!),
      ),
    };
    const r = this.ensemble.simulateMembers(this.x0, scaled, this.times);
    if (r.status === 'failed') {
      out.fill(Number.NaN);
      ok[slot] = 0;
      return;
    }
    const med = this.ensemble.combine(r.runs, false).median;
    for (let k = 0; k < med.length; k++) out.set(med[k]!, k * n);
    ok[slot] = 1;
  }
}

/** Whether every member is an S·r_θ field driven only through its enzyme factors, predicted by rk4. */
function fusable(ensemble: EnsembleModel): boolean {
  const method = ensemble.predictOptions.method;
  return ensemble.members.every((mem) => {
    const node = mem.node;
    const st = node.stoichiometry;
    return (
      st !== null &&
      !node.networkControls &&
      !node.timeInput &&
      (method ?? mem.method) === 'rk4' &&
      ensemble.members[0]!.node.mlp.widths.join() === node.mlp.widths.join()
    );
  });
}

/** One member's design-independent constants. */
interface MemberPlan {
  model: TrainedModel;
  node: NeuralODE;
  /** Per reaction–enzyme pair: α, κ. */
  alpha: Float64Array;
  kappa: Float64Array;
  /** 1 + κ. */
  kappa1: Float64Array;
  /** Per reaction–substrate pair: the constant of its factor (K, or the scale for mass action). */
  K: Float64Array;
  /** (base level/enzymeScale)^α per step, stage and pair: [(step·s + stage)·Q + q]. */
  R: Float64Array;
  wasm: WasmPairMLP | null;
}

/**
 * The fused rk4 path: steps as `FusedSolver.forwardFixed` takes them (each output interval cut at
 * the controls' knots, then into `substeps` equal steps), stages as its tableau gives them.
 */
class FusedPlan {
  private readonly n: number;
  private readonly m: number;
  private readonly T: number;
  private readonly tb: ExplicitTableau;
  private readonly stepH: Float64Array;
  /** Index of the output time each step ends on, or −1. */
  private readonly stepOut: Int32Array;
  private readonly members: MemberPlan[];
  private readonly nonnegative: boolean;
  // Scratch of the two designs side by side (not private: read by destructuring `this`, and the
  // class is internal).
  readonly Ca: Float64Array;
  readonly Cb: Float64Array;
  readonly ya: Float64Array;
  readonly yb: Float64Array;
  readonly sa: Float64Array;
  readonly sb: Float64Array;
  readonly ka: Float64Array[];
  readonly kb: Float64Array[];
  readonly xa: Float64Array;
  readonly xb: Float64Array;
  readonly za: Float64Array;
  readonly zb: Float64Array;
  /** softplus of the network outputs. */
  readonly pa: Float64Array;
  readonly pb: Float64Array;
  /** Members' predictions of the two designs: [member][T·n]. */
  private readonly runA: Float64Array[];
  private readonly runB: Float64Array[];
  private readonly v: Float64Array;

  constructor(ensemble: EnsembleModel, base: LinearControls, times: Float64Array) {
    const first = ensemble.members[0]!.node;
    this.n = first.nStates;
    this.m = first.nControls;
    this.T = times.length;
    this.nonnegative = ensemble.nonnegative;
    this.tb = getExplicitTableau('rk4');
    const substeps = ensemble.predictOptions.substeps ?? 1;
    // The steps (start, length) of forwardFixed with the controls' knots as stops.
    const stops = Float64Array.from(base.tstops).sort();
    const tq: number[] = [];
    const hs: number[] = [];
    const outs: number[] = [];
    let si = 0;
    let t = times[0]!;
    while (si < stops.length && stops[si]! <= t) si++;
    for (let oi = 1; oi < times.length; oi++) {
      const tOut = times[oi]!;
      while (t < tOut) {
        while (si < stops.length && stops[si]! <= t) si++;
        const seg = si < stops.length && stops[si]! < tOut ? stops[si]! : tOut;
        if (seg !== tOut) si++;
        const H = seg - t;
        for (let q = 0; q < substeps; q++) {
          const t0 = q === 0 ? t : t + (H * q) / substeps;
          tq.push(t0);
          hs.push((q === substeps - 1 ? seg : t + (H * (q + 1)) / substeps) - t0);
          outs.push(-1);
        }
        t = seg;
      }
      outs[outs.length - 1] = oi;
    }
    this.stepH = Float64Array.from(hs);
    this.stepOut = Int32Array.from(outs);
    const s = this.tb.stages;
    // The controls at every stage time, shared by the members.
    const m = this.m;
    const U = new Float64Array(tq.length * s * m);
    for (let j = 0; j < tq.length; j++)
      for (let i = 0; i < s; i++) base.evaluate(tq[j]! + this.tb.c[i]! * hs[j]!, U, (j * s + i) * m);
    this.members = ensemble.members.map((model) => {
      const node = model.node;
      const st = node.stoichiometry!;
      const { elasticity, michaelis } = node.kinetics(model.params);
      const alpha = Float64Array.from(elasticity, (e) => e.alpha);
      const kappa = Float64Array.from(elasticity, (e) => e.kappa);
      const K = st.michaelisMenten
        ? Float64Array.from(michaelis, (e) => e.K)
        : Float64Array.from(st.substrates, (i) => st.substrateScale[i]!);
      const Q = alpha.length;
      const R = new Float64Array(tq.length * s * Q);
      for (let r = 0; r < tq.length * s; r++)
        for (let q = 0; q < Q; q++) {
          const k = st.enzymeList[q]!;
          R[r * Q + q] = enzymePower(U[r * m + k]! / st.enzymeScale[k]!, alpha[q]!);
        }
      const wasm = WasmPairMLP.create(node.mlp);
      wasm?.load(model.params);
      const kappa1 = kappa.map((k) => 1 + k);
      return { model, node, alpha, kappa, kappa1, K, R, wasm };
    });
    const maxQ = Math.max(...this.members.map((mp) => mp.alpha.length));
    const n = this.n;
    this.Ca = new Float64Array(maxQ);
    this.Cb = new Float64Array(maxQ);
    this.ya = new Float64Array(n);
    this.yb = new Float64Array(n);
    this.sa = new Float64Array(n);
    this.sb = new Float64Array(n);
    this.ka = Array.from({ length: s }, () => new Float64Array(n));
    this.kb = Array.from({ length: s }, () => new Float64Array(n));
    const mlp = first.mlp;
    this.xa = new Float64Array(mlp.nIn);
    this.xb = new Float64Array(mlp.nIn);
    this.za = new Float64Array(mlp.nOut);
    this.zb = new Float64Array(mlp.nOut);
    this.pa = new Float64Array(mlp.nOut);
    this.pb = new Float64Array(mlp.nOut);
    this.runA = this.members.map(() => new Float64Array(this.T * n));
    this.runB = this.members.map(() => new Float64Array(this.T * n));
    this.v = new Float64Array(this.members.length);
  }

  run(
    factors: ArrayLike<number>,
    from: number,
    to: number,
    x0: Float64Array,
    out: Float64Array,
    ok: Uint8Array,
  ): void {
    const block = this.T * this.n;
    for (let d = from; d < to; d += 2) {
      const b = d + 1 < to ? d + 1 : d;
      let okA = true;
      let okB = true;
      for (let mi = 0; mi < this.members.length; mi++) {
        const r = this.solvePair(this.members[mi]!, factors, d, b, x0, this.runA[mi]!, this.runB[mi]!);
        okA &&= (r & 1) === 0;
        okB &&= (r & 2) === 0;
      }
      this.combine(this.runA, okA, out, (d - from) * block);
      ok[d - from] = okA ? 1 : 0;
      if (b !== d) {
        this.combine(this.runB, okB, out, (b - from) * block);
        ok[b - from] = okB ? 1 : 0;
      }
    }
  }

  /** The members' median (clipped at zero when non-negative) into out[o …], or NaN on failure. */
  private combine(runs: Float64Array[], good: boolean, out: Float64Array, o: number): void {
    const len = this.T * this.n;
    if (!good) {
      out.fill(Number.NaN, o, o + len);
      return;
    }
    const v = this.v;
    const M = runs.length;
    for (let e = 0; e < len; e++) {
      for (let k = 0; k < M; k++) v[k] = runs[k]![e]!;
      const med = medianInPlace(v);
      out[o + e] = this.nonnegative && med < 0 ? 0 : med;
    }
  }

  /**
   * Integrate designs a and b with one member, states at the output times into runA/runB.
   * Returns a bit mask of the designs whose state became non-finite (1: a, 2: b).
   */
  private solvePair(
    mp: MemberPlan,
    F: ArrayLike<number>,
    a: number,
    b: number,
    x0: Float64Array,
    runA: Float64Array,
    runB: Float64Array,
  ): number {
    const { n, m, tb } = this;
    const st = mp.node.stoichiometry!;
    const Q = mp.alpha.length;
    const { Ca, Cb, ya, yb, sa, sb, ka, kb } = this;
    for (let q = 0; q < Q; q++) {
      const k = st.enzymeList[q]!;
      const al = mp.alpha[q]!;
      const fa = F[a * m + k]!;
      const fb = F[b * m + k]!;
      Ca[q] = enzymePower(fa, al);
      Cb[q] = enzymePower(fb, al);
    }
    ya.set(x0);
    yb.set(x0);
    runA.set(x0, 0);
    runB.set(x0, 0);
    let failed = 0;
    const s = tb.stages;
    const steps = this.stepH.length;
    for (let j = 0; j < steps; j++) {
      const h = this.stepH[j]!;
      for (let i = 0; i < s; i++) {
        const row = tb.a[i]!;
        for (let c = 0; c < n; c++) {
          let accA = 0;
          let accB = 0;
          for (let l = 0; l < i; l++) {
            const al = row[l]!;
            if (al !== 0) {
              accA += al * ka[l]![c]!;
              accB += al * kb[l]![c]!;
            }
          }
          sa[c] = ya[c]! + h * accA;
          sb[c] = yb[c]! + h * accB;
        }
        this.field(mp, (j * s + i) * Q, sa, sb, ka[i]!, kb[i]!);
      }
      for (let c = 0; c < n; c++) {
        let accA = 0;
        let accB = 0;
        for (let i = 0; i < s; i++) {
          accA += tb.b[i]! * ka[i]![c]!;
          accB += tb.b[i]! * kb[i]![c]!;
        }
        const va = ya[c]! + h * accA;
        const vb = yb[c]! + h * accB;
        if (!Number.isFinite(va)) failed |= 1;
        if (!Number.isFinite(vb)) failed |= 2;
        ya[c] = va;
        yb[c] = vb;
      }
      const oi = this.stepOut[j]!;
      if (oi >= 0) {
        runA.set(ya, oi * n);
        runB.set(yb, oi * n);
      }
    }
    return a === b ? (failed & 1 ? 3 : 0) : failed;
  }

  /** dx/dt of both designs at stage states sa, sb into da, db; R row at rOff. */
  private field(
    mp: MemberPlan,
    rOff: number,
    sa: Float64Array,
    sb: Float64Array,
    da: Float64Array,
    db: Float64Array,
  ): void {
    const node = mp.node;
    const n = this.n;
    const { xa, xb, za, zb } = this;
    const sh = node.stateShift;
    const sc = node.stateScale;
    for (let i = 0; i < n; i++) {
      xa[i] = (sa[i]! - sh[i]!) / sc[i]!;
      xb[i] = (sb[i]! - sh[i]!) / sc[i]!;
    }
    const { pa, pb } = this;
    if (mp.wasm) mp.wasm.predictPair(xa, xb, za, zb, pa, pb);
    else {
      const p = mp.model.params;
      node.mlp.forward(p, xa, za);
      node.mlp.forward(p, xb, zb);
      for (let i = 0; i < za.length; i++) {
        pa[i] = softplus(za[i]!);
        pb[i] = softplus(zb[i]!);
      }
    }
    this.rates(mp, rOff, sa, sb, da, db);
  }

  /**
   * S·r of both designs, with the arithmetic of `NeuralField.writeOutput` (saturateEnzyme and
   * substrateFactor inlined: this is the hot loop of a screen).
   */
  private rates(
    mp: MemberPlan,
    rOff: number,
    sa: Float64Array,
    sb: Float64Array,
    da: Float64Array,
    db: Float64Array,
  ): void {
    const st = mp.node.stoichiometry!;
    const { colPtr, rowIndex, values } = st.sparse;
    const { rateScale: rs, reversible: rev, enzymePtr, substratePtr, substrates, michaelisMenten } = st;
    const { R, kappa, kappa1, K } = mp;
    const { Ca, Cb, za, zb, pa, pb } = this;
    da.fill(0);
    db.fill(0);
    for (let j = 0; j < st.nReactions; j++) {
      let ea = 1;
      let eb = 1;
      for (let q = enzymePtr[j]!; q < enzymePtr[j + 1]!; q++) {
        const base = R[rOff + q]!;
        const wa = Ca[q]! * base;
        const wb = Cb[q]! * base;
        const k = kappa[q]!;
        if (k === Number.POSITIVE_INFINITY) {
          ea *= wa;
          eb *= wb;
        } else {
          const k1 = kappa1[q]!;
          ea *= wa > 0 ? (k1 * wa) / (k + wa) : wa;
          eb *= wb > 0 ? (k1 * wb) / (k + wb) : wb;
        }
      }
      let ra = rs[j]! * ea * (rev[j] ? za[j]! : pa[j]!);
      let rb = rs[j]! * eb * (rev[j] ? zb[j]! : pb[j]!);
      for (let q = substratePtr[j]!; q < substratePtr[j + 1]!; q++) {
        const i = substrates[q]!;
        const Kq = K[q]!;
        const xa = sa[i]!;
        const xb = sb[i]!;
        if (michaelisMenten) {
          const pa2 = xa > 0 ? xa : 0;
          const pb2 = xb > 0 ? xb : 0;
          ra *= pa2 / (pa2 + Kq);
          rb *= pb2 / (pb2 + Kq);
        } else {
          ra *= xa / Kq;
          rb *= xb / Kq;
        }
      }
      for (let q = colPtr[j]!; q < colPtr[j + 1]!; q++) {
        const v = values[q]!;
        da[rowIndex[q]!] += v * ra;
        db[rowIndex[q]!] += v * rb;
      }
    }
  }
}
