import { createInterpolant } from '@kinetica/omics-io';

/**
 * Scoring of the held-out strain protocol (../shared/API.md, steps 4–5): RMSE per state at the
 * test group's measured times, nRMSE against the spread of the training curves, the mean over
 * states, and the improvement over the baseline; plus the rest of the metric panel (mean raw
 * RMSE, Costello's integral metric, per-state improvements and their maximum, the coverage of a
 * prediction band).
 */

export interface StateScores {
  rmse: Record<string, number>;
  nrmse: Record<string, number>;
  /** Mean over states of nRMSE (the contract's `overallNrmse`). */
  overallNrmse: number;
  /** Mean over states of the raw RMSE (original units, so dominated by the largest states). */
  meanRmse: number;
  /**
   * Costello's integral metric per state, sqrt(∫(y − ŷ)² dt) over the state's measured times: the
   * error e = observed − predicted (the prediction linearly interpolated from the grid) at each
   * measured time, e² integrated by the trapezoid rule between consecutive measured times (so the
   * integrand is the linear interpolant of e² on those times). NaN with fewer than two times.
   */
  integral: Record<string, number>;
  /** Mean over states of `integral`. */
  meanIntegral: number;
  /** Per state, observed − predicted at each measured time (what the metrics above summarise). */
  residuals: Record<string, Float64Array>;
}

/** Population standard deviation of every value of the given curves (NaN ignored). */
export function pooledStd(curves: ArrayLike<number>[]): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const c of curves) {
    for (let i = 0; i < c.length; i++) {
      const v = c[i]!;
      if (!Number.isFinite(v)) continue;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  return n > 0 ? Math.sqrt(m2 / n) : Number.NaN;
}

export interface MeasuredState {
  name: string;
  /** Times at which the state was measured in the test group (missing cells dropped). */
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Score predicted grid curves at the measured times. `scale[j]` is the training spread of state j;
 * a zero spread falls back to 1 so that a constant state cannot divide by zero.
 */
export function scorePrediction(
  measured: MeasuredState[],
  grid: ArrayLike<number>,
  predicted: ArrayLike<number>[],
  scale: number[],
): StateScores {
  const rmse: Record<string, number> = {};
  const nrmse: Record<string, number> = {};
  const integral: Record<string, number> = {};
  const residuals: Record<string, Float64Array> = {};
  measured.forEach((m, j) => {
    const curve = createInterpolant(grid, predicted[j]!);
    const e = Float64Array.from(m.times, (t, i) => m.values[i]! - curve.at(t));
    residuals[m.name] = e;
    const e2 = Array.from(e, (v) => v * v);
    const r = e2.length > 0 ? Math.sqrt(mean(e2)) : Number.NaN;
    rmse[m.name] = r;
    nrmse[m.name] = r / (scale[j]! > 0 ? scale[j]! : 1);
    integral[m.name] = Math.sqrt(trapezoid(m.times, e2));
  });
  return {
    rmse,
    nrmse,
    overallNrmse: mean(Object.values(nrmse)),
    meanRmse: mean(Object.values(rmse)),
    integral,
    meanIntegral: mean(Object.values(integral)),
    residuals,
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** ∫ f dt by the trapezoid rule on increasing times (NaN with fewer than two). */
function trapezoid(t: ArrayLike<number>, f: number[]): number {
  if (f.length < 2) return Number.NaN;
  let s = 0;
  for (let i = 1; i < f.length; i++) s += 0.5 * (f[i - 1]! + f[i]!) * (t[i]! - t[i - 1]!);
  return s;
}

export function improvementPct(model: number, baseline: number): number {
  return 100 * (1 - model / baseline);
}

/** The panel's aggregates, each a mean over states (lower is better). */
export const AGGREGATES = ['overallNrmse', 'meanRmse', 'meanIntegral'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** The per-state metrics (lower is better); a state's nRMSE improvement equals its RMSE improvement. */
export const PER_STATE = ['rmse', 'nrmse', 'integral'] as const;
export type PerStateMetric = (typeof PER_STATE)[number];

/** One metric for the model and the baseline it is compared with. */
export interface Comparison {
  model: number;
  baseline: number;
  /** 100·(1 − model/baseline). */
  improvementPct: number;
}

/** The largest per-state improvement: an "up to" figure, a per-state maximum, never an aggregate. */
export interface PerStateMaximum {
  state: string;
  improvementPct: number;
}

export interface MetricPanel {
  aggregates: Record<Aggregate, Comparison>;
  perState: Record<string, Record<PerStateMetric, Comparison>>;
  /** Per-state maxima of the RMSE (= nRMSE) and integral improvements; null without a finite one. */
  upTo: Record<'rmse' | 'integral', PerStateMaximum | null>;
}

const compare = (model: number, baseline: number): Comparison => ({
  model,
  baseline,
  improvementPct: improvementPct(model, baseline),
});

/** The metric panel of a model against one baseline, from their scores on the same group. */
export function compareScores(model: StateScores, baseline: StateScores): MetricPanel {
  const states = Object.keys(model.rmse);
  const aggregates = Object.fromEntries(AGGREGATES.map((a) => [a, compare(model[a], baseline[a])])) as Record<
    Aggregate,
    Comparison
  >;
  const perState = Object.fromEntries(
    states.map((s) => [
      s,
      Object.fromEntries(PER_STATE.map((k) => [k, compare(model[k][s]!, baseline[k][s]!)])),
    ]),
  ) as MetricPanel['perState'];
  const upTo = (k: 'rmse' | 'integral'): PerStateMaximum | null => {
    let best: PerStateMaximum | null = null;
    for (const s of states) {
      const v = perState[s]![k].improvementPct;
      if (Number.isFinite(v) && (best === null || v > best.improvementPct))
        best = { state: s, improvementPct: v };
    }
    return best;
  };
  return { aggregates, perState, upTo: { rmse: upTo('rmse'), integral: upTo('integral') } };
}

/** How often the measurements fall inside a prediction band. */
export interface BandCoverage {
  /** Nominal level of the band (0.8: between the 10th and 90th percentiles). */
  level: number;
  /** Fraction of the measured points (all states) with lower ≤ observed ≤ upper. */
  coverage: number;
  /** Number of measured points. */
  points: number;
}

/** Coverage of the band (lower[j], upper[j] on the grid, linearly interpolated) over every measured point. */
export function bandCoverage(
  measured: MeasuredState[],
  grid: ArrayLike<number>,
  lower: ArrayLike<number>[],
  upper: ArrayLike<number>[],
  level: number,
): BandCoverage {
  let inside = 0;
  let points = 0;
  measured.forEach((m, j) => {
    const lo = createInterpolant(grid, lower[j]!);
    const hi = createInterpolant(grid, upper[j]!);
    for (let i = 0; i < m.times.length; i++) {
      const v = m.values[i]!;
      points++;
      if (lo.at(m.times[i]!) <= v && v <= hi.at(m.times[i]!)) inside++;
    }
  });
  return { level, coverage: points > 0 ? inside / points : Number.NaN, points };
}

/**
 * How well a model reproduces one of its own training groups (in-sample): the neural ODE's and
 * the strongest baseline's overall nRMSE from the group's initial state and controls. A model that
 * misses its training data by as much as it misses a held-out group is underfitting.
 */
export interface TrainingFit {
  group: string;
  status: 'success' | 'failed';
  /** Why the neural ODE's prediction failed. */
  message?: string;
  nrmse: Record<string, number>;
  overallNrmse: number;
  /** The strongest baseline on this group (null: every baseline failed). */
  baseline: { name: string; overallNrmse: number } | null;
}
