import { type GradientMode, odeGradient } from '@kinetica/adjoint';
import { FusedSolver } from '../integrate/fused-solver';
import { ForwardSolver, isFused, type SolverMethod } from '../integrate/forward-solve';
import type { TapedModel } from '../integrate/taped-model';
import type { TrajectoryLoss } from './trajectory-loss';

/** How a training gradient is computed. */
export interface GradientSettings {
  /**
   * 'rk4' (fixed steps on the observation grid, `substeps` per interval), 'dopri5' (adaptive),
   * or, with the fused engine, 'euler' (a ResNet-as-Euler baseline) and 'map' (a discrete-time
   * map x_{k+1} = x_k + F(x_k, u_k) baseline). Any other method of @kinetica/solvers-stiff
   * ('radau5', 'bdf', 'rodas5', 'tsit5', …) runs through `odeGradient`. Default 'dopri5'.
   */
  method?: SolverMethod;
  /** 'backprop' through the solver steps, or the continuous 'adjoint'. Default 'backprop'. */
  grad?: 'backprop' | 'adjoint';
  /**
   * 'fused': this package's taped solver (backprop only; the fast path). 'odeGradient': the
   * @kinetica/adjoint package (mode 'discrete' for backprop, `adjointMode` for adjoint).
   * Default: 'fused' for backprop, 'odeGradient' for adjoint.
   */
  engine?: 'fused' | 'odeGradient';
  /**
   * Continuous-adjoint flavour of @kinetica/adjoint: 'backsolve' (default, as torchdiffeq's
   * odeint_adjoint), 'interpolating' or 'checkpointed'.
   */
  adjointMode?: Exclude<GradientMode, 'discrete' | 'forward' | 'auto'>;
  rtol?: number;
  atol?: number;
  /** rk4 steps per observation interval (default 1). */
  substeps?: number;
}

/** Outcome of one segment's loss and gradient. */
export interface SegmentResult {
  status: 'success' | 'failed';
  message: string;
  loss: number;
  /** Forward vector-field evaluations (forward solve only, as torchdiffeq users count them). */
  nfev: number;
  /** Evaluations in the backward pass (VJPs or augmented-field evaluations). */
  nfevBackward: number;
}

/**
 * One solve from y0 over a segment's observation times, its loss, and dL/dp, dL/dy0. Keeps
 * its solver and buffers between calls so that an epoch allocates nothing new.
 */
export class SegmentGradient {
  readonly field: TapedModel;
  readonly times: Float64Array;
  readonly loss: TrajectoryLoss;
  private readonly settings: Required<Omit<GradientSettings, 'engine'>>;
  private readonly solver: FusedSolver | null;
  private readonly forwardOnly: ForwardSolver;
  private readonly dLdY: Float64Array;
  private readonly yEnd: Float64Array;

  constructor(field: TapedModel, times: Float64Array, loss: TrajectoryLoss, settings: GradientSettings = {}) {
    const grad = settings.grad ?? 'backprop';
    const method = settings.method ?? 'dopri5';
    const engine = settings.engine ?? (grad === 'adjoint' || !isFused(method) ? 'odeGradient' : 'fused');
    if (engine === 'fused' && !isFused(method)) {
      throw new RangeError(
        `segment gradient: method '${method}' needs engine 'odeGradient' (the fused solver runs rk4, dopri5, euler, map)`,
      );
    }
    if (engine === 'odeGradient' && (method === 'euler' || method === 'map')) {
      throw new RangeError(`segment gradient: method '${method}' runs on the fused engine only`);
    }
    if (grad === 'adjoint' && engine === 'fused') {
      throw new RangeError(
        "segment gradient: grad 'adjoint' needs engine 'odeGradient' (the fused engine backpropagates)",
      );
    }
    this.settings = {
      method,
      grad,
      adjointMode: settings.adjointMode ?? 'backsolve',
      rtol: settings.rtol ?? 1e-6,
      atol: settings.atol ?? 1e-8,
      substeps: settings.substeps ?? 1,
    };
    this.field = field;
    this.times = times;
    this.loss = loss;
    const tol = { rtol: this.settings.rtol, atol: this.settings.atol, substeps: this.settings.substeps };
    this.solver = engine === 'fused' && isFused(method) ? new FusedSolver(field, { method, ...tol }) : null;
    this.forwardOnly = new ForwardSolver(field, method, tol, times.length);
    this.dLdY = new Float64Array(times.length * field.nStates);
    this.yEnd = new Float64Array(field.nStates);
  }

  /** The state at the last time of the latest solve. */
  get end(): Float64Array {
    return this.yEnd;
  }

  /** Predicted states at the segment's times (row-major, owned by the solver until the next call). */
  predict(
    p: Float64Array,
    y0: ArrayLike<number>,
  ): { status: 'success' | 'failed'; message: string; Y: Float64Array } {
    const r = this.forwardOnly.forward(p, y0, this.times);
    return { status: r.status, message: r.message, Y: r.Y };
  }

  /** Loss value only. */
  value(p: Float64Array, y0: ArrayLike<number>): SegmentResult {
    const r = this.forwardOnly.forward(p, y0, this.times);
    if (r.status === 'failed')
      return { status: 'failed', message: r.message, loss: Number.NaN, nfev: r.nfev, nfevBackward: 0 };
    this.loss.setInitialState(y0);
    let L = 0;
    const n = this.field.nStates;
    for (let i = 0; i < this.times.length; i++) L += this.loss.at(i, r.Y, i * n, null, 0);
    this.yEnd.set(r.Y.subarray((this.times.length - 1) * n, this.times.length * n));
    return { status: 'success', message: '', loss: L, nfev: r.nfev, nfevBackward: 0 };
  }

  /** L, and dp += factor·dL/dp, dy0 = factor·dL/dy0. */
  lossAndGradient(
    p: Float64Array,
    y0: ArrayLike<number>,
    dp: Float64Array,
    dy0: Float64Array,
    factor = 1,
  ): SegmentResult {
    this.loss.setInitialState(y0);
    return this.solver
      ? this.fused(this.solver, p, y0, dp, dy0, factor)
      : this.viaOdeGradient(p, y0, dp, dy0, factor);
  }

  private fused(
    solver: FusedSolver,
    p: Float64Array,
    y0: ArrayLike<number>,
    dp: Float64Array,
    dy0: Float64Array,
    factor: number,
  ): SegmentResult {
    const n = this.field.nStates;
    const T = this.times.length;
    const r = solver.forward(p, y0, this.times, true);
    if (r.status === 'failed')
      return { status: 'failed', message: r.message, loss: Number.NaN, nfev: r.nfev, nfevBackward: 0 };
    let L = 0;
    const g = this.dLdY;
    for (let i = 0; i < T; i++) {
      L += this.loss.at(i, r.Y, i * n, g, i * n);
    }
    if (factor !== 1) for (let k = 0; k < T * n; k++) g[k] *= factor;
    this.yEnd.set(r.Y.subarray((T - 1) * n, T * n));
    const nvjp = solver.backward(p, g, dp, dy0);
    this.loss.addInitialStateGradient(dy0, factor);
    return { status: 'success', message: '', loss: L, nfev: r.nfev, nfevBackward: nvjp };
  }

  private viaOdeGradient(
    p: Float64Array,
    y0: ArrayLike<number>,
    dp: Float64Array,
    dy0: Float64Array,
    factor: number,
  ): SegmentResult {
    const f = this.field;
    const n = f.nStates;
    const s = this.settings;
    const method = s.method;
    // The constructor sends 'map' (and 'euler') to the fused engine; this narrows the type.
    if (method === 'map')
      throw new RangeError(`segment gradient: method '${method}' runs on the fused engine only`);
    const times = this.times;
    const T = times.length;
    const loss = this.loss;
    const yEnd = this.yEnd;
    const res = odeGradient(
      {
        // Bound: the field's methods are copied onto this new model object and must keep their `this`.
        f: f.f.bind(f),
        vjp: f.vjp.bind(f),
        ...(f.jac ? { jac: f.jac.bind(f) } : {}),
        y0,
        p,
        t0: times[0]!,
      },
      {
        times,
        loss: (i, y) => {
          if (i === T - 1) yEnd.set(y.subarray(0, n));
          return loss.at(i, y, 0, null, 0);
        },
        lossGrad: (i, y, out) => {
          loss.at(i, y, 0, out, 0, false);
        },
      },
      {
        method,
        mode: s.grad === 'backprop' ? 'discrete' : s.adjointMode,
        rtol: s.rtol,
        atol: s.atol,
        ...(method === 'rk4' ? { h0: (times[T - 1]! - times[0]!) / ((T - 1) * s.substeps) } : {}),
        ...(f.tstops && f.tstops.length > 0 ? { tstops: f.tstops } : {}),
      },
    );
    if (res.status === 'failed') {
      return {
        status: 'failed',
        message: res.message,
        loss: Number.NaN,
        nfev: res.stats.nfev.forward,
        nfevBackward: 0,
      };
    }
    for (let k = 0; k < dp.length; k++) dp[k] += factor * res.dp[k]!;
    for (let j = 0; j < n; j++) dy0[j] = factor * res.dy0[j]!;
    this.loss.addInitialStateGradient(dy0, factor);
    return {
      status: 'success',
      message: '',
      loss: res.loss,
      nfev: res.stats.nfev.forward,
      nfevBackward: res.stats.nfev.backward,
    };
  }
}
