#!/usr/bin/env node
// Builds docs/benchmarks.md from the per-area pages in docs/benchmarks/, so that every figure
// sits in one document with the command that produced it. Run after updating any of them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');
const order = ['explicit', 'stiff', 'omics-io', 'stoichiometry', 'adjoint', 'autodiff-ode', 'diagnostics'];
const pages = readdirSync(join(docs, 'benchmarks'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
  .sort(
    (a, b) =>
      order.indexOf(a) + 99 * (order.indexOf(a) < 0) - (order.indexOf(b) + 99 * (order.indexOf(b) < 0)),
  );
const intro = `# Benchmarks

Every figure below comes with the command that produced it (run from the repository root).
Unless a section says otherwise, timings were taken on the 2-core development machine (Node 20)
while other work shared it, so wall times are indicative; evaluation counts, errors and memory
counts are exact. Timing targets live here, never in unit tests. This page is assembled from
the per-area pages in [docs/benchmarks/](benchmarks/) by \`node scripts/assemble-benchmarks.mjs\`.

Contents: ${pages.map((p) => `[${p}](benchmarks/${p}.md)`).join(' · ')}
`;
const body = pages.map((p) => {
  const text = readFileSync(join(docs, 'benchmarks', `${p}.md`), 'utf8');
  // Demote headings by one level so that each page becomes a section.
  return text.replace(/^(#+) /gm, '#$1 ').trim();
});
writeFileSync(join(docs, 'benchmarks.md'), `${[intro, ...body].join('\n\n')}\n`);
console.log(`docs/benchmarks.md: ${pages.length} sections`);
