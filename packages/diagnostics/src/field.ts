/**
 * The model-agnostic surfaces that every diagnostic accepts. They are made of ode-core's
 * `RhsFunction`/`JacobianFunction` and `ParametricProblem`, so a mechanistic model and a learned
 * one plug in alike.
 */
import type { JacobianFunction, ParametricProblem, RhsFunction } from '@kinetica/ode-core';

/** A vector field dy/dt = f(t, y) of dimension n, with an optional analytic Jacobian. */
export interface VectorField {
  /** Number of states. */
  n: number;
  f: RhsFunction;
  /** Row-major ∂f/∂y; finite differences are used when absent. */
  jac?: JacobianFunction;
  /** Typical magnitude of each state, sizing finite-difference steps (default 1). */
  scale?: ArrayLike<number>;
}

/**
 * A vector field with a parameter vector p: dy/dt = f(t, y, p). `ParametricField` is the
 * diagnostics' name for ode-core's `ParametricProblem` without `y0` (each diagnostic takes its own
 * initial state): its `f`, `p` and `jac` (∂f/∂y at parameters p; finite differences when absent),
 * plus the dimension, state scales and time-varying controls. Parameters include constant
 * controls (enzyme levels, inducer doses), so continuation, knockouts and sensitivities all act
 * on entries of p.
 */
export interface ParametricField extends Pick<ParametricProblem, 'f' | 'jac'> {
  /** Number of states. */
  n: number;
  /** Nominal parameter values; copied, never mutated. */
  p: ArrayLike<number>;
  /** Typical magnitude of each state, sizing finite-difference steps (default 1). */
  scale?: ArrayLike<number>;
  /**
   * Time-varying controls: write u(t) into their slots of p. Called before every evaluation,
   * so a control trajectory (e.g. measured protein levels) can be knocked out or scaled.
   */
  drive?(t: number, p: Float64Array): void;
}

/** Sampled states along a trajectory: `y[i]` is the state at `t[i]` (an ode-core `Solution` fits). */
export interface Trajectory {
  t: ArrayLike<number>;
  y: ArrayLike<ArrayLike<number>>;
}

/**
 * Fix the parameters of a parametric field, giving a plain vector field. The parameter vector
 * is copied once; `drive` (if any) refreshes its control slots before each evaluation.
 */
export function bindParameters(field: ParametricField, p: ArrayLike<number> = field.p): VectorField {
  const pw = Float64Array.from(p);
  const base = Float64Array.from(p);
  const { drive } = field;
  const refresh = drive
    ? (t: number) => {
        pw.set(base);
        drive(t, pw);
      }
    : () => {};
  const out: VectorField = {
    n: field.n,
    scale: field.scale,
    f(t, y, dydt) {
      refresh(t);
      field.f(t, y, pw, dydt);
    },
  };
  if (field.jac) {
    const jac = field.jac.bind(field);
    out.jac = (t, y, J) => {
      refresh(t);
      jac(t, y, pw, J);
    };
  }
  return out;
}

/** Throw a RangeError naming `where` unless `y` has length n and finite entries. */
export function checkState(y: ArrayLike<number>, n: number, where: string): void {
  if (y.length !== n) throw new RangeError(`${where}: expected a state of length ${n}, got ${y.length}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new RangeError(`${where}: component ${i} is not finite (${y[i]})`);
  }
}

/** Throw a TypeError naming `where` unless `field` has an integer dimension and an f function. */
export function checkField(field: { n: number; f: unknown }, where: string): void {
  if (typeof field?.f !== 'function') throw new TypeError(`${where}: the vector field needs a function f`);
  if (!Number.isInteger(field.n) || field.n < 1) {
    throw new RangeError(`${where}: the dimension n must be a positive integer, got ${field.n}`);
  }
}
