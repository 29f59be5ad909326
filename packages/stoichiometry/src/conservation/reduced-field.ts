import type { JacobianFunction, RhsFunction } from '@kinetica/ode-core';
import type { ReducedSystem } from './reduce';

/** A vector field on the full species vector, in ode-core's calling convention. */
export interface FullField {
  f: RhsFunction;
  jac?: JacobianFunction;
}

/** The field restricted to the independent species, with its Jacobian J_R = J[I, :]·L. */
export interface ReducedField {
  n: number;
  f: RhsFunction;
  /** Present when the full field has an analytic Jacobian. */
  jac?: JacobianFunction;
}

/**
 * Wrap a full-state field so that Newton iterations and stiff solvers work in the reduced
 * coordinates x_I of `reduction`: f_R(t, x_I) = f(t, toFull(x_I))[I]. Work arrays are allocated here,
 * once; calls allocate nothing. Not re-entrant (one solve per wrapper at a time).
 */
export function reducedField(field: FullField, reduction: ReducedSystem): ReducedField {
  const { nFull: m, nReduced: n, independent, L } = reduction;
  const x = new Float64Array(m);
  const dx = new Float64Array(m);
  const Jfull = new Float64Array(m * m);
  const Lflat = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) Lflat[i * n + k] = L[i]![k]!;
  const f: RhsFunction = (t, xi, dxi) => {
    reduction.toFull(xi, x);
    field.f(t, x, dx);
    for (let k = 0; k < n; k++) dxi[k] = dx[independent[k]!]!;
  };
  const fullJac = field.jac;
  if (!fullJac) return { n, f };
  const jac: JacobianFunction = (t, xi, J) => {
    reduction.toFull(xi, x);
    fullJac(t, x, Jfull);
    for (let a = 0; a < n; a++) {
      const rowOffset = independent[a]! * m;
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += Jfull[rowOffset + i]! * Lflat[i * n + b]!;
        J[a * n + b] = s;
      }
    }
  };
  return { n, f, jac };
}
