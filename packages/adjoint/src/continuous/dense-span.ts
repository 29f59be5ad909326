/** A query of the stored state outside its span: a defect of the backward pass, reported as a failed result. */
export class DenseSpanError extends Error {
  override name = 'DenseSpanError';
}

/**
 * The forward state on [lo, hi] from a dense output, for the adjoint's right-hand side. The backward
 * solves never ask outside it (their first step is bounded by the segment, and the Rosenbrock
 * methods' ∂F/∂t probe stays inside the step: solvers-stiff's `timeIncrement`); a query outside is a
 * defect of the backward pass and throws a `DenseSpanError` naming t and the span, which the modes
 * turn into a failed result rather than extrapolate silently.
 */
export function spanInterpolant(
  at: (t: number, out: Float64Array) => Float64Array,
  lo: number,
  hi: number,
): (t: number, out: Float64Array) => void {
  return (t, out) => {
    if (!(t >= lo && t <= hi)) {
      throw new DenseSpanError(
        `backward solve: the stored forward state was asked for at t=${t}, outside its span [${lo}, ${hi}]`,
      );
    }
    at(t, out);
  };
}
