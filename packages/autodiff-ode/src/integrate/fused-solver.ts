import { type ExplicitTableau, getExplicitTableau, PIController, reachesStop } from '@kinetica/ode-core';
import { neededStages } from '@kinetica/ode-core/reverse';
import type { TapedModel } from './taped-model';

/** Options of the fused training solver. */
export interface FusedSolveOptions {
  /**
   * 'rk4' (fixed steps), 'dopri5' (adaptive), 'euler' (fixed steps; a ResNet on the grid) or
   * 'map' (x_{k+1} = x_k + F(t_k, x_k) once per output interval). Default 'dopri5'.
   */
  method?: FusedMethod;
  /** rk4: equal steps per interval between consecutive output times or tstops (default 1). */
  substeps?: number;
  /** rk4: largest step; intervals longer than this get more substeps. */
  hmax?: number;
  /** dopri5 tolerances (defaults 1e-6 and 1e-8). */
  rtol?: number;
  atol?: number;
  /** dopri5 first step (default from the initial slope). */
  h0?: number;
  /** Largest number of attempted steps (default 100000). */
  maxSteps?: number;
}

export type FusedMethod = 'rk4' | 'dopri5' | 'euler' | 'map';

/** Result of a forward pass: states at the output times, or a failure naming t. */
export interface FusedForward {
  status: 'success' | 'failed';
  message: string;
  /** Row-major (times × nStates): state at times[i] in Y[i·n …]. Owned by the solver. */
  Y: Float64Array;
  /** Forward vector-field evaluations. */
  nfev: number;
  /** Accepted steps. */
  steps: number;
}

/** ode-core's tableau of a fused method ('map' steps with euler's tableau and unit steps). */
function tableauOf(method: string): ExplicitTableau {
  if (method === 'rk4' || method === 'dopri5' || method === 'euler') return getExplicitTableau(method);
  if (method === 'map') return getExplicitTableau('euler');
  throw new RangeError(
    `fused solver: unknown method ${JSON.stringify(method)} (expected 'rk4', 'dopri5', 'euler' or 'map')`,
  );
}

/**
 * An explicit Runge–Kutta solver that lands on every output time and tstop, records each
 * accepted step's stage evaluations on a tape, and backpropagates a cotangent on the outputs
 * through those steps exactly (the discrete adjoint; step sizes are held fixed, as in
 * torchdiffeq's backprop-through-the-solver). Workspaces are allocated once and grow by
 * doubling when a solve needs more steps than any before it.
 */
export class FusedSolver {
  readonly model: TapedModel;
  readonly tableau: ExplicitTableau;
  /**
   * 'map': the update is y + Σ b_i k_i whatever the step, a discrete-time map x_{k+1} = x_k + F(x_k, u_k)
   * rather than a discretised ODE.
   */
  private readonly unitStep: boolean;
  private readonly n: number;
  private readonly opts: Required<Omit<FusedSolveOptions, 'h0' | 'hmax' | 'method'>> & {
    h0?: number;
    hmax?: number;
  };
  /** Stages whose tapes the reverse pass needs (the FSAL stage of dopri5 has b = 0). */
  private readonly sTape: number;
  private capacity = 0;
  private tapes = new Float64Array(0);
  private stepT = new Float64Array(0);
  private stepH = new Float64Array(0);
  private nSteps = 0;
  private nOut = 0;
  private outStep = new Int32Array(0);
  private Y = new Float64Array(0);
  private readonly k: Float64Array[];
  private readonly w: Float64Array[];
  private readonly yStage: Float64Array;
  private readonly y: Float64Array;
  private readonly yNew: Float64Array;
  private readonly lam: Float64Array;
  private readonly abar: Float64Array;
  /** dopri5: the PI controller with the coefficients of Söderlind's PI.4.2 (0.7/5, 0.4/5), which suit training. */
  private readonly controller: PIController | undefined;
  private stops = new Float64Array(0);

  constructor(model: TapedModel, options: FusedSolveOptions = {}) {
    this.model = model;
    this.tableau = tableauOf(options.method ?? 'dopri5');
    this.unitStep = options.method === 'map';
    this.n = model.nStates;
    this.opts = {
      substeps: options.substeps ?? 1,
      rtol: options.rtol ?? 1e-6,
      atol: options.atol ?? 1e-8,
      maxSteps: options.maxSteps ?? 100000,
      ...(options.h0 !== undefined ? { h0: options.h0 } : {}),
      ...(options.hmax !== undefined ? { hmax: options.hmax } : {}),
    };
    if (!Number.isInteger(this.opts.substeps) || this.opts.substeps < 1) {
      throw new RangeError(`fused solver: substeps must be a positive integer, got ${this.opts.substeps}`);
    }
    const s = this.tableau.stages;
    this.sTape = neededStages(this.tableau);
    this.k = Array.from({ length: s }, () => new Float64Array(this.n));
    this.w = Array.from({ length: s }, () => new Float64Array(this.n));
    this.yStage = new Float64Array(this.n);
    this.y = new Float64Array(this.n);
    this.yNew = new Float64Array(this.n);
    this.lam = new Float64Array(this.n);
    this.abar = new Float64Array(this.n);
    this.controller =
      this.tableau.btilde === undefined
        ? undefined
        : new PIController(this.tableau.errorOrder, { beta1: 0.7 / 5, beta2: 0.4 / 5 });
    const ts = model.tstops ?? new Float64Array(0);
    this.stops = Float64Array.from(ts).sort();
  }

  private ensureCapacity(steps: number): void {
    if (steps <= this.capacity) return;
    let cap = Math.max(16, this.capacity);
    while (cap < steps) cap *= 2;
    const per = this.sTape * this.model.tapeSize;
    const tapes = new Float64Array(cap * per);
    // Keep the step in progress too: its first stage may already be taped.
    tapes.set(this.tapes.subarray(0, Math.min(this.tapes.length, (this.nSteps + 1) * per)));
    const st = new Float64Array(cap);
    st.set(this.stepT.subarray(0, this.nSteps));
    const sh = new Float64Array(cap);
    sh.set(this.stepH.subarray(0, this.nSteps));
    this.tapes = tapes;
    this.stepT = st;
    this.stepH = sh;
    this.capacity = cap;
  }

  /**
   * Integrate from y0 at times[0] through the increasing output times, storing the state at each
   * in the returned Y. With `record`, every accepted step's stages are taped for `backward`.
   */
  forward(p: Float64Array, y0: ArrayLike<number>, times: ArrayLike<number>, record: boolean): FusedForward {
    const n = this.n;
    const T = times.length;
    if (T < 1) throw new RangeError('fused solver: need at least one output time');
    for (let i = 1; i < T; i++) {
      if (!(times[i]! > times[i - 1]!)) {
        throw new RangeError(
          `fused solver: output times must increase strictly (times[${i}] = ${times[i]} after ${times[i - 1]})`,
        );
      }
    }
    if (this.Y.length < T * n) this.Y = new Float64Array(T * n);
    if (this.outStep.length < T) this.outStep = new Int32Array(T);
    this.nOut = T;
    this.nSteps = 0;
    const Y = this.Y;
    const y = this.y;
    for (let i = 0; i < n; i++) {
      y[i] = y0[i]!;
      Y[i] = y[i]!;
    }
    this.outStep[0] = 0;
    this.model.beginParams?.(p);
    try {
      const res = this.tableau.fsal
        ? this.forwardAdaptive(p, times, record)
        : this.forwardFixed(p, times, record);
      return { ...res, Y };
    } finally {
      this.model.endParams?.(null);
    }
  }

  private forwardFixed(p: Float64Array, times: ArrayLike<number>, record: boolean) {
    const n = this.n;
    const tb = this.tableau;
    const s = tb.stages;
    const unit = this.unitStep;
    const ts = this.model.tapeSize;
    const per = this.sTape * ts;
    const stops = this.stops;
    let nfev = 0;
    let si = 0;
    let t = times[0]!;
    while (si < stops.length && stops[si]! <= t) si++;
    for (let oi = 1; oi < times.length; oi++) {
      const tOut = times[oi]!;
      while (t < tOut) {
        while (si < stops.length && stops[si]! <= t) si++;
        // A map steps once per output interval whatever the kinks of its inputs.
        const seg = !unit && si < stops.length && stops[si]! < tOut ? stops[si]! : tOut;
        if (seg !== tOut) si++;
        let m = unit ? 1 : this.opts.substeps;
        if (this.opts.hmax !== undefined && !unit) m = Math.max(m, Math.ceil((seg - t) / this.opts.hmax));
        const tStart = t;
        const H = seg - tStart;
        for (let q = 0; q < m; q++) {
          const tq = q === 0 ? tStart : tStart + (H * q) / m;
          const h = (q === m - 1 ? seg : tStart + (H * (q + 1)) / m) - tq;
          const hu = unit ? 1 : h;
          if (record) {
            this.ensureCapacity(this.nSteps + 1);
            this.stepT[this.nSteps] = tq;
            this.stepH[this.nSteps] = h;
          }
          const base = this.nSteps * per;
          for (let i = 0; i < s; i++) {
            const ys = this.yStage;
            this.stageInput(i, hu, ys);
            if (record)
              this.model.forwardTaped(tq + tb.c[i]! * h, ys, p, this.k[i]!, this.tapes, base + i * ts);
            else this.model.f(tq + tb.c[i]! * h, ys, p, this.k[i]!);
          }
          nfev += s;
          for (let c = 0; c < n; c++) {
            let acc = 0;
            for (let i = 0; i < s; i++) acc += tb.b[i]! * this.k[i]![c]!;
            const v = this.y[c]! + hu * acc;
            if (!Number.isFinite(v)) {
              return {
                status: 'failed' as const,
                message: `non-finite state at t=${tq + h}`,
                nfev,
                steps: this.nSteps,
              };
            }
            this.y[c] = v;
          }
          this.nSteps++;
        }
        t = seg;
      }
      for (let c = 0; c < n; c++) this.Y[oi * n + c] = this.y[c]!;
      this.outStep[oi] = this.nSteps;
    }
    return { status: 'success' as const, message: '', nfev, steps: this.nSteps };
  }

  /** ys = y + hu·Σ_{j<i} a_ij k_j: the input of stage i. */
  private stageInput(i: number, hu: number, ys: Float64Array): void {
    const n = this.n;
    const row = this.tableau.a[i]!;
    const k = this.k;
    const y = this.y;
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let j = 0; j < i; j++) {
        const aij = row[j]!;
        if (aij !== 0) acc += aij * k[j]![c]!;
      }
      ys[c] = y[c]! + hu * acc;
    }
  }

  private errorNorm(h: number): number {
    const n = this.n;
    const e = this.tableau.btilde!;
    const s = this.tableau.stages;
    const { rtol, atol } = this.opts;
    let sum = 0;
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let i = 0; i < s; i++) acc += e[i]! * this.k[i]![c]!;
      const sc = atol + rtol * Math.max(Math.abs(this.y[c]!), Math.abs(this.yNew[c]!));
      const r = (h * acc) / sc;
      sum += r * r;
    }
    return Math.sqrt(sum / n);
  }

  private forwardAdaptive(p: Float64Array, times: ArrayLike<number>, record: boolean) {
    const n = this.n;
    const tb = this.tableau;
    const s = tb.stages;
    const ts = this.model.tapeSize;
    const per = this.sTape * ts;
    const stops = this.stops;
    const { rtol, atol, maxSteps } = this.opts;
    const controller = this.controller!;
    controller.reset();
    const tEnd = times[times.length - 1]!;
    let t = times[0]!;
    let nfev = 0;
    let attempts = 0;
    let si = 0;
    while (si < stops.length && stops[si]! <= t) si++;
    let oi = 1;
    // With recording, stage 1 is taped into the current step's block.
    const stage1 = (tt: number) => {
      if (record) {
        this.ensureCapacity(this.nSteps + 1);
        this.model.forwardTaped(tt, this.y, p, this.k[0]!, this.tapes, this.nSteps * per);
      } else this.model.f(tt, this.y, p, this.k[0]!);
      nfev++;
    };
    stage1(t);
    let h = this.opts.h0 ?? 0;
    if (!(h > 0)) {
      let d0 = 0;
      let d1 = 0;
      for (let c = 0; c < n; c++) {
        const sc = atol + rtol * Math.abs(this.y[c]!);
        d0 += (this.y[c]! / sc) ** 2;
        d1 += (this.k[0]![c]! / sc) ** 2;
      }
      d0 = Math.sqrt(d0 / n);
      d1 = Math.sqrt(d1 / n);
      h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
      h = Math.min(h, tEnd - t);
    }
    while (oi < times.length) {
      const nextOut = times[oi]!;
      const nextStop = si < stops.length && stops[si]! < nextOut ? stops[si]! : Number.POSITIVE_INFINITY;
      const land = Math.min(nextOut, nextStop);
      let hs = this.opts.hmax !== undefined ? Math.min(h, this.opts.hmax) : h;
      const landing = reachesStop(t, hs, land, 1);
      if (landing) hs = land - t;
      if (++attempts > maxSteps) {
        return {
          status: 'failed' as const,
          message: `maxSteps (${maxSteps}) reached at t=${t}`,
          nfev,
          steps: this.nSteps,
        };
      }
      if (!(hs > 1e-14 * Math.max(1, Math.abs(t)))) {
        return {
          status: 'failed' as const,
          message: `step size underflow at t=${t}`,
          nfev,
          steps: this.nSteps,
        };
      }
      if (record) this.ensureCapacity(this.nSteps + 2);
      const base = this.nSteps * per;
      for (let i = 1; i < s; i++) {
        const ys = i === s - 1 ? this.yNew : this.yStage;
        this.stageInput(i, hs, ys);
        const ti = t + tb.c[i]! * hs;
        if (i === s - 1) {
          // The FSAL stage is f at the new point: taped straight into the next step's first slot.
          if (record) this.model.forwardTaped(t + hs, ys, p, this.k[i]!, this.tapes, base + per);
          else this.model.f(t + hs, ys, p, this.k[i]!);
        } else if (record) this.model.forwardTaped(ti, ys, p, this.k[i]!, this.tapes, base + i * ts);
        else this.model.f(ti, ys, p, this.k[i]!);
      }
      nfev += s - 1;
      const err = this.errorNorm(hs);
      if (!Number.isFinite(err)) {
        return {
          status: 'failed' as const,
          message: `non-finite value in f at t=${t}`,
          nfev,
          steps: this.nSteps,
        };
      }
      if (err <= 1) {
        if (record) {
          this.stepT[this.nSteps] = t;
          this.stepH[this.nSteps] = hs;
        }
        this.nSteps++;
        t = landing ? land : t + hs;
        this.y.set(this.yNew);
        const hNext = controller.propose(hs, err);
        // A step shortened to land keeps the step the controller had before it.
        h = landing ? Math.max(h, hNext) : hNext;
        let restart = false;
        if (landing && t === nextStop) {
          si++;
          restart = true;
        }
        if (landing && t === nextOut) {
          for (let c = 0; c < n; c++) this.Y[oi * n + c] = this.y[c]!;
          this.outStep[oi] = this.nSteps;
          oi++;
          while (si < stops.length && stops[si]! <= t) {
            si++;
            restart = true;
          }
        }
        if (oi >= times.length) break;
        if (restart) {
          // f may jump at a tstop: a fresh first stage and a fresh error history.
          stage1(t);
          controller.reset();
        } else {
          const tmp = this.k[0]!;
          this.k[0] = this.k[s - 1]!;
          this.k[s - 1] = tmp;
        }
      } else {
        h = controller.propose(hs, err);
      }
    }
    return { status: 'success' as const, message: '', nfev, steps: this.nSteps };
  }

  /**
   * Backpropagate through the recorded solve: given dL/dY (row-major times × n), accumulate
   * dL/dp into `dp` and write dL/dy0 into `dy0`. Returns the number of VJPs evaluated.
   */
  backward(p: Float64Array, dLdY: Float64Array, dp: Float64Array, dy0: Float64Array): number {
    const n = this.n;
    const lam = this.lam;
    const oi = this.nOut - 1;
    for (let c = 0; c < n; c++) lam[c] = dLdY[oi * n + c]!;
    this.model.beginParams?.(p);
    try {
      this.reverseSteps(p, dLdY, dp, oi - 1);
    } finally {
      this.model.endParams?.(dp);
    }
    dy0.set(lam);
    return this.nSteps * this.sTape;
  }

  /** The reverse sweep over the recorded steps: λ (in `lam`) back to y0, dL/dp into dp. */
  private reverseSteps(p: Float64Array, dLdY: Float64Array, dp: Float64Array, oi: number): void {
    const n = this.n;
    const tb = this.tableau;
    const st = this.sTape;
    const ts = this.model.tapeSize;
    const per = st * ts;
    const lam = this.lam;
    const abar = this.abar;
    for (let k = this.nSteps - 1; k >= 0; k--) {
      const t = this.stepT[k]!;
      const h = this.stepH[k]!;
      const hu = this.unitStep ? 1 : h;
      const base = k * per;
      for (let i = st - 1; i >= 0; i--) {
        const bi = tb.b[i]!;
        for (let c = 0; c < n; c++) abar[c] = hu * bi * lam[c]!;
        for (let j = i + 1; j < st; j++) {
          const aji = tb.a[j]![i]!;
          if (aji === 0) continue;
          const wj = this.w[j]!;
          const f = hu * aji;
          for (let c = 0; c < n; c++) abar[c] += f * wj[c]!;
        }
        this.model.backwardTaped(t + tb.c[i]! * h, p, this.tapes, base + i * ts, abar, this.w[i]!, dp);
      }
      for (let i = 0; i < st; i++) {
        const wi = this.w[i]!;
        for (let c = 0; c < n; c++) lam[c] += wi[c]!;
      }
      while (oi >= 0 && this.outStep[oi] === k) {
        for (let c = 0; c < n; c++) lam[c] += dLdY[oi * n + c]!;
        oi--;
      }
    }
    while (oi >= 0) {
      for (let c = 0; c < n; c++) lam[c] += dLdY[oi * n + c]!;
      oi--;
    }
  }
}
