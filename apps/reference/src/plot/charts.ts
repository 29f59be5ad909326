/**
 * Charts drawn with Observable Plot, the same in a browser page and in the CLI report: line, point
 * and band series on linear or log axes, laid out as small multiples under one legend row, as one
 * self-contained SVG (inline attributes only, white background, DejaVu Sans) that resvg rasterises.
 *
 * Browser-safe: nothing here imports a Node module. In a browser the page's `document` is used (or
 * the one passed in); in Node the caller passes a DOM implementation's document
 * (`nodeDocument()` from `./node-document`).
 */
import * as Plot from '@observablehq/plot';
import {
  type Figure,
  type Layout,
  type LossData,
  lossFigure,
  type Panel,
  type Series,
  type TrajectoriesData,
  trajectoriesFigure,
} from './panels';

export * from './panels';

/** The DOM the charts need: a browser `Document`, or linkedom's / jsdom's in Node. */
export interface DomDocument {
  createElementNS(namespace: string, qualifiedName: string): DomElement;
}

/** The DOM element operations the charts use (an `Element` in a browser). */
export interface DomElement {
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  appendChild(child: never): unknown;
  querySelectorAll(selectors: string): ArrayLike<{ remove(): void }>;
  textContent: string | null;
  readonly childNodes: ArrayLike<unknown>;
}

/** A DOM node as the serialiser walks it. */
interface DomNode {
  nodeType: number;
  nodeValue: string | null;
  localName?: string | null;
  attributes?: ArrayLike<{ name: string; value: string }>;
  childNodes?: ArrayLike<DomNode>;
}

export interface ChartOptions<D extends DomDocument = DomDocument> extends Layout {
  /** The document that creates the elements (default: the global `document`, in a browser). */
  document?: D;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Fonts resvg finds on the CLI's machines; any sans-serif elsewhere. */
export const FONT_FAMILY = 'DejaVu Sans, Arial, sans-serif';
const TEXT_COLOR = '#222';
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const TITLE_HEIGHT = 22;
const LEGEND_FONT = 11;
const LEGEND_ROW = 18;
const LEGEND_SYMBOL = 22;

// ---------------------------------------------------------------------------------------------
// Numbers

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const [m, e] = v.toExponential(1).split('e');
    return `${m!.replace(/\.0$/, '')}e${Number(e)}`;
  }
  return Number(v.toPrecision(3)).toString();
}

/** "Nice" tick positions covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
    const v = k * step;
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

/**
 * Log-axis ticks in [10^lo, 10^hi]: powers of ten (every one up to 8 decades, sparser above),
 * with 2 and 5 (or 2, 3, 5 and 7) times them when the range spans under three decades.
 */
function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(lo);
  const b = Math.ceil(hi);
  const inside = (v: number) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  const clean = (v: number) => Number(v.toPrecision(12));
  if (hi - lo >= 3) {
    const every = Math.max(1, Math.ceil((b - a + 1) / 8));
    const out: number[] = [];
    for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e += every) out.push(clean(10 ** e));
    return out;
  }
  for (const multiples of [
    [1, 2, 5],
    [1, 2, 3, 5, 7],
  ]) {
    const out: number[] = [];
    for (let e = a; e <= b; e++)
      for (const m of multiples) if (inside(m * 10 ** e)) out.push(clean(m * 10 ** e));
    if (out.length >= 3) return out;
  }
  return ticks(10 ** lo, 10 ** hi, 4).filter((v) => v > 0);
}

/** The padded extent of the finite values (5% each side), or [0, 1] without any. */
function extent(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** Rough width of a label in DejaVu Sans (about 0.6 em a character). */
const textWidth = (s: string, fontSize: number) => s.length * fontSize * 0.62;

// ---------------------------------------------------------------------------------------------
// One panel

interface Point {
  x: number;
  y: number;
  y2: number;
}

const colorOf = (s: Series, k: number) => s.color ?? PALETTE[k % PALETTE.length]!;

function points(s: Series, logY: boolean): Point[] {
  const valid = (v: number) => (Number.isFinite(v) && (!logY || v > 0) ? v : Number.NaN);
  const out: Point[] = [];
  for (let i = 0; i < s.x.length; i++) {
    const x = s.x[i]!;
    if (!Number.isFinite(x)) continue;
    out.push({ x, y: valid(s.y[i]!), y2: s.y2 ? valid(s.y2[i]!) : Number.NaN });
  }
  return out;
}

function panelPlot(p: Panel, doc: DomDocument, width: number, height: number): DomElement {
  const logY = p.logY ?? false;
  const data = p.series.map((s) => points(s, logY));
  const xs = data.flat().map((d) => d.x);
  const ys = data.flat().flatMap((d) => [d.y, d.y2]);
  const xDomain = extent(xs);
  const yDomain = logY
    ? (extent(ys.filter((v) => v > 0).map(Math.log10)).map((e) => 10 ** e) as [number, number])
    : extent(ys);
  const xTicks = ticks(xDomain[0], xDomain[1]);
  const yTicks = logY
    ? logTicks(Math.log10(yDomain[0]), Math.log10(yDomain[1]))
    : ticks(yDomain[0], yDomain[1]);
  const marginLeft = Math.ceil(14 + Math.max(...yTicks.map((t) => textWidth(fmt(t), 10))));
  const marks: Plot.Markish[] = [];
  // Bands under lines under points.
  const order = (kind: Series['kind']) => (kind === 'band' ? 0 : kind === 'points' ? 2 : 1);
  const indexed = p.series.map((s, k) => ({ s, k })).sort((a, b) => order(a.s.kind) - order(b.s.kind));
  for (const { s, k } of indexed) {
    const color = colorOf(s, k);
    const d = data[k]!;
    if (s.kind === 'band') {
      marks.push(
        Plot.areaY(
          d.filter((q) => Number.isFinite(q.y) && Number.isFinite(q.y2)),
          { x: 'x', y1: 'y', y2: 'y2', fill: color, fillOpacity: 0.35 },
        ),
      );
    } else if (s.kind === 'points') {
      marks.push(
        Plot.dot(
          d.filter((q) => Number.isFinite(q.y)),
          { x: 'x', y: 'y', fill: color, r: 3 },
        ),
      );
    } else {
      marks.push(
        Plot.line(d, {
          x: 'x',
          y: 'y',
          stroke: color,
          strokeWidth: 1.8,
          ...(s.dashed ? { strokeDasharray: '5,3' } : {}),
        }),
      );
    }
  }
  marks.push(Plot.frame({ stroke: '#888' }));
  const plot = Plot.plot({
    // Plot's types name the DOM's Document; any document with createElementNS will do.
    document: doc as never,
    width,
    height,
    marginLeft,
    marginRight: 14,
    marginTop: 24,
    marginBottom: 40,
    x: {
      domain: xDomain,
      label: p.xLabel ?? null,
      labelAnchor: 'center',
      labelArrow: 'none',
      ticks: xTicks,
      tickFormat: fmt,
    },
    y: {
      type: logY ? 'log' : 'linear',
      domain: yDomain,
      label: p.yLabel ?? null,
      labelArrow: 'none',
      ticks: yTicks,
      tickFormat: fmt,
      grid: true,
    },
    marks,
  }) as unknown as DomElement;
  // Standalone and identical everywhere: no stylesheet, class or CSS (resvg reads attributes), and
  // a group rather than a nested <svg> (a page's `svg { height: auto }` would resize that).
  for (const style of Array.from(plot.querySelectorAll('style'))) style.remove();
  const g = el(doc, 'g', {
    'aria-label': 'plot',
    'text-anchor': 'middle',
    'font-size': 10,
    fill: TEXT_COLOR,
    color: TEXT_COLOR,
  });
  for (const child of Array.from(plot.childNodes)) g.appendChild(child as never);
  return g;
}

// ---------------------------------------------------------------------------------------------
// Legend

interface LegendEntry {
  name: string;
  kind: NonNullable<Series['kind']>;
  color: string;
  dashed: boolean;
}

function legendEntries(panels: Panel[]): LegendEntry[] {
  const seen = new Map<string, LegendEntry>();
  for (const p of panels)
    p.series.forEach((s, k) => {
      if (!seen.has(s.name))
        seen.set(s.name, {
          name: s.name,
          kind: s.kind ?? 'line',
          color: colorOf(s, k),
          dashed: s.dashed ?? false,
        });
    });
  return [...seen.values()];
}

/** Item positions, wrapped to rows of at most `width` pixels. */
function legendLayout(entries: LegendEntry[], width: number): { x: number; row: number }[] {
  const out: { x: number; row: number }[] = [];
  let x = 10;
  let row = 0;
  for (const e of entries) {
    const w = LEGEND_SYMBOL + 6 + textWidth(e.name, LEGEND_FONT) + 18;
    if (x > 10 && x + w > width - 10) {
      x = 10;
      row++;
    }
    out.push({ x, row });
    x += w;
  }
  return out;
}

const legendHeight = (rows: number) => (rows > 0 ? rows * LEGEND_ROW + 10 : 0);

function el(doc: DomDocument, name: string, attrs: Record<string, string | number>): DomElement {
  const e = doc.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const append = (parent: DomElement, child: DomElement) => parent.appendChild(child as never);

function legendGroup(doc: DomDocument, entries: LegendEntry[], width: number): DomElement {
  const g = el(doc, 'g', { 'aria-label': 'legend', 'font-size': LEGEND_FONT });
  legendLayout(entries, width).forEach(({ x, row }, i) => {
    const e = entries[i]!;
    const cy = 8 + row * LEGEND_ROW + LEGEND_ROW / 2;
    if (e.kind === 'points') {
      append(g, el(doc, 'circle', { cx: x + LEGEND_SYMBOL / 2, cy, r: 3.5, fill: e.color }));
    } else if (e.kind === 'band') {
      append(
        g,
        el(doc, 'rect', {
          x,
          y: cy - 5,
          width: LEGEND_SYMBOL,
          height: 10,
          fill: e.color,
          'fill-opacity': 0.35,
        }),
      );
    } else {
      append(
        g,
        el(doc, 'line', {
          x1: x,
          y1: cy,
          x2: x + LEGEND_SYMBOL,
          y2: cy,
          stroke: e.color,
          'stroke-width': 2,
          ...(e.dashed ? { 'stroke-dasharray': '5,3' } : {}),
        }),
      );
    }
    const t = el(doc, 'text', { x: x + LEGEND_SYMBOL + 6, y: cy + 4, fill: TEXT_COLOR });
    t.textContent = e.name;
    append(g, t);
  });
  return g;
}

// ---------------------------------------------------------------------------------------------
// Small multiples

function documentOf<D extends DomDocument>(options: ChartOptions<D>): D {
  const doc = options.document ?? (globalThis as unknown as { document?: D }).document;
  if (!doc)
    throw new Error(
      'charts: no document to draw with; pass { document } (in Node, nodeDocument() from plot/node-document)',
    );
  return doc;
}

type ElementOf<D extends DomDocument> = ReturnType<D['createElementNS']>;

/**
 * Lay panels out in a grid under one legend row and return the root `<svg>` element (an
 * SVGSVGElement in a browser), standalone: width, height, viewBox and xmlns set, white background.
 */
export function renderPanelsElement<D extends DomDocument>(
  panels: Panel[],
  options: ChartOptions<D> = {},
): ElementOf<D> {
  const doc = documentOf(options);
  const cols = Math.max(1, Math.min(options.columns ?? 3, panels.length));
  const w = options.panelWidth ?? 380;
  const h = options.panelHeight ?? 260;
  const rows = Math.ceil(panels.length / cols);
  const W = cols * w;
  const entries = legendEntries(panels);
  const showLegend = options.legend ?? entries.length > 1;
  const legendRows = showLegend ? Math.max(0, ...legendLayout(entries, W).map((l) => l.row + 1)) : 0;
  const top = legendHeight(legendRows);
  const H = top + rows * h;
  const svg = el(doc, 'svg', {
    xmlns: SVG_NS,
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    'font-family': FONT_FAMILY,
    'font-size': 10,
    fill: TEXT_COLOR,
    color: TEXT_COLOR,
  });
  append(svg, el(doc, 'rect', { width: W, height: H, fill: '#fff' }));
  if (legendRows > 0) append(svg, legendGroup(doc, entries, W));
  panels.forEach((p, i) => {
    const x = (i % cols) * w;
    const y = top + Math.floor(i / cols) * h;
    const g = el(doc, 'g', { transform: `translate(${x},${y})`, 'aria-label': p.title });
    const title = el(doc, 'text', {
      x: w / 2,
      y: 16,
      'text-anchor': 'middle',
      'font-size': 13,
      'font-weight': 'bold',
    });
    title.textContent = p.title;
    append(g, title);
    const plot = panelPlot(p, doc, w, h - TITLE_HEIGHT);
    plot.setAttribute('transform', `translate(0,${TITLE_HEIGHT})`);
    append(g, plot);
    append(svg, g);
  });
  return svg as ElementOf<D>;
}

const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string) => escText(s).replace(/"/g, '&quot;');

/** XML text of a DOM subtree (the same from a browser's DOM, linkedom or jsdom). */
export function serializeSvg(node: unknown): string {
  const n = node as DomNode;
  if (n.nodeType === 3) return escText(n.nodeValue ?? '');
  if (n.nodeType !== 1) return '';
  const name = n.localName!;
  const attrs = Array.from(n.attributes ?? [])
    .map((a) => ` ${a.name}="${escAttr(a.value)}"`)
    .join('');
  const children = Array.from(n.childNodes ?? [])
    .map(serializeSvg)
    .join('');
  return children ? `<${name}${attrs}>${children}</${name}>` : `<${name}${attrs}/>`;
}

/** `renderPanelsElement` as one standalone SVG document (a string ending in a newline). */
export function renderPanels(panels: Panel[], options: ChartOptions = {}): string {
  return `${serializeSvg(renderPanelsElement(panels, options))}\n`;
}

// ---------------------------------------------------------------------------------------------
/** A figure (panels and their layout) as an element; `options` override its layout. */
export function renderFigureElement<D extends DomDocument>(
  figure: Figure,
  options: ChartOptions<D> = {},
): ElementOf<D> {
  return renderPanelsElement(figure.panels, { ...figure.layout, ...options });
}

/** A figure as one standalone SVG document. */
export function renderFigure(figure: Figure, options: ChartOptions = {}): string {
  return renderPanels(figure.panels, { ...figure.layout, ...options });
}

/** The trajectories small multiples (see `trajectoryPanels`) as an element … */
export function trajectoriesElement<D extends DomDocument>(
  data: TrajectoriesData,
  options: ChartOptions<D> = {},
): ElementOf<D> {
  return renderFigureElement(trajectoriesFigure(data), options);
}

/** … and as an SVG document. */
export function trajectoriesSvg(data: TrajectoriesData, options: ChartOptions = {}): string {
  return renderFigure(trajectoriesFigure(data), options);
}

/** Training (and validation) loss against epoch, log y, as an element … */
export function lossElement<D extends DomDocument>(
  data: LossData,
  options: ChartOptions<D> = {},
): ElementOf<D> {
  return renderFigureElement(lossFigure(data), options);
}

/** … and as an SVG document. */
export function lossSvg(data: LossData, options: ChartOptions = {}): string {
  return renderFigure(lossFigure(data), options);
}
