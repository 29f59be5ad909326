/**
 * What the fused training solver needs from a vector field: f and its VJP, where the forward
 * evaluation may leave a record (a *tape*) so that the reverse pass does not recompute it.
 */
import type { ParametricProblem, VjpFunction } from '@kinetica/ode-core';

/**
 * A parameterised vector field dy/dt = f(t, y, p) with vector–Jacobian products: `ParametricModel`
 * is this package's name for ode-core's `ParametricProblem` before an initial state and parameters
 * are bound (training supplies y0 and p per trajectory): its `f`, `vjp` (required, and overwriting
 * vJp), optional `jac` (∂f/∂y, row-major nStates × nStates) and `tstops`, plus the sizes. Add `y0`,
 * `p` and `t0` to get a model for `odeGradient` of @kinetica/adjoint (bind methods of a class first).
 */
export interface ParametricModel extends Pick<ParametricProblem, 'f' | 'jac'> {
  /** Number of states. */
  readonly nStates: number;
  /** Length of the parameter vector. */
  readonly nParams: number;
  /** vJy = vᵀ∂f/∂y and vJp = vᵀ∂f/∂p (overwrite). */
  vjp: VjpFunction;
  /** Times where f has kinks or jumps in t (knots of interpolated controls). */
  readonly tstops?: Float64Array;
}

/** A model whose forward evaluation can be recorded for a later reverse pass. */
export interface TapedModel extends ParametricModel {
  /** Doubles one recorded evaluation needs. */
  readonly tapeSize: number;
  /** f(t, y, p) into dydt, recording what `backwardTaped` needs at tape[off …]. */
  forwardTaped(
    t: number,
    y: Float64Array,
    p: Float64Array,
    dydt: Float64Array,
    tape: Float64Array,
    off: number,
  ): void;
  /**
   * From a recorded evaluation: vJy = vᵀ∂f/∂y (overwrite) and vJp += vᵀ∂f/∂p (accumulate).
   */
  backwardTaped(
    t: number,
    p: Float64Array,
    tape: Float64Array,
    off: number,
    v: Float64Array,
    vJy: Float64Array,
    vJp: Float64Array,
  ): void;
  /**
   * Optional: a solver brackets each forward solve and each reverse sweep with `beginParams(p)`
   * and `endParams`, and p does not change in between, so the model may work from a prepared
   * copy of p (such as weights in WebAssembly memory) and hold back vJp contributions of
   * `backwardTaped`; `endParams(vJp)` adds what it held back (vJp is null after a forward solve).
   */
  beginParams?(p: Float64Array): void;
  endParams?(vJp: Float64Array | null): void;
}

export function isTaped(m: ParametricModel): m is TapedModel {
  return typeof (m as TapedModel).forwardTaped === 'function';
}

/**
 * Wrap a plain model so that it can be taped: the tape keeps the stage state, and the reverse
 * pass calls `vjp` (which re-evaluates f inside the model) and accumulates into vJp.
 */
export function tapeByRecompute(m: ParametricModel): TapedModel {
  if (isTaped(m)) return m;
  const n = m.nStates;
  const y = new Float64Array(n);
  const tmp = new Float64Array(m.nParams);
  return {
    nStates: n,
    nParams: m.nParams,
    tstops: m.tstops,
    tapeSize: n,
    f: m.f.bind(m),
    vjp: m.vjp.bind(m),
    ...(m.jac ? { jac: m.jac.bind(m) } : {}),
    forwardTaped(t, yy, p, dydt, tape, off) {
      for (let i = 0; i < n; i++) tape[off + i] = yy[i]!;
      m.f(t, yy, p, dydt);
    },
    backwardTaped(t, p, tape, off, v, vJy, vJp) {
      for (let i = 0; i < n; i++) y[i] = tape[off + i]!;
      m.vjp(t, y, p, v, vJy, tmp);
      for (let k = 0; k < tmp.length; k++) vJp[k] += tmp[k]!;
    },
  };
}

/**
 * The plain `f` and `vjp` of a taped model, run through its own taped passes on one scratch tape
 * (allocated on first use, when the subclass has set its tape size).
 */
export abstract class TapedField implements TapedModel {
  abstract readonly nStates: number;
  abstract readonly nParams: number;
  abstract readonly tapeSize: number;
  private tapeScratch: Float64Array | null = null;
  private fScratch: Float64Array | null = null;

  abstract forwardTaped(
    t: number,
    y: Float64Array,
    p: Float64Array,
    dydt: Float64Array,
    tape: Float64Array,
    off: number,
  ): void;

  abstract backwardTaped(
    t: number,
    p: Float64Array,
    tape: Float64Array,
    off: number,
    v: Float64Array,
    vJy: Float64Array,
    vJp: Float64Array,
  ): void;

  /** The scratch tape of the untaped entry points. */
  protected get scratch(): Float64Array {
    this.tapeScratch ??= new Float64Array(this.tapeSize);
    return this.tapeScratch;
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
    this.fScratch ??= new Float64Array(this.nStates);
    this.forwardTaped(t, y, p, this.fScratch, this.scratch, 0);
    vJp.fill(0);
    this.backwardTaped(t, p, this.scratch, 0, v, vJy, vJp);
  }
}
