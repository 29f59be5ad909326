/**
 * True when a step of signed size h from t reaches `stop`, counting a shortfall of a few ulps as
 * reaching it: otherwise round-off in t + h leaves a sliver step that trips the underflow test.
 * Every stepping loop lands on tstops, observation times and the span's end through this one rule.
 */
export function reachesStop(t: number, h: number, stop: number, direction: 1 | -1): boolean {
  return direction * (t + h - stop) >= -100 * Number.EPSILON * Math.max(Math.abs(t), Math.abs(stop));
}
