import type { OutputStage } from '../io/atomic';
import { renderFigure } from '../plot/charts';
import { nodeDocument } from '../plot/node-document';
import type { Figure } from '../plot/panels';
import { svgToPng } from '../plot/png';

/**
 * A report is a list of blocks rendered both to Markdown (PNG figures) and self-contained HTML
 * (inline SVG). A figure is data (panels); `writeReport` draws it.
 */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'table'; markdown: string }
  | { kind: 'figure'; file: string; figure: Figure; caption: string };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function inline(s: string): string {
  return esc(s)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

function tableHtml(md: string): string {
  const rows = md
    .trim()
    .split('\n')
    .filter((_, i) => i !== 1)
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );
  const [head, ...body] = rows;
  const th = head!.map((c) => `<th>${inline(c)}</th>`).join('');
  const tb = body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tb}\n</tbody></table>`;
}

/** Write `report.md`, `report.html` and every figure as `<file>.svg` and `<file>.png` into the stage. */
export function writeReport(stage: OutputStage, title: string, blocks: Block[]): void {
  const md: string[] = [`# ${title}`, ''];
  const html: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') {
      md.push(`## ${b.text}`, '');
      html.push(`<h2>${esc(b.text)}</h2>`);
    } else if (b.kind === 'text') {
      md.push(b.text, '');
      html.push(`<p>${inline(b.text)}</p>`);
    } else if (b.kind === 'table') {
      md.push(b.markdown, '');
      html.push(tableHtml(b.markdown));
    } else {
      const svg = renderFigure(b.figure, { document: nodeDocument() });
      stage.write(`${b.file}.svg`, svg);
      stage.write(`${b.file}.png`, svgToPng(svg));
      md.push(`![${b.caption}](${b.file}.png)`, '', `*${b.caption}*`, '');
      html.push(`<figure>${svg}<figcaption>${esc(b.caption)}</figcaption></figure>`);
    }
  }
  stage.write('report.md', `${md.join('\n')}\n`);
  const style =
    'body{font-family:DejaVu Sans,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}' +
    'table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}' +
    'td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}svg{max-width:100%;height:auto}';
  stage.write(
    'report.html',
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${style}</style></head>\n<body>\n<h1>${esc(title)}</h1>\n${html.join('\n')}\n</body></html>\n`,
  );
}
