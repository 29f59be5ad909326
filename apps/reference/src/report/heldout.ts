import { createInterpolant, type Feature } from '@kinetica/omics-io';
import type { LinearSelection } from '../baseline/linear';
import type {
  BandCoverage,
  Comparison,
  MeasuredState,
  MetricPanel,
  PerStateMaximum,
  StateScores,
  TrainingFit,
} from '../protocol';
import { lossFigure, type StateTrajectory, type TrajectoriesData, trajectoriesFigure } from '../plot/panels';
import type { Block } from './document';

/** One member of the baseline panel on one held-out group. */
export type BaselineOutcome =
  | {
      name: string;
      status: 'success';
      /** states[j][k] on the grid. */
      predicted: Float64Array[];
      scores: StateScores;
      /** Median wall time of one prediction (ms). */
      inferenceMs: number;
      /** What each state's regressor chose by cross-validation (the linear pipeline's penalty and α). */
      selected?: Record<string, LinearSelection>;
    }
  | { name: string; status: 'failed'; message: string };

export type BaselineSuccess = Extract<BaselineOutcome, { status: 'success' }>;
export type BaselineFailure = Extract<BaselineOutcome, { status: 'failed' }>;

export const succeeded = (b: BaselineOutcome): b is BaselineSuccess => b.status === 'success';
const failed = (b: BaselineOutcome): b is BaselineFailure => b.status === 'failed';

/**
 * The study's setting, reproduced as its own row: the neural ODE against the TPOT-like linear
 * baseline under Costello's integral metric (the mean over states, and the per-state maximum).
 */
export interface PaperStyleRow {
  baseline: string;
  metric: 'integral';
  /** Mean over states of sqrt(∫(y − ŷ)² dt), model vs that baseline. */
  aggregate: Comparison;
  /** Improvement (%) of each state's integral metric. */
  perState: Record<string, number>;
  /** The largest of `perState`: an "up to" figure, a per-state maximum. */
  upTo: PerStateMaximum | null;
}

/** Everything the app reports about one held-out group. */
export interface HeldOutResult {
  group: string;
  stateNames: string[];
  grid: Float64Array;
  measured: MeasuredState[];
  /** The neural ODE's prediction (the band's median when the fit has a band). */
  predicted: Float64Array[];
  /** The strongest baseline's prediction (NaN when every baseline failed). */
  baseline: Float64Array[];
  /** Name of the strongest baseline: the lowest overall nRMSE among those that succeeded (null: none did). */
  baselineName: string | null;
  scores: StateScores;
  /** The strongest baseline's scores (NaN when every baseline failed). */
  baselineScores: StateScores;
  /** Against the strongest baseline. */
  improvementPct: number;
  /** Every member of the panel, in the panel's order. */
  baselines: BaselineOutcome[];
  /** The neural ODE against the strongest baseline (null when every baseline failed). */
  metrics: MetricPanel | null;
  /** Null when the panel has no successful linear baseline. */
  paperStyle: PaperStyleRow | null;
  /** The neural ODE's prediction band (lower[j][k], upper[j][k] on the grid), when it has one. */
  band?: { lower: Float64Array[]; upper: Float64Array[] };
  coverage: BandCoverage | null;
}

const num = (v: number) => (Number.isFinite(v) ? String(v) : '');

const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Linear interpolant of a grid curve; NaN everywhere when there is none (or it is not finite). */
function curveAt(grid: Float64Array, curve: Float64Array | undefined): (t: number) => number {
  if (!curve?.every(Number.isFinite)) return () => Number.NaN;
  const c = createInterpolant(grid, curve);
  return (t) => c.at(t);
}

/**
 * `predictions.csv`: one row per test group, state and time, covering every measured time
 * (observed filled) and every grid time (observed empty), in time order. `baseline` is the
 * strongest baseline; `lower` and `upper` the neural ODE's 80% band (empty without one).
 */
export function predictionsCsv(results: HeldOutResult[]): string {
  const lines = ['group,time,state,observed,predicted,baseline,lower,upper'];
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
      const columns = [r.predicted[j], r.baseline[j], r.band?.lower[j], r.band?.upper[j]].map((c) =>
        curveAt(r.grid, c),
      );
      for (const row of rows) {
        const cells = columns.map((at) => num(at(row.t)));
        lines.push([csvField(r.group), num(row.t), csvField(state), num(row.obs), ...cells].join(','));
      }
    });
  }
  return `${lines.join('\n')}\n`;
}

const OTHER_BASELINE_COLORS = ['#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Values outside [lo − span, hi + span] become NaN (not drawn), so that a diverging curve keeps the others readable. */
function withinView(y: ArrayLike<number>, lo: number, hi: number): Float64Array {
  const span = Math.max(hi - lo, Math.abs(hi), 1e-12);
  return Float64Array.from(y, (v) => (v >= lo - span && v <= hi + span ? v : Number.NaN));
}

/** A state column as the chart labels it: its name, and the unit its header carried (when read). */
export type StateColumn = Pick<Feature, 'name' | 'label' | 'unit'>;

/**
 * Observed points, the neural-ODE curve (with its band) and every successful baseline for each
 * state of one group: the strongest baseline red and dashed (its name marked *), the others dashed
 * in other colours, drawn only where they stay near the range of the rest. The y axes carry the
 * states' units where `columns` gives them.
 */
export function trajectoryData(
  r: HeldOutResult,
  timeLabel = 'time',
  columns: StateColumn[] = [],
): TrajectoriesData {
  const states: StateTrajectory[] = r.stateNames.map((state, j) => {
    const column = columns.find((c) => c.name === state);
    const main: ArrayLike<number>[] = [r.measured[j]!.values, r.predicted[j]!];
    if (r.band) main.push(r.band.lower[j]!, r.band.upper[j]!);
    if (r.baselineName !== null) main.push(r.baseline[j]!);
    const values = main.flatMap((y) => Array.from(y)).filter(Number.isFinite);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const baselines: StateTrajectory['baselines'] = [];
    if (r.baselineName !== null)
      baselines.push({ name: `${r.baselineName}*`, t: r.grid, y: r.baseline[j]!, color: '#d62728' });
    const others = r.baselines.filter(succeeded).filter((b) => b.name !== r.baselineName);
    others.forEach((b, k) => {
      baselines.push({
        name: b.name,
        t: r.grid,
        y: withinView(b.predicted[j]!, lo, hi),
        color: OTHER_BASELINE_COLORS[k % OTHER_BASELINE_COLORS.length]!,
      });
    });
    return {
      name: state,
      ...(column?.unit ? { label: column.label, unit: column.unit } : {}),
      observed: { t: r.measured[j]!.times, y: r.measured[j]!.values },
      predicted: { t: r.grid, y: r.predicted[j]! },
      ...(r.band ? { band: { t: r.grid, lower: r.band.lower[j]!, upper: r.band.upper[j]! } } : {}),
      baselines,
    };
  });
  return { group: r.group, time: timeLabel, states };
}

/**
 * The report of a held-out run: each test group's blocks, the in-sample fit to the training
 * groups, then the training loss figure. `columns`: the state columns as read (their units label
 * the y axes).
 */
export function runBlocks(
  results: HeldOutResult[],
  lossHistory: ArrayLike<number>,
  time: string,
  columns: StateColumn[] = [],
  training: TrainingFit[] = [],
): Block[] {
  return [
    ...results.flatMap((r) => heldOutBlocks(r, time, columns)),
    ...trainingFitBlocks(training),
    {
      kind: 'figure',
      file: 'training-loss',
      figure: lossFigure({ training: lossHistory }),
      caption: 'Training loss per epoch',
    },
  ];
}

/** The in-sample table: each training group predicted from its own initial state and controls. */
export function trainingFitBlocks(training: TrainingFit[]): Block[] {
  if (training.length === 0) return [];
  return [
    {
      kind: 'text',
      text:
        'Fit to the training groups (in-sample: each predicted from its initial state and controls, scored as a held-out group). ' +
        'A model that misses its own training data by as much as a held-out group is underfitting.',
    },
    {
      kind: 'table',
      markdown: table(
        ['training group', 'neural ODE overall nRMSE', 'strongest baseline', 'its overall nRMSE'],
        ['---', '---:', '---', '---:'],
        training.map((f) => [
          f.group,
          f.status === 'success' ? fmt(f.overallNrmse) : `failed (${f.message ?? ''})`,
          f.baseline?.name ?? 'every baseline failed',
          fmt(f.baseline?.overallNrmse),
        ]),
      ),
    },
  ];
}

const fmt = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toPrecision(4) : 'n/a');
const pct = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? `${v.toFixed(1)}%` : 'n/a');

function table(head: string[], align: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Markdown table of per-state errors for one group: the neural ODE against the strongest baseline. */
export function scoresTable(r: HeldOutResult): string {
  const b = r.baselineName ?? 'baseline';
  const rows = r.stateNames.map((s) => [
    s,
    fmt(r.scores.rmse[s]),
    fmt(r.baselineScores.rmse[s]),
    fmt(r.scores.nrmse[s]),
    fmt(r.baselineScores.nrmse[s]),
    fmt(r.scores.integral[s]),
    fmt(r.baselineScores.integral[s]),
  ]);
  rows.push([
    '**mean over states**',
    `**${fmt(r.scores.meanRmse)}**`,
    `**${fmt(r.baselineScores.meanRmse)}**`,
    `**${fmt(r.scores.overallNrmse)}**`,
    `**${fmt(r.baselineScores.overallNrmse)}**`,
    `**${fmt(r.scores.meanIntegral)}**`,
    `**${fmt(r.baselineScores.meanIntegral)}**`,
  ]);
  return table(
    [
      'state',
      'RMSE (neural ODE)',
      `RMSE (${b})`,
      'nRMSE (neural ODE)',
      `nRMSE (${b})`,
      'integral (neural ODE)',
      `integral (${b})`,
    ],
    ['---', '---:', '---:', '---:', '---:', '---:', '---:'],
    rows,
  );
}

/** Short note on what a baseline chose (the linear pipeline: penalty and α per state) or why it failed. */
function baselineNote(b: BaselineOutcome): string {
  if (b.status === 'failed') return `failed: ${b.message.replace(/\|/g, '/')}`;
  if (!b.selected) return '';
  return Object.entries(b.selected)
    .map(([state, s]) => `${state}: ${s.penalty} α=${s.alpha.toPrecision(2)}`)
    .join('; ');
}

/** The baseline panel: every baseline's aggregates (and the neural ODE's, first). */
export function baselinePanelTable(r: HeldOutResult): string {
  const row = (name: string, s: StateScores, ms: string, note: string) => [
    name,
    fmt(s.overallNrmse),
    fmt(s.meanRmse),
    fmt(s.meanIntegral),
    ms,
    note,
  ];
  const rows = [row('**neural ODE**', r.scores, '', '')];
  for (const b of r.baselines) {
    const name = b.name === r.baselineName ? `${b.name} (strongest)` : b.name;
    if (b.status === 'success') rows.push(row(name, b.scores, b.inferenceMs.toFixed(2), baselineNote(b)));
    else rows.push([name, 'n/a', 'n/a', 'n/a', '', baselineNote(b)]);
  }
  return table(
    ['model', 'overall nRMSE', 'mean RMSE', 'mean integral', 'inference (ms)', 'note'],
    ['---', '---:', '---:', '---:', '---:', '---'],
    rows,
  );
}

/** The metric panel: each aggregate and the per-state maxima, the neural ODE against the strongest baseline. */
export function metricPanelTable(r: HeldOutResult): string {
  const m = r.metrics;
  if (!m) return '';
  const agg = (label: string, c: Comparison) => [label, fmt(c.model), fmt(c.baseline), pct(c.improvementPct)];
  const upTo = (label: string, u: PerStateMaximum | null, metric: 'rmse' | 'integral') => {
    const c = u ? m.perState[u.state]![metric] : undefined;
    return [
      `up to (per-state maximum, ${label}${u ? `: ${u.state}` : ''})`,
      fmt(c?.model),
      fmt(c?.baseline),
      pct(u?.improvementPct),
    ];
  };
  return table(
    ['metric', 'neural ODE', `${r.baselineName} (strongest)`, 'improvement'],
    ['---', '---:', '---:', '---:'],
    [
      agg('overall nRMSE (mean over states)', m.aggregates.overallNrmse),
      agg('mean RMSE (raw units)', m.aggregates.meanRmse),
      agg('integral metric, mean over states', m.aggregates.meanIntegral),
      upTo('RMSE', m.upTo.rmse, 'rmse'),
      upTo('integral', m.upTo.integral, 'integral'),
    ],
  );
}

/** Sentence on the study's setting, reproduced next to the honest comparison. */
export function paperStyleText(r: HeldOutResult): string {
  const p = r.paperStyle;
  if (!p)
    return "Study setting (the linear baseline under Costello's integral metric): not available, the linear baseline did not succeed.";
  const upTo = p.upTo ? `; up to ${pct(p.upTo.improvementPct)} (per-state maximum, ${p.upTo.state})` : '';
  return (
    `Study setting, reproduced (the neural ODE against the TPOT-like ${p.baseline} baseline under Costello's integral metric): ` +
    `improvement ${pct(p.aggregate.improvementPct)} (mean over states)${upTo}. ` +
    "The study's headline figures are of this kind; the honest comparison is the one against the strongest baseline above" +
    `${r.baselineName ? ` (${r.baselineName}: ${pct(r.improvementPct)} in overall nRMSE)` : ''}.`
  );
}

const fileName = (group: string) => `trajectories-${group.replace(/[^A-Za-z0-9_-]+/g, '_')}`;

/**
 * The report blocks of one held-out group: heading, summary (strongest baseline, failures, band
 * coverage), per-state scores, the baseline panel, the metric panel, the study-setting row and the
 * trajectory figure.
 */
export function heldOutBlocks(r: HeldOutResult, timeLabel = 'time', columns: StateColumn[] = []): Block[] {
  const summary = [
    r.baselineName
      ? `Overall nRMSE: neural ODE **${fmt(r.scores.overallNrmse)}**, strongest baseline (${r.baselineName}) ${fmt(r.baselineScores.overallNrmse)}; improvement ${pct(r.improvementPct)} against the strongest baseline of the panel.`
      : `Overall nRMSE: neural ODE **${fmt(r.scores.overallNrmse)}**; every baseline failed, so there is no comparison.`,
    ...r.baselines
      .filter(failed)
      .map(
        (b) =>
          `Baseline ${b.name} failed (${b.message}); the neural ODE and the other baselines are unaffected.`,
      ),
  ];
  if (r.coverage)
    summary.push(
      `The neural ODE's ${Math.round(r.coverage.level * 100)}% band covers ${pct(100 * r.coverage.coverage)} of the ${r.coverage.points} measured points.`,
    );
  const blocks: Block[] = [
    { kind: 'heading', text: `Held-out group ${r.group}` },
    { kind: 'text', text: summary.join(' ') },
    { kind: 'table', markdown: scoresTable(r) },
    {
      kind: 'text',
      text: 'Baseline panel (all Costello & Martin style, integrated from the same initial state):',
    },
    { kind: 'table', markdown: baselinePanelTable(r) },
  ];
  if (r.metrics) {
    blocks.push({ kind: 'text', text: 'Metric panel, against the strongest baseline:' });
    blocks.push({ kind: 'table', markdown: metricPanelTable(r) });
  }
  blocks.push({ kind: 'text', text: paperStyleText(r) });
  blocks.push({
    kind: 'figure',
    file: fileName(r.group),
    figure: trajectoriesFigure(trajectoryData(r, timeLabel, columns)),
    caption: `Observed (points), neural ODE (solid${r.band ? ', with its 80% band' : ''}) and baselines (dashed; red, marked *: the strongest) for ${r.group}`,
  });
  return blocks;
}
