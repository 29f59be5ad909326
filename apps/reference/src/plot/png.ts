import { Resvg } from '@resvg/resvg-js';

/** Rasterize an SVG document to PNG (headless, no browser). */
export function svgToPng(svg: string, scale = 1): Uint8Array {
  const r = new Resvg(svg, {
    background: '#ffffff',
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
