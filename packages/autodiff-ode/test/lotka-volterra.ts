/** Lotka–Volterra reference trajectories (rk4 with 40 substeps per output interval). */
export const LV = { a: 1.1, b: 0.4, c: 0.4, d: 0.1 };

export function lotkaVolterra(y0: readonly number[], times: readonly number[]): Float64Array[] {
  const { a, b, c, d } = LV;
  const f = (y: number[]) => [a * y[0]! - b * y[0]! * y[1]!, d * y[0]! * y[1]! - c * y[1]!];
  const out = [Float64Array.from(y0)];
  let y = y0.slice();
  for (let k = 1; k < times.length; k++) {
    const m = 40;
    const h = (times[k]! - times[k - 1]!) / m;
    for (let q = 0; q < m; q++) {
      const k1 = f(y);
      const k2 = f(y.map((v, i) => v + (h / 2) * k1[i]!));
      const k3 = f(y.map((v, i) => v + (h / 2) * k2[i]!));
      const k4 = f(y.map((v, i) => v + h * k3[i]!));
      y = y.map((v, i) => v + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
    }
    out.push(Float64Array.from(y));
  }
  return out;
}

/** nRMSE per state: RMSE / standard deviation of the observed values. */
export function nrmse(pred: ArrayLike<number>[], obs: ArrayLike<number>[]): number[] {
  const n = obs[0]!.length;
  return Array.from({ length: n }, (_, j) => {
    const o = obs.map((r) => r[j]!);
    const mu = o.reduce((s, v) => s + v, 0) / o.length;
    const sd = Math.sqrt(o.reduce((s, v) => s + (v - mu) ** 2, 0) / o.length);
    const rmse = Math.sqrt(o.reduce((s, v, i) => s + (pred[i]![j]! - v) ** 2, 0) / o.length);
    return rmse / sd;
  });
}

/** The six training initial conditions of the recovery tests and benchmarks, each observed at `times`. */
export function lvTrainingSet(times: readonly number[]) {
  return [
    [4, 2],
    [6, 3],
    [3, 4],
    [5, 1.5],
    [7, 2.5],
    [2.5, 2],
  ].map((ic) => ({ times: [...times], states: lotkaVolterra(ic, times) }));
}
