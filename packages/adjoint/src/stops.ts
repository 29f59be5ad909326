import type { GradientProblem } from './problem';

/**
 * Every time a solve must land on exactly, in order: observation times after t0 and tstops.
 * `obs[k]` is the observation index at `t[k]`, or −1 for a plain tstop.
 */
export interface Stops {
  t: Float64Array;
  obs: Int32Array;
}

export function mergeStops(prob: GradientProblem): Stops {
  const t: number[] = [];
  const obs: number[] = [];
  const { times, tstops, t0 } = prob;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    const ti = times[i]!;
    while (j < tstops.length && tstops[j]! < ti) {
      t.push(tstops[j]!);
      obs.push(-1);
      j++;
    }
    if (j < tstops.length && tstops[j] === ti) j++;
    if (ti > t0) {
      t.push(ti);
      obs.push(i);
    }
  }
  return { t: Float64Array.from(t), obs: Int32Array.from(obs) };
}
