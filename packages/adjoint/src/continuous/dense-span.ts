import type { GradientProblem } from '../problem';
import type { GradientStats } from '../types';

/**
 * How far (relative to the span's magnitude) a backward solve may legitimately ask for the state
 * beyond the ends of a dense output: the forward-difference ∂F/∂t of the Rosenbrock methods
 * evaluates F at t + δ with |δ| = √ε·max(|t|, |h|) in the integration direction, and on a last step
 * shorter than δ (a step that lands on a stop a few ulps away) that point lies past the stop.
 */
const EDGE_MARGIN = 4 * Math.sqrt(Number.EPSILON);

/** A query of the stored state far outside its span: a defect of the backward pass, reported as a failed result. */
export class DenseSpanError extends Error {
  override name = 'DenseSpanError';
}

/**
 * The forward state on [lo, hi] from a dense output, for the adjoint's right-hand side.
 *
 * Inside the span it is the dense output itself. A query just past an end (at most
 * `EDGE_MARGIN`·max(|lo|, |hi|, hi − lo) away: only the time-difference probe described above makes
 * those) gets the first-order Taylor extension y(b) + (t − b)·f(b, y(b)) from that end b, whose error
 * O((t − b)²) is below that of the finite difference that asked for it. Anything further out is a
 * defect of the backward pass: it throws a `DenseSpanError` naming t and the span (which the modes
 * turn into a failed result) rather than extrapolate silently.
 */
export function spanInterpolant(
  prob: GradientProblem,
  stats: GradientStats,
  at: (t: number, out: Float64Array) => Float64Array,
  lo: number,
  hi: number,
): (t: number, out: Float64Array) => void {
  const { n, model, p } = prob;
  const margin = EDGE_MARGIN * Math.max(Math.abs(lo), Math.abs(hi), hi - lo);
  const yLo = new Float64Array(n);
  const yHi = new Float64Array(n);
  const fLo = new Float64Array(n);
  const fHi = new Float64Array(n);
  let haveLo = false;
  let haveHi = false;
  return (t, out) => {
    if (t >= lo && t <= hi) {
      at(t, out);
      return;
    }
    if (t < lo && lo - t <= margin) {
      if (!haveLo) {
        at(lo, yLo);
        model.f(lo, yLo, p, fLo);
        stats.nfev.backward++;
        haveLo = true;
      }
      for (let i = 0; i < n; i++) out[i] = yLo[i]! + (t - lo) * fLo[i]!;
      return;
    }
    if (t > hi && t - hi <= margin) {
      if (!haveHi) {
        at(hi, yHi);
        model.f(hi, yHi, p, fHi);
        stats.nfev.backward++;
        haveHi = true;
      }
      for (let i = 0; i < n; i++) out[i] = yHi[i]! + (t - hi) * fHi[i]!;
      return;
    }
    throw new DenseSpanError(
      `backward solve: the stored forward state was asked for at t=${t}, outside its span [${lo}, ${hi}]`,
    );
  };
}
