/**
 * Zero of a scalar function on a bracket [ta, tb] with g(ta)·g(tb) < 0 (or g(tb) = 0) by the
 * Illinois variant of regula falsi (Dowell & Jarratt 1971): superlinear, and never leaves the
 * bracket. Returns the bracket end on the far side of the sign change (where g has already
 * crossed), once the bracket is narrower than `tol`; so a solver restarted from the returned
 * time sees the event as past.
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
  let a = ta;
  let fa = ga;
  let b = tb;
  let fb = gb;
  let side = 0;
  for (let iter = 0; iter < 200 && Math.abs(b - a) > tol; iter++) {
    let c = (a * fb - b * fa) / (fb - fa);
    // Regula falsi can stall on the bracket edge in floating point; bisect in that case.
    if (!(Math.min(a, b) < c && c < Math.max(a, b))) c = 0.5 * (a + b);
    const fc = g(c);
    if (fc === 0) return c;
    if (fc > 0 === fb > 0) {
      b = c;
      fb = fc;
      if (side === -1) fa *= 0.5;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side === 1) fb *= 0.5;
      side = 1;
    }
  }
  return b;
}
