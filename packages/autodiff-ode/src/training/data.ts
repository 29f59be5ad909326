import type { TrainingTrajectory } from './types';

/** Check one trajectory's shape and values, naming the offending entry. */
export function checkTrajectory(tr: TrainingTrajectory, n: number, m: number, where: string): void {
  const T = tr.times?.length ?? 0;
  if (T < 2) throw new RangeError(`${where}: needs at least two time points, got ${T}`);
  if (tr.states?.length !== T)
    throw new RangeError(`${where}: ${tr.states?.length} state rows for ${T} times`);
  for (let i = 0; i < T; i++) {
    if (!Number.isFinite(tr.times[i]!)) throw new TypeError(`${where}: times[${i}] is not a finite number`);
    if (i > 0 && !(tr.times[i]! > tr.times[i - 1]!))
      throw new RangeError(`${where}: times must increase strictly (times[${i}] = ${tr.times[i]})`);
    const row = tr.states[i]!;
    if (row.length !== n)
      throw new RangeError(`${where}: states[${i}] has ${row.length} entries, expected ${n}`);
    for (let j = 0; j < n; j++) {
      const v = row[j]!;
      if (typeof v !== 'number' || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)
        throw new TypeError(`${where}: states[${i}][${j}] is not a number or NaN`);
    }
  }
  if (m > 0 && !tr.controls)
    throw new TypeError(`${where}: the model has ${m} controls but the trajectory gives none`);
  if (tr.controls && tr.controls.values[0]?.length !== m) {
    throw new RangeError(`${where}: controls have ${tr.controls.values[0]?.length} channels, expected ${m}`);
  }
}

/**
 * Row-major (T × n) states with missing entries filled by linear interpolation in time between
 * the measured ones (constant beyond them); a state never measured becomes 0.
 */
export function fillMissing(tr: TrainingTrajectory, n: number): Float64Array {
  const T = tr.times.length;
  const out = new Float64Array(T * n);
  for (let j = 0; j < n; j++) {
    const idx: number[] = [];
    for (let i = 0; i < T; i++) if (!Number.isNaN(tr.states[i]![j]!)) idx.push(i);
    for (let i = 0; i < T; i++) {
      if (idx.length === 0) {
        out[i * n + j] = 0;
        continue;
      }
      let k = 0;
      while (k < idx.length && idx[k]! < i) k++;
      if (k < idx.length && idx[k] === i) out[i * n + j] = tr.states[i]![j]!;
      else if (k === 0) out[i * n + j] = tr.states[idx[0]!]![j]!;
      else if (k === idx.length) out[i * n + j] = tr.states[idx[k - 1]!]![j]!;
      else {
        const a = idx[k - 1]!;
        const b = idx[k]!;
        const w = (tr.times[i]! - tr.times[a]!) / (tr.times[b]! - tr.times[a]!);
        out[i * n + j] = tr.states[a]![j]! + w * (tr.states[b]![j]! - tr.states[a]![j]!);
      }
    }
  }
  return out;
}

function meanStd(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  const sd = Math.sqrt(v);
  return [mean, sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : Math.max(Math.abs(mean), 1)];
}

/**
 * Network scaling from the training data: states and controls centred and scaled by their mean
 * and standard deviation; per-state output scale = standard deviation of the finite-difference
 * slopes, so the network's outputs start out of order one whatever the units.
 */
export function fitScaling(trajs: TrainingTrajectory[], n: number, m: number) {
  const stateShift: number[] = [];
  const stateScale: number[] = [];
  const outputScale: number[] = [];
  for (let j = 0; j < n; j++) {
    const vals: number[] = [];
    const slopes: number[] = [];
    for (const tr of trajs) {
      let prevT = Number.NaN;
      let prevV = Number.NaN;
      for (let i = 0; i < tr.times.length; i++) {
        const v = tr.states[i]![j]!;
        if (Number.isNaN(v)) continue;
        vals.push(v);
        if (!Number.isNaN(prevV)) slopes.push((v - prevV) / (tr.times[i]! - prevT));
        prevT = tr.times[i]!;
        prevV = v;
      }
    }
    const [mu, sd] = meanStd(vals);
    stateShift.push(mu);
    stateScale.push(sd);
    const [, ssd] = meanStd(slopes.length > 0 ? slopes : [0]);
    outputScale.push(slopes.length > 0 ? ssd : sd);
  }
  const controlShift: number[] = [];
  const controlScale: number[] = [];
  for (let k = 0; k < m; k++) {
    const vals: number[] = [];
    for (const tr of trajs) for (const row of tr.controls!.values) vals.push(row[k]!);
    const [mu, sd] = meanStd(vals);
    controlShift.push(mu);
    controlScale.push(sd);
  }
  return { stateShift, stateScale, outputScale, controlShift, controlScale };
}
