import { Resvg } from '@resvg/resvg-js';
import { DOMParser } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { lossSvg, renderPanels, type TrajectoriesData, trajectoriesSvg } from './charts';
import { nodeDocument } from './node-document';
import { distancePanel, quantityLabel, stiffnessPanel, timeAxisLabel } from './panels';
import { svgToPng } from './png';

const document = nodeDocument();

/** Two states, five observed times (one value missing), a prediction, its band and two baselines. */
const data: TrajectoriesData = {
  group: 'G1',
  time: 'hour',
  states: [
    {
      name: 'Limonene (g/L)',
      observed: { t: [0, 6, 12, 24, 48], y: [0.1, 0.5, 0.9, 1.4, 1.8] },
      predicted: { t: [0, 12, 24, 36, 48], y: [0.1, 0.95, 1.35, 1.6, 1.75] },
      band: { t: [0, 12, 24, 36, 48], lower: [0.05, 0.8, 1.2, 1.4, 1.5], upper: [0.15, 1.1, 1.5, 1.8, 2] },
      baselines: [
        { name: 'extra trees*', t: [0, 24, 48], y: [0.1, 1.2, 1.5] },
        { name: 'linear', t: [0, 24, 48], y: [0.1, Number.NaN, 2.5] },
      ],
    },
    {
      name: 'Acetyl-CoA uM',
      label: 'Acetyl-CoA',
      unit: 'uM',
      observed: { t: [0, 6, 12, 24, 48], y: [3, 2.5, Number.NaN, 1, 0.5] },
      predicted: { t: [0, 12, 24, 36, 48], y: [3, 2, 1.1, 0.8, 0.6] },
      band: { t: [0, 12, 24, 36, 48], lower: [2.8, 1.8, 1, 0.6, 0.4], upper: [3.2, 2.2, 1.3, 1, 0.8] },
      baselines: [
        { name: 'extra trees*', t: [0, 24, 48], y: [3, 1.5, 0.9] },
        { name: 'linear', t: [0, 24, 48], y: [3, 1, 0] },
      ],
    },
  ],
};

/** The DOM operations the checks use. */
interface El {
  querySelectorAll(selectors: string): ArrayLike<El>;
  querySelector(selectors: string): El | null;
  getAttribute(name: string): string | null;
  textContent: string | null;
}

const parse = (svg: string) => new DOMParser().parseFromString(svg, 'image/svg+xml') as unknown as El;

const texts = (root: El) => Array.from(root.querySelectorAll('text'), (t) => t.textContent);

const sizeOf = (svg: string) => ({
  width: Number(/^<svg[^>]* width="(\d+)"/.exec(svg)![1]),
  height: Number(/^<svg[^>]* height="(\d+)"/.exec(svg)![1]),
});

describe('axis labels', () => {
  it('names time with its unit and keeps a unit the header carries', () => {
    expect(timeAxisLabel('hour')).toBe('time (h)');
    expect(timeAxisLabel('Hours')).toBe('time (h)');
    expect(timeAxisLabel('minutes')).toBe('time (min)');
    expect(timeAxisLabel('Time (h)')).toBe('Time (h)');
    expect(timeAxisLabel('time')).toBe('time');
    expect(timeAxisLabel('t', 's')).toBe('time (s)');
    expect(quantityLabel('Limonene (g/L)', 'g/L')).toBe('Limonene (g/L)');
    expect(quantityLabel('Acetyl-CoA', 'uM')).toBe('Acetyl-CoA (uM)');
    expect(quantityLabel('IPP/DMAPP')).toBe('IPP/DMAPP');
  });
});

describe('trajectoriesSvg', () => {
  const svg = trajectoriesSvg(data, { document });
  const doc = parse(svg);
  const panels = Array.from(doc.querySelectorAll('g[aria-label^="G1: "]'));

  it('is one standalone SVG document with a white background', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toMatch(/<rect [^>]*fill="#fff"/);
    expect(svg).not.toMatch(/<style|class=|currentColor[^"]*;/);
    expect(svg).toContain('font-family="DejaVu Sans');
    expect(svg.match(/<svg/g)).toHaveLength(1); // panels are groups: page CSS on svg cannot resize them
  });

  it('labels the axes with names and units', () => {
    expect(panels).toHaveLength(2);
    expect(texts(panels[0]!)).toEqual(
      expect.arrayContaining(['G1: Limonene (g/L)', 'Limonene (g/L)', 'time (h)']),
    );
    expect(texts(panels[1]!)).toEqual(expect.arrayContaining(['Acetyl-CoA (uM)', 'time (h)']));
  });

  it('draws one dot per observed point per panel, and a line, band and dashed baselines', () => {
    // Five observed points in the first panel, four finite ones in the second.
    expect(panels.map((p) => p.querySelectorAll('circle').length)).toEqual([5, 4]);
    for (const p of panels) {
      // Plot sets a constant stroke on the mark's group.
      expect(p.querySelectorAll('g[aria-label="line"][stroke="#1f77b4"] path').length).toBe(1);
      expect(p.querySelectorAll('g[aria-label="line"][stroke-dasharray] path').length).toBe(2);
      expect(p.querySelector('g[aria-label="area"] path')).not.toBeNull();
    }
  });

  it('has a legend above the panels, observed points as a dot', () => {
    const legend = doc.querySelector('g[aria-label="legend"]')!;
    expect(texts(legend)).toEqual(['observed', 'neural ODE', '80% band', 'extra trees*', 'linear']);
    expect(legend.querySelectorAll('circle')).toHaveLength(1);
    expect(legend.querySelectorAll('line[stroke-dasharray]')).toHaveLength(2);
    const legendBottom = Math.max(
      ...Array.from(legend.querySelectorAll('text'), (t) => Number(t.getAttribute('y'))),
    );
    for (const p of panels) {
      const y = Number(/translate\([^,]+,([^)]+)\)/.exec(p.getAttribute('transform')!)![1]);
      expect(y).toBeGreaterThan(legendBottom);
    }
  });

  it('writes no NaN or Infinity into the drawing', () => {
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    for (const path of Array.from(doc.querySelectorAll('path')))
      expect(path.getAttribute('d') ?? '').toMatch(/^[MLHVCZmlhvcz0-9.,\-\se]*$/);
  });

  it('rasterises through resvg to a PNG of its size, not blank', () => {
    const { width, height } = sizeOf(svg);
    expect(width).toBe(2 * 380);
    expect(height).toBeGreaterThan(260);
    const png = Buffer.from(svgToPng(svg));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }).toEqual({ width, height });
    const image = new Resvg(svg, {
      background: '#ffffff',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    }).render();
    expect([image.width, image.height]).toEqual([width, height]);
    const px = image.pixels;
    let dark = 0;
    let blue = 0;
    for (let i = 0; i < px.length; i += 4) {
      const [r, g, b] = [px[i]!, px[i + 1]!, px[i + 2]!];
      if (r < 100 && g < 100 && b < 100) dark++; // text, dots, axes
      if (b > 150 && r < 80 && g > 90 && g < 150) blue++; // the neural ODE line (#1f77b4)
    }
    expect(dark).toBeGreaterThan(1000);
    expect(blue).toBeGreaterThan(100);
  });
});

describe('lossSvg and log axes', () => {
  it('draws the loss on a log axis, labelled, skipping values a log axis cannot show', () => {
    const svg = lossSvg({ training: [10, 3, 1, 0, Number.NaN, 0.1, 0.05] }, { document });
    const doc = parse(svg);
    expect(texts(doc)).toEqual(
      expect.arrayContaining(['Training loss', 'epoch', 'training loss (MSE, scaled)']),
    );
    expect(texts(doc)).toEqual(expect.arrayContaining(['10', '1', '0.1']));
    expect(doc.querySelector('g[aria-label="legend"]')).toBeNull(); // one series: the axis names it
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(sizeOf(svg)).toEqual({ width: 480, height: 300 });
  });

  it('draws the diagnosis panels: distance with its threshold, stiffness ratio on a log axis', () => {
    const t = [0, 12, 24, 48];
    const svg = renderPanels(
      [
        distancePanel({ t, distance: [0.1, 0.4, 0.9, 1.2], threshold: 0.8, time: 'Hour' }),
        stiffnessPanel({ t, ratio: [10, 1e3, 1e5, 2e6], time: 'Hour' }),
      ],
      { document },
    );
    const doc = parse(svg);
    expect(texts(doc)).toEqual(
      expect.arrayContaining([
        'time (h)',
        'distance to the training inputs (scaled)',
        'stiffness ratio (fastest / slowest rate)',
        '1e6',
      ]),
    );
    expect(texts(doc.querySelector('g[aria-label="legend"]')!)).toEqual([
      'distance',
      'training threshold',
      'stiffness ratio',
    ]);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws an empty panel without failing', () => {
    const svg = renderPanels([{ title: 'nothing', logY: true, series: [{ name: 'x', x: [], y: [] }] }], {
      document,
    });
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('asks for a document where there is none', () => {
    expect(() => renderPanels([{ title: 'p', series: [] }])).toThrow(/nodeDocument/);
  });
});
