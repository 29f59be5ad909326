import type { JacobianFunction, RhsFunction } from '@kinetica/ode-core';
import { checkState } from '../field';
import { jacobianOf } from '../jacobian/finite-difference';

/** A trajectory's vector field and starting point; the dimension is y0's length. */
export interface LyapunovProblem {
  f: RhsFunction;
  /** Row-major ∂f/∂y; central finite differences when absent. */
  jac?: JacobianFunction;
  y0: ArrayLike<number>;
  /** Start time (default 0); matters for non-autonomous fields. */
  t0?: number;
  /** Typical magnitude of each state, sizing finite-difference steps (default 1). */
  scale?: ArrayLike<number>;
}

/** Validate a problem and return its dimension, copied start state and Jacobian function. */
export function prepare(problem: LyapunovProblem, where: string) {
  if (typeof problem?.f !== 'function') throw new TypeError(`${where}: the problem needs a function f`);
  const n = problem.y0?.length ?? 0;
  if (n < 1) throw new RangeError(`${where}: y0 must be a non-empty array`);
  checkState(problem.y0, n, `${where}: y0`);
  const t0 = problem.t0 ?? 0;
  if (!Number.isFinite(t0)) throw new RangeError(`${where}: t0 must be finite, got ${t0}`);
  return {
    n,
    t0,
    y: Float64Array.from(problem.y0),
    jac: jacobianOf(problem.f, n, problem.jac, problem.scale),
  };
}

/** Throw a RangeError naming `where` unless `value` is a finite number > 0 (or ≥ 0 when allowZero). */
export function checkPositive(value: number, name: string, where: string, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(
      `${where}: ${name} must be a finite number ${allowZero ? '≥' : '>'} 0, got ${value}`,
    );
  }
}
