/** Control inputs u(t) given on a time grid: `values[k]` is the control vector at `times[k]`. */
export interface ControlSeries {
  times: ArrayLike<number>;
  values: ReadonlyArray<ArrayLike<number>>;
}

/**
 * Piecewise-linear interpolation of measured controls, constant beyond the first and last
 * point. Its knots are kinks of any vector field that reads u(t), so they are reported as
 * `tstops` for the solver to land on. Lookups remember the last interval, so a solver moving
 * forwards or backwards in time finds its place in O(1).
 */
export class LinearControls {
  readonly nControls: number;
  readonly times: Float64Array;
  /** Row-major (times × nControls). */
  readonly values: Float64Array;
  /** Interior knots (where the slope may change). */
  readonly tstops: Float64Array;
  private hint = 0;

  constructor(series: ControlSeries) {
    const T = series.times.length;
    if (T < 1) throw new RangeError('controls: need at least one time point');
    if (series.values.length !== T) {
      throw new RangeError(`controls: ${series.values.length} value rows for ${T} times`);
    }
    const m = series.values[0]!.length;
    this.nControls = m;
    this.times = Float64Array.from(series.times);
    this.values = new Float64Array(T * m);
    for (let k = 0; k < T; k++) {
      if (!Number.isFinite(this.times[k]!))
        throw new TypeError(`controls: times[${k}] is not a finite number`);
      if (k > 0 && !(this.times[k]! > this.times[k - 1]!)) {
        throw new RangeError(`controls: times must increase strictly (times[${k}] = ${this.times[k]})`);
      }
      const row = series.values[k]!;
      if (row.length !== m)
        throw new RangeError(`controls: values[${k}] has ${row.length} entries, expected ${m}`);
      for (let j = 0; j < m; j++) {
        const v = row[j]!;
        if (!Number.isFinite(v)) throw new TypeError(`controls: values[${k}][${j}] is not a finite number`);
        this.values[k * m + j] = v;
      }
    }
    this.tstops = this.times.slice(1, Math.max(1, T - 1));
  }

  /** Write u(t) into out[offset …] scaled as (u − shift)/scale when those are given. */
  evaluate(t: number, out: Float64Array, offset = 0, shift?: Float64Array, scale?: Float64Array): void {
    const ts = this.times;
    const T = ts.length;
    const m = this.nControls;
    const v = this.values;
    let k0: number;
    let w = 0;
    if (T === 1 || t <= ts[0]!) k0 = 0;
    else if (t >= ts[T - 1]!) k0 = T - 1;
    else {
      let k = this.hint;
      while (k > 0 && ts[k]! > t) k--;
      while (k < T - 2 && ts[k + 1]! <= t) k++;
      this.hint = k;
      k0 = k;
      w = (t - ts[k]!) / (ts[k + 1]! - ts[k]!);
    }
    const a = k0 * m;
    for (let j = 0; j < m; j++) {
      let u = w === 0 ? v[a + j]! : v[a + j]! + w * (v[a + m + j]! - v[a + j]!);
      if (shift) u -= shift[j]!;
      if (scale) u /= scale[j]!;
      out[offset + j] = u;
    }
  }
}
