/**
 * A small, dependency-free SVG chart writer: line and point series on linear or log axes, laid
 * out as small multiples. Enough for trajectories, loss curves, stiffness ratios and branches,
 * rendered the same way in a browser, in the HTML report and through resvg to PNG.
 */

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  kind?: 'line' | 'points';
  color?: string;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  series: Series[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

/** "Nice" tick positions covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

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

function panelSvg(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const m = { left: 58, right: 12, top: 26, bottom: 40 };
  const pw = w - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const tf = (v: number) => (p.logY ? Math.log10(v) : v);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of p.series) {
    for (let i = 0; i < s.x.length; i++) {
      const yv = tf(s.y[i]!);
      if (!Number.isFinite(yv) || !Number.isFinite(s.x[i]!)) continue;
      xs.push(s.x[i]!);
      ys.push(yv);
    }
  }
  const [xl, xh] = extent(xs);
  const [yl, yh] = extent(ys);
  const sx = (v: number) => x0 + m.left + ((v - xl) / (xh - xl)) * pw;
  const sy = (v: number) => y0 + m.top + ph - ((v - yl) / (yh - yl)) * ph;
  const parts: string[] = [];
  parts.push(
    `<rect x="${x0 + m.left}" y="${y0 + m.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#888"/>`,
  );
  parts.push(
    `<text x="${x0 + m.left + pw / 2}" y="${y0 + 17}" text-anchor="middle" font-size="13" font-weight="bold">${esc(p.title)}</text>`,
  );
  for (const t of ticks(xl, xh)) {
    const X = sx(t);
    parts.push(
      `<line x1="${X}" y1="${y0 + m.top + ph}" x2="${X}" y2="${y0 + m.top + ph + 4}" stroke="#888"/>`,
    );
    parts.push(
      `<text x="${X}" y="${y0 + m.top + ph + 16}" text-anchor="middle" font-size="10">${fmt(t)}</text>`,
    );
  }
  for (const t of ticks(yl, yh)) {
    const Y = sy(t);
    parts.push(`<line x1="${x0 + m.left - 4}" y1="${Y}" x2="${x0 + m.left + pw}" y2="${Y}" stroke="#eee"/>`);
    const label = p.logY ? `1e${fmt(t)}` : fmt(t);
    parts.push(`<text x="${x0 + m.left - 6}" y="${Y + 3}" text-anchor="end" font-size="10">${label}</text>`);
  }
  if (p.xLabel) {
    parts.push(
      `<text x="${x0 + m.left + pw / 2}" y="${y0 + h - 6}" text-anchor="middle" font-size="11">${esc(p.xLabel)}</text>`,
    );
  }
  if (p.yLabel) {
    const cx = x0 + 12;
    const cy = y0 + m.top + ph / 2;
    parts.push(
      `<text x="${cx}" y="${cy}" transform="rotate(-90 ${cx} ${cy})" text-anchor="middle" font-size="11">${esc(p.yLabel)}</text>`,
    );
  }
  p.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    if ((s.kind ?? 'line') === 'line') {
      let d = '';
      let pen = false;
      for (let i = 0; i < s.x.length; i++) {
        const yv = tf(s.y[i]!);
        if (!Number.isFinite(yv)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${sx(s.x[i]!).toFixed(2)},${sy(yv).toFixed(2)}`;
        pen = true;
      }
      if (d)
        parts.push(
          `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`,
        );
    } else {
      for (let i = 0; i < s.x.length; i++) {
        const yv = tf(s.y[i]!);
        if (!Number.isFinite(yv)) continue;
        parts.push(
          `<circle cx="${sx(s.x[i]!).toFixed(2)}" cy="${sy(yv).toFixed(2)}" r="3" fill="${color}"/>`,
        );
      }
    }
    const ly = y0 + m.top + 12 + k * 13;
    const lx = x0 + m.left + pw - 110;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${color}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly - 3}" font-size="10">${esc(s.name)}</text>`);
  });
  return parts.join('\n');
}

/** Lay panels out in a grid and return one standalone SVG document. */
export function renderPanels(
  panels: Panel[],
  options: { columns?: number; panelWidth?: number; panelHeight?: number } = {},
): string {
  const cols = Math.max(1, Math.min(options.columns ?? 3, panels.length));
  const w = options.panelWidth ?? 380;
  const h = options.panelHeight ?? 260;
  const rows = Math.ceil(panels.length / cols);
  const W = cols * w;
  const H = rows * h;
  const body = panels.map((p, i) => panelSvg(p, (i % cols) * w, Math.floor(i / cols) * h, w, h)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">\n<rect width="${W}" height="${H}" fill="#fff"/>\n${body}\n</svg>\n`;
}
