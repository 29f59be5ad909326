/**
 * Slack of the evaluation budget, in bisection steps: after k evaluations the bracket is at most
 * 2^(SLACK − k) times its starting width, so a search never costs more than SLACK evaluations
 * beyond plain bisection (the n0 of the ITP method, Oliveira & Takahashi 2020). Regula falsi
 * spends it creeping in from the flat end of a strongly curved g, or on a multiple root.
 */
const SLACK = 7;

/** Hard cap on evaluations, for a tolerance below what double precision can resolve near 0. */
const MAX_EVALS = 200;

/**
 * Zero of a scalar function on a bracket [ta, tb] (either order) with g(ta)·g(tb) < 0, or with
 * g(ta) = 0 or g(tb) = 0, by the Illinois variant of regula falsi (Dowell & Jarratt 1971):
 * superlinear on smooth functions, and never leaves the bracket.
 *
 * Returns a time t on the far side of the sign change, where g has already crossed: either g(t)
 * has the sign of g(tb) and a point with the sign of g(ta) lies at most `tol` before it (toward
 * ta), or g(t) is exactly 0 (an exact zero met on the way; ta when g(ta) = 0, tb when g(tb) = 0).
 * So a solver restarted from the returned time sees the event as past. g may be discontinuous (a
 * step with no zero) and may take values as small as ±Number.MIN_VALUE: only the sign of g
 * decides which side of the crossing a point is on.
 *
 * Cost: at most ⌈log2(|tb − ta| / tol)⌉ + 8 evaluations of g (bisection's count, 7 of slack, and
 * one for rounding), and far fewer on smooth functions: a handful on a nearly linear g. With
 * tol = 0 it stops at adjacent doubles.
 *
 * @throws RangeError when g(ta) and g(tb) are not of opposite signs (nor one of them 0)
 */
export function locateRoot(
  g: (t: number) => number,
  ta: number,
  ga: number,
  tb: number,
  gb: number,
  tol: number,
): number {
  if (gb === 0) return tb;
  if (ga === 0) return ta;
  if (!((ga < 0 && gb > 0) || (ga > 0 && gb < 0))) {
    throw new RangeError(`locateRoot: g(${ta}) = ${ga} and g(${tb}) = ${gb} do not bracket a sign change`);
  }
  // The signs of the ends are fixed for the whole search: b always has the sign of gb, a the other.
  // The Illinois weights fa and fb below are only magnitudes (they are halved, and could underflow),
  // so they never decide a side: a halved +MIN_VALUE is 0, which has lost its sign.
  const bPositive = gb > 0;
  let a = ta;
  let b = tb;
  let fa = Math.abs(ga);
  let fb = Math.abs(gb);
  // Which end the last evaluation replaced: 1 for a, −1 for b, 0 at the start.
  let side = 0;
  let bound = Math.abs(tb - ta) * 2 ** SLACK;
  for (let evals = 0; evals < MAX_EVALS; evals++) {
    const w = Math.abs(b - a);
    if (!(w > tol)) break;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const mid = a + 0.5 * (b - a);
    // Adjacent doubles: nothing lies strictly between a and b.
    if (!(lo < mid && mid < hi)) break;
    const s = b > a ? 1 : -1;
    let c = mid;
    // Regula falsi on the weighted magnitudes, c = a + (b − a)·fa/(fa + fb), scaled so that
    // neither huge nor tiny values overflow or underflow the weight; a NaN weight bisects.
    const m = Math.max(fa, fb);
    const weight = fa / m / (fa / m + fb / m);
    if (weight >= 0 && weight <= 1) {
      c = a + (b - a) * weight;
      // Keep a few ulps inside either end. Regula falsi lands on an end whose value is (nearly)
      // 0 (±MIN_VALUE at an exact crossing) and would then never move the other end; a point just
      // inside it closes the bracket or moves the other end past the root. Only a few ulps, not
      // tol/2: a point this close to an end is usually an accurate estimate of the root already.
      const gap = 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));
      if (!(s * (c - a) >= gap)) c = a + s * gap;
      if (!(s * (b - c) >= gap)) c = b - s * gap;
    }
    // Project c to within r of the midpoint so that, whichever side the root turns out to be on,
    // the new bracket is no wider than the budget `bound` (halved at every evaluation).
    bound *= 0.5;
    const r = Math.max(0, bound - 0.5 * w);
    if (c - mid > r) c = mid + r;
    else if (mid - c > r) c = mid - r;
    if (!(lo < c && c < hi)) c = mid;

    const fc = g(c);
    if (fc === 0) return c;
    if (fc > 0 === bPositive) {
      b = c;
      fb = Math.abs(fc);
      // Illinois: an end kept twice in a row has its weight halved (never to 0, which would
      // pin the next regula falsi point on it).
      if (side === -1) fa = Math.max(0.5 * fa, Number.MIN_VALUE);
      side = -1;
    } else {
      a = c;
      fa = Math.abs(fc);
      if (side === 1) fb = Math.max(0.5 * fb, Number.MIN_VALUE);
      side = 1;
    }
  }
  return b;
}
