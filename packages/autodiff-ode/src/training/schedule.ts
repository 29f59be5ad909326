/**
 * Learning-rate schedules by epoch: constant, exponential decay, cosine annealing
 * (Loshchilov & Hutter 2017) or piecewise-constant steps, each after an optional linear warm-up.
 */
export type LearningRateSchedule =
  | { kind: 'constant' }
  | { kind: 'exponential'; gamma: number }
  | { kind: 'cosine'; minLr?: number }
  | { kind: 'step'; every: number; factor: number };

export function learningRateAt(
  lr: number,
  schedule: LearningRateSchedule | undefined,
  epoch: number,
  epochs: number,
  warmup = 0,
): number {
  const warm = warmup > 0 && epoch < warmup ? (epoch + 1) / warmup : 1;
  if (!schedule || schedule.kind === 'constant') return lr * warm;
  switch (schedule.kind) {
    case 'exponential':
      return lr * warm * schedule.gamma ** epoch;
    case 'cosine': {
      const lo = schedule.minLr ?? 0;
      const frac = epochs > 1 ? epoch / (epochs - 1) : 0;
      return warm * (lo + 0.5 * (lr - lo) * (1 + Math.cos(Math.PI * frac)));
    }
    case 'step':
      return lr * warm * schedule.factor ** Math.floor(epoch / schedule.every);
  }
}

/** Scale g in place so that its Euclidean norm is at most maxNorm; returns the norm before clipping. */
export function clipGradientNorm(g: Float64Array, maxNorm: number): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  const norm = Math.sqrt(s);
  if (norm > maxNorm && norm > 0) {
    const f = maxNorm / norm;
    for (let i = 0; i < g.length; i++) g[i] *= f;
  }
  return norm;
}
