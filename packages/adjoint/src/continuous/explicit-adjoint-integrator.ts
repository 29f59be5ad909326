import { type ExplicitTableau, initialStepSize, PIController } from '@kinetica/ode-core';
import type { GradientStats } from '../types';

/**
 * A system x' = F(t, x) together with quadratures q' = Q(t, x) that never feed back into F:
 * the continuous adjoint (x = [y, a] or [a]) and its parameter integral (q = μ, dL/dp).
 */
export interface QuadratureSystem {
  /** Number of fed-back components x. */
  m: number;
  /** Number of quadrature components q. */
  q: number;
  /** Write F(t, x) into dx and Q(t, x) into dq. */
  rhs(t: number, x: Float64Array, dx: Float64Array, dq: Float64Array): void;
}

/** Outcome of one `run`: failure as a value, with the step proposal to continue from. */
export interface RunResult {
  ok: boolean;
  message: string;
  hNext: number;
}

/**
 * Explicit Runge–Kutta integration of a `QuadratureSystem`, forwards or backwards. The quadrature
 * takes no part in the stage arithmetic (only its weighted sum is formed) and, with `seminorm`,
 * none in the error control either: Kidger, Chen & Lyons (2021), "Hey, that's not an ODE: faster
 * ODE adjoints via seminorms", ICML. Workspaces are allocated once; `run` allocates nothing.
 */
export class ExplicitAdjointIntegrator {
  readonly K: Float64Array[];
  readonly Q: Float64Array[];
  readonly xs: Float64Array;
  readonly xNew: Float64Array;
  readonly s: number;
  readonly sNeed: number;
  readonly controller: PIController | undefined;
  readonly fx: (t: number, x: Float64Array, dx: Float64Array) => void;

  constructor(
    readonly sys: QuadratureSystem,
    readonly tab: ExplicitTableau,
    readonly opts: {
      rtol: number;
      /** Per-component absolute tolerance of x (length m). */
      atol: Float64Array;
      /** Absolute tolerance per quadrature component when it is error-controlled (length q). */
      atolQ: Float64Array;
      seminorm: boolean;
      hmax: number;
      maxSteps: number;
      /** Fixed step for methods without an error estimate. */
      hFixed?: number;
    },
    readonly stats: GradientStats,
  ) {
    const s = tab.stages;
    this.s = s;
    this.K = Array.from({ length: s }, () => new Float64Array(sys.m));
    this.Q = Array.from({ length: s }, () => new Float64Array(sys.q));
    this.xs = new Float64Array(sys.m);
    this.xNew = new Float64Array(sys.m);
    let last = 0;
    for (let i = 0; i < s; i++) if (tab.b[i] !== 0) last = i;
    this.sNeed = last + 1;
    this.controller = tab.btilde ? new PIController(tab.errorOrder) : undefined;
    const qScratch = new Float64Array(sys.q);
    this.fx = (t, x, dx) => {
      sys.rhs(t, x, dx, qScratch);
      stats.nfev.backward++;
    };
  }

  /**
   * Integrate x and accumulate q from t to tEnd (either direction), starting with step magnitude
   * `h` (≤ 0 picks one). x and q are updated in place.
   */
  run(t: number, tEnd: number, x: Float64Array, q: Float64Array, h: number): RunResult {
    const { sys, tab, K, Q, xs, xNew, s, sNeed, opts, stats, controller } = this;
    const { m, q: nq } = sys;
    const { a, b, c } = tab;
    const e = tab.btilde;
    const fixed = e === undefined;
    const d = tEnd >= t ? 1 : -1;
    const useQ = !opts.seminorm && !fixed;
    sys.rhs(t, x, K[0]!, Q[0]!);
    stats.nfev.backward++;
    if (fixed) h = opts.hFixed!;
    else if (!(h > 0)) {
      h = initialStepSize(
        this.fx,
        t,
        x,
        K[0]!,
        tab.errorOrder,
        opts.rtol,
        opts.atol,
        d,
        Math.min(opts.hmax, Math.abs(tEnd - t)),
        {
          y1: xs,
          f1: K[1]!,
        },
      );
    }
    controller?.reset();
    let attempts = 0;
    while (t !== tEnd) {
      let hs = d * Math.min(h, opts.hmax);
      if (d * (t + hs * (1 + 1e-8) - tEnd) >= 0) hs = tEnd - t;
      if (attempts >= opts.maxSteps)
        return { ok: false, message: `maxSteps (${opts.maxSteps}) reached at t=${t}`, hNext: h };
      // The step that lands on tEnd is exempt: a span shorter than the threshold (an observation
      // a hair after t0) is integrated in that one step.
      if (hs !== tEnd - t && !(Math.abs(hs) > 1e-14 * Math.max(1, Math.abs(t)))) {
        return { ok: false, message: `step size underflow at t=${t}`, hNext: h };
      }
      attempts++;
      for (let st = 1; st < s; st++) {
        const row = a[st]!;
        for (let i = 0; i < m; i++) {
          let acc = 0;
          for (let j = 0; j < st; j++) acc += row[j]! * K[j]![i]!;
          xs[i] = x[i]! + hs * acc;
        }
        sys.rhs(t + c[st]! * hs, xs, K[st]!, Q[st]!);
        stats.nfev.backward++;
      }
      let finite = true;
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let j = 0; j < sNeed; j++) acc += b[j]! * K[j]![i]!;
        const v = x[i]! + hs * acc;
        xNew[i] = v;
        if (!Number.isFinite(v)) finite = false;
      }
      let errn = 0;
      if (!fixed) {
        let sum = 0;
        for (let i = 0; i < m; i++) {
          let acc = 0;
          for (let j = 0; j < s; j++) acc += e![j]! * K[j]![i]!;
          const sc = opts.atol[i]! + opts.rtol * Math.max(Math.abs(x[i]!), Math.abs(xNew[i]!));
          const r = (hs * acc) / sc;
          sum += r * r;
        }
        let count = m;
        if (useQ) {
          for (let i = 0; i < nq; i++) {
            let acc = 0;
            for (let j = 0; j < s; j++) acc += e![j]! * Q[j]![i]!;
            const r = (hs * acc) / (opts.atolQ[i]! + opts.rtol * Math.abs(q[i]!));
            sum += r * r;
          }
          count += nq;
        }
        errn = finite ? Math.sqrt(sum / count) : Number.NaN;
        if (!controller!.accept(errn)) {
          h = controller!.propose(Math.abs(hs), errn);
          continue;
        }
      } else if (!finite) {
        return { ok: false, message: `non-finite adjoint state at t=${t + hs}`, hNext: h };
      }
      stats.steps.backward++;
      for (let i = 0; i < nq; i++) {
        let acc = 0;
        for (let j = 0; j < sNeed; j++) acc += b[j]! * Q[j]![i]!;
        q[i]! += hs * acc;
      }
      x.set(xNew);
      t = t + hs === tEnd || hs === tEnd - t ? tEnd : t + hs;
      if (tab.fsal) {
        const k0 = K[0]!;
        K[0] = K[s - 1]!;
        K[s - 1] = k0;
        const q0 = Q[0]!;
        Q[0] = Q[s - 1]!;
        Q[s - 1] = q0;
      } else if (t !== tEnd) {
        sys.rhs(t, x, K[0]!, Q[0]!);
        stats.nfev.backward++;
      }
      if (controller) h = controller.propose(Math.abs(hs), errn);
    }
    return { ok: true, message: '', hNext: h };
  }
}
