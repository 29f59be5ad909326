import { type ConservationReduction, conservationReduction } from '../conservation/reduction';
import type { VectorField } from '../field';
import { jacobianOf } from '../jacobian/finite-difference';

/** A square nonlinear system R(x) = 0 with its Jacobian, the object Newton and Ψtc iterate on. */
export interface NonlinearSystem {
  m: number;
  residual(x: Float64Array, out: Float64Array): void;
  jacobian(x: Float64Array, J: Float64Array): void;
}

/** Conservation laws W·x = totals; totals default to W·x0 of each start. */
export interface ConservationSpec {
  W: ArrayLike<ArrayLike<number>>;
  totals?: ArrayLike<number>;
}

/**
 * The steady-state equations f(t, x) = 0 of a field, either in full or, with conservation laws,
 * in the independent species only (where the Jacobian is regular). `toFull`/`fromFull` map between
 * the unknowns and full states.
 */
export interface SteadySystem extends NonlinearSystem {
  toFull(x: Float64Array, out: Float64Array): void;
  fromFull(x: ArrayLike<number>): Float64Array;
}

export function steadySystem(
  field: VectorField,
  t: number,
  reduction?: ConservationReduction,
  offsets?: Float64Array,
): SteadySystem {
  const n = field.n;
  const jac = jacobianOf(field.f, n, field.jac, field.scale);
  if (!reduction || !offsets || reduction.m === 0) {
    return {
      m: n,
      residual: (x, out) => field.f(t, x, out),
      jacobian: (x, J) => jac(t, x, J),
      toFull: (x, out) => out.set(x),
      fromFull: (x) => Float64Array.from(x),
    };
  }
  const m = n - reduction.m;
  const full = new Float64Array(n);
  const fFull = new Float64Array(n);
  const jFull = new Float64Array(n * n);
  const { independent } = reduction;
  return {
    m,
    residual(x, out) {
      reduction.expand(x, offsets, full);
      field.f(t, full, fFull);
      for (let k = 0; k < m; k++) out[k] = fFull[independent[k]!]!;
    },
    jacobian(x, J) {
      reduction.expand(x, offsets, full);
      jac(t, full, jFull);
      reduction.reduceJacobian(jFull, J);
    },
    toFull: (x, out) => reduction.expand(x, offsets, out),
    fromFull(x) {
      const out = new Float64Array(m);
      reduction.restrict(x, out);
      return out;
    },
  };
}

/** Build the reduction for a conservation spec, checking its shape against the field. */
export function reductionFor(spec: ConservationSpec | undefined, n: number, where: string) {
  if (!spec) return undefined;
  const reduction = conservationReduction(spec.W, n);
  if (spec.totals && spec.totals.length !== spec.W.length) {
    throw new RangeError(
      `${where}: conservation.totals has ${spec.totals.length} entries for ${spec.W.length} laws`,
    );
  }
  return reduction;
}
