import { createInterpolant } from '@kinetica/omics-io';
import type { MeasuredState, StateScores } from '../protocol';
import type { Panel } from '../plot/svg';

/** Everything the app reports about one held-out group. */
export interface HeldOutResult {
  group: string;
  stateNames: string[];
  grid: Float64Array;
  measured: MeasuredState[];
  predicted: Float64Array[];
  baseline: Float64Array[];
  scores: StateScores;
  baselineScores: StateScores;
  improvementPct: number;
}

const num = (v: number) => (Number.isFinite(v) ? String(v) : '');

const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * `predictions.csv` (contract layout): one row per test group, state and time, covering every
 * measured time (observed filled) and every grid time (observed empty), in time order.
 */
export function predictionsCsv(results: HeldOutResult[]): string {
  const lines = ['group,time,state,observed,predicted,baseline'];
  for (const r of results) {
    r.stateNames.forEach((state, j) => {
      const m = r.measured[j]!;
      const rows: { t: number; obs: number }[] = [];
      const measuredTimes = new Set<number>();
      for (let i = 0; i < m.times.length; i++) {
        rows.push({ t: m.times[i]!, obs: m.values[i]! });
        measuredTimes.add(m.times[i]!);
      }
      for (const t of r.grid) if (!measuredTimes.has(t)) rows.push({ t, obs: Number.NaN });
      rows.sort((a, b) => a.t - b.t);
      const predicted = createInterpolant(r.grid, r.predicted[j]!);
      const baseline = createInterpolant(r.grid, r.baseline[j]!);
      for (const row of rows) {
        const p = predicted.at(row.t);
        const b = baseline.at(row.t);
        lines.push([csvField(r.group), num(row.t), csvField(state), num(row.obs), num(p), num(b)].join(','));
      }
    });
  }
  return `${lines.join('\n')}\n`;
}

/** Observed points, neural-ODE curve and baseline curve for each state of one group. */
export function trajectoryPanels(r: HeldOutResult, timeLabel = 'time'): Panel[] {
  return r.stateNames.map((state, j) => ({
    title: `${r.group}: ${state}`,
    xLabel: timeLabel,
    series: [
      {
        name: 'observed',
        x: r.measured[j]!.times,
        y: r.measured[j]!.values,
        kind: 'points' as const,
        color: '#222',
      },
      { name: 'neural ODE', x: r.grid, y: r.predicted[j]!, color: '#1f77b4' },
      { name: 'baseline', x: r.grid, y: r.baseline[j]!, color: '#d62728', dashed: true },
    ],
  }));
}

export function lossPanel(history: ArrayLike<number>, validation?: ArrayLike<number>): Panel {
  const x = Array.from({ length: history.length }, (_, i) => i + 1);
  const series = [{ name: 'training loss', x, y: history }];
  if (validation && validation.length === history.length)
    series.push({ name: 'validation loss', x, y: validation });
  return { title: 'Training loss', xLabel: 'epoch', yLabel: 'loss', logY: true, series };
}

/** Markdown table of per-state errors for one group. */
export function scoresTable(r: HeldOutResult): string {
  const head =
    '| state | RMSE (neural ODE) | RMSE (baseline) | nRMSE (neural ODE) | nRMSE (baseline) |\n| --- | ---: | ---: | ---: | ---: |';
  const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : 'n/a');
  const rows = r.stateNames.map(
    (s) =>
      `| ${s} | ${fmt(r.scores.rmse[s]!)} | ${fmt(r.baselineScores.rmse[s]!)} | ${fmt(r.scores.nrmse[s]!)} | ${fmt(r.baselineScores.nrmse[s]!)} |`,
  );
  rows.push(
    `| **overall nRMSE** | | | **${fmt(r.scores.overallNrmse)}** | **${fmt(r.baselineScores.overallNrmse)}** |`,
  );
  return [head, ...rows].join('\n');
}
