/**
 * What the charts draw, as plain data: panels of line, point and band series, the trajectories and
 * training-loss panels, and axis labels with units. No DOM and no charting library here, so the
 * report code (and a browser worker) can build figures without loading either; `./charts` draws them.
 */

const TEXT_COLOR = '#222';

export interface Series {
  /** The legend entry; series of the same name in several panels share one entry. */
  name: string;
  x: ArrayLike<number>;
  /** The values; for a band, its lower edge. Non-finite values are not drawn (a line breaks there). */
  y: ArrayLike<number>;
  /** 'line' (default), 'points' (dots), or 'band' (the area between `y` and `y2`). */
  kind?: 'line' | 'points' | 'band';
  /** A band's upper edge. */
  y2?: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  /** Axis names with their units, e.g. 'time (h)', 'Limonene (g/L)'. */
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  series: Series[];
}

/** How panels are laid out. */
export interface Layout {
  /** Panels per row (default 3, at most the number of panels). */
  columns?: number;
  /** One panel's size in pixels, its title included (default 380 × 260). */
  panelWidth?: number;
  panelHeight?: number;
  /** The legend row above the panels (default: when the panels have more than one series name). */
  legend?: boolean;
}

/** One figure: small multiples under one legend. */
export interface Figure {
  panels: Panel[];
  layout?: Layout;
}

// ---------------------------------------------------------------------------------------------
// Labels

const TIME_UNITS: [RegExp, string][] = [
  [/^(h|hr|hrs|hour|hours)$/i, 'h'],
  [/^(min|mins|minute|minutes)$/i, 'min'],
  [/^(s|sec|secs|second|seconds)$/i, 's'],
  [/^(d|day|days)$/i, 'd'],
];

/**
 * The time axis label from the time column's header (or a unit word): 'hour' or 'Hours' →
 * 'time (h)', 'Time (min)' stays, 'minutes' → 'time (min)'; a header with no known unit stays
 * as written ('time'). With `unit`, 'time (unit)'.
 */
export function timeAxisLabel(column: string, unit?: string): string {
  const c = column.trim();
  if (unit) return `time (${unit})`;
  for (const [re, u] of TIME_UNITS) if (re.test(c)) return `time (${u})`;
  return c || 'time';
}

/** 'name (unit)' when a unit is given and the name does not already end with it. */
export function quantityLabel(name: string, unit?: string): string {
  const n = name.trim();
  if (!unit) return n;
  const u = unit.trim();
  if (n.endsWith(`(${u})`) || n.endsWith(`[${u}]`) || n.endsWith(` ${u}`)) return n;
  return `${n} (${u})`;
}

// ---------------------------------------------------------------------------------------------
// Trajectories and training loss

export interface Curve {
  t: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** One state's panel of a trajectories chart. */
export interface StateTrajectory {
  /** The state's name: its column header, which may carry its unit ('Limonene (g/L)'). */
  name: string;
  /** The name without its unit, for the axis label with `unit` ('Limonene'); default `name`. */
  label?: string;
  /** The unit, when known: the y axis reads 'label (unit)'. */
  unit?: string;
  /** Measured points (dots). */
  observed?: Curve;
  /** The neural ODE's prediction (solid line). */
  predicted?: Curve;
  /** Its prediction band (shaded area between lower and upper). */
  band?: { t: ArrayLike<number>; lower: ArrayLike<number>; upper: ArrayLike<number> };
  /** Baselines (dashed lines), in legend order. */
  baselines?: (Curve & { name: string; color?: string })[];
}

export interface TrajectoriesData {
  /** Prefix of each panel's title ('G3' → 'G3: Limonene'). */
  group?: string;
  /** The time column's header or unit word ('hour', 'Time (h)'); see `timeAxisLabel`. */
  time?: string;
  timeUnit?: string;
  states: StateTrajectory[];
  /** Legend names (defaults: 'observed', 'neural ODE', '80% band'). */
  names?: { observed?: string; predicted?: string; band?: string };
}

const BASELINE_COLORS = ['#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Per state one panel: observed dots, the prediction line, its band and dashed baselines. */
export function trajectoryPanels(data: TrajectoriesData): Panel[] {
  const xLabel = timeAxisLabel(data.time ?? 'time', data.timeUnit);
  const names = data.names ?? {};
  return data.states.map((s) => {
    const series: Series[] = [];
    if (s.observed)
      series.push({
        name: names.observed ?? 'observed',
        x: s.observed.t,
        y: s.observed.y,
        kind: 'points',
        color: TEXT_COLOR,
      });
    if (s.predicted)
      series.push({
        name: names.predicted ?? 'neural ODE',
        x: s.predicted.t,
        y: s.predicted.y,
        color: '#1f77b4',
      });
    if (s.band)
      series.push({
        name: names.band ?? '80% band',
        x: s.band.t,
        y: s.band.lower,
        y2: s.band.upper,
        kind: 'band',
        color: '#6baed6',
      });
    (s.baselines ?? []).forEach((b, k) => {
      series.push({
        name: b.name,
        x: b.t,
        y: b.y,
        color: b.color ?? BASELINE_COLORS[k % BASELINE_COLORS.length]!,
        dashed: true,
      });
    });
    return {
      title: data.group ? `${data.group}: ${s.name}` : s.name,
      xLabel,
      yLabel: quantityLabel(s.label ?? s.name, s.unit),
      series,
    };
  });
}

export interface LossData {
  /** Training loss per epoch (epoch 1 first). */
  training: ArrayLike<number>;
  /** Validation loss per epoch, when there is one (same length). */
  validation?: ArrayLike<number>;
  /** The y-axis label (default 'training loss (MSE, scaled)'). */
  label?: string;
}

/** Training (and validation) loss against epoch, on a log y axis. */
export function lossPanel(data: LossData): Panel {
  const x = Array.from({ length: data.training.length }, (_, i) => i + 1);
  const series: Series[] = [{ name: 'training loss', x, y: data.training, color: '#1f77b4' }];
  if (data.validation && data.validation.length === data.training.length)
    series.push({ name: 'validation loss', x, y: data.validation, color: '#d62728' });
  return {
    title: 'Training loss',
    xLabel: 'epoch',
    yLabel: data.label ?? (data.validation ? 'loss (MSE, scaled)' : 'training loss (MSE, scaled)'),
    logY: true,
    series,
  };
}

/** The trajectories small multiples, with their legend. */
export function trajectoriesFigure(data: TrajectoriesData): Figure {
  return { panels: trajectoryPanels(data), layout: { legend: true } };
}

/** The training loss, one wider panel. */
export function lossFigure(data: LossData): Figure {
  return { panels: [lossPanel(data)], layout: { panelWidth: 480, panelHeight: 300 } };
}

/** A stiffness ratio along a trajectory, on a log axis. */
export function stiffnessPanel(data: {
  t: ArrayLike<number>;
  ratio: ArrayLike<number>;
  /** The time column's header or unit word (see `timeAxisLabel`). */
  time?: string;
  title?: string;
}): Panel {
  return {
    title: data.title ?? 'Stiffness ratio along the trajectory',
    xLabel: timeAxisLabel(data.time ?? 'time'),
    yLabel: 'stiffness ratio (fastest / slowest rate)',
    logY: true,
    series: [{ name: 'stiffness ratio', x: data.t, y: data.ratio, color: '#9467bd' }],
  };
}

/** The scaled distance of a prediction from the training inputs, with the training threshold. */
export function distancePanel(data: {
  t: ArrayLike<number>;
  distance: ArrayLike<number>;
  threshold: number;
  time?: string;
  title?: string;
}): Panel {
  const t = data.t;
  return {
    title: data.title ?? 'Distance of the prediction from the training inputs',
    xLabel: timeAxisLabel(data.time ?? 'time'),
    yLabel: 'distance to the training inputs (scaled)',
    series: [
      { name: 'distance', x: t, y: data.distance, color: '#1f77b4' },
      {
        name: 'training threshold',
        x: t.length > 0 ? [t[0]!, t[t.length - 1]!] : [],
        y: [data.threshold, data.threshold],
        color: '#d62728',
        dashed: true,
      },
    ],
  };
}
