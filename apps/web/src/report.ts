/**
 * `report.html` of a run made in the page: the metrics tables and the figures the page shows, as
 * one self-contained file (inline SVG, no script, no request).
 */

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface ReportParts {
  title: string;
  /** Paragraphs of plain text. */
  text: string[];
  /** Tables and figures as the page shows them. */
  tables: Element[];
  figures: { element: Element; caption: string }[];
}

export function reportHtml(parts: ReportParts): string {
  const style =
    'body{font-family:system-ui,"DejaVu Sans",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1f23}' +
    'table{border-collapse:collapse;margin:1em 0}th,td{border-bottom:1px solid #d0d7de;padding:.2em .6em;text-align:right}' +
    'th[scope=row],thead th:first-child{text-align:left}caption{text-align:left;font-weight:600}' +
    'figure{margin:1.5em 0}svg{max-width:100%;height:auto}';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(parts.title)}</title><style>${style}</style></head><body>`,
    `<h1>${esc(parts.title)}</h1>`,
    ...parts.text.map((t) => `<p>${esc(t)}</p>`),
    ...parts.tables.map((t) => t.outerHTML),
    ...parts.figures.map(
      (f) => `<figure>${f.element.outerHTML}<figcaption>${esc(f.caption)}</figcaption></figure>`,
    ),
    '</body></html>',
    '',
  ].join('\n');
}
