/**
 * Reads ../shared/data/time_series_proteomics.csv (1.4 MB, 8909 peptide rows) end to end into a
 * protein-level Dataset (mean ProteinArea over peptides, replicate spread kept) and reports the
 * time per read and the peak memory, each reading mode in a fresh process. Then does the same on
 * a 20× larger copy (each copy's strains renamed, 28 MB) to show how memory grows with file size
 * when the file is streamed and when it is read whole.
 *
 *   npx tsx --conditions=source packages/omics-io/bench/read-proteomics.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LongTableOptions, parseLongCsv, readLongCsvFile, readLongTable } from '../src/index';

const here = fileURLToPath(new URL('.', import.meta.url));
const self = fileURLToPath(import.meta.url);
const shared = process.env.KINETICA_SHARED ?? resolve(here, '../../../../shared');
const original = join(shared, 'data', 'time_series_proteomics.csv');
const path = process.env.OMICS_BENCH_FILE ?? original;
const options: LongTableOptions = {
  groupColumn: 'Strain',
  timeColumn: 'Hour',
  featureColumn: 'Protein',
  valueColumn: 'ProteinArea',
  sampleColumn: 'Sample Name',
  exclude: { Hour: ['72C'] },
};
const MODES = {
  'file-sync': () => readLongCsvFile(path, options),
  'file-stream': () => readLongTable(path, options),
  'text (readFileSync + parse)': () => parseLongCsv(readFileSync(path, 'utf8'), { ...options, file: path }),
};
type Mode = keyof typeof MODES;

async function child(mode: Mode): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const first = await MODES[mode]();
  const firstMs = performance.now() - t0;
  const peakFirstKiB = process.resourceUsage().maxRSS;
  const times: number[] = [];
  const repeats = Number(process.env.OMICS_BENCH_REPEATS ?? 15);
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await MODES[mode]();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const cells = first.groups.reduce((n, g) => n + g.times.length * first.features.length, 0);
  process.stdout.write(
    `${JSON.stringify({
      mode,
      repeats,
      firstReadMs: firstMs,
      medianMs: times[times.length >> 1],
      minMs: times[0],
      baselineRssMiB: rssBefore / 2 ** 20,
      peakRssAfterFirstReadMiB: peakFirstKiB / 1024,
      groups: first.groups.length,
      features: first.features.length,
      cells,
    })}\n`,
  );
}

function measure(file: string, repeats: number): void {
  console.log(`file: ${file} (${(statSync(file).size / 1e6).toFixed(2)} MB); node ${process.version}`);
  for (const mode of Object.keys(MODES) as Mode[]) {
    const run = spawnSync(process.execPath, [...process.execArgv, self, '--child', mode], {
      encoding: 'utf8',
      env: { ...process.env, OMICS_BENCH_FILE: file, OMICS_BENCH_REPEATS: String(repeats) },
    });
    if (run.status !== 0) throw new Error(`child ${mode} failed: ${run.stderr}`);
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!);
    console.log(
      `${r.mode.padEnd(28)} first read ${r.firstReadMs.toFixed(1)} ms, median of ${r.repeats} ${r.medianMs.toFixed(1)} ms (min ${r.minMs.toFixed(1)}), ` +
        `peak RSS ${r.peakRssAfterFirstReadMiB.toFixed(1)} MiB (process baseline ${r.baselineRssMiB.toFixed(1)} MiB); ` +
        `${r.groups} groups × ${r.features} proteins, ${r.cells} cells`,
    );
  }
}

/** The file repeated `copies` times, strains renamed per copy (B1 → B1_c3), so groups multiply too. */
function enlarged(copies: number, dir: string): string {
  const [header, ...rows] = readFileSync(original, 'utf8').trimEnd().split('\n');
  const strain = header!.split(',').indexOf('Strain');
  const out = [header];
  for (let c = 0; c < copies; c++) {
    for (const row of rows) {
      const cells = row.split(',');
      cells[strain] = `${cells[strain]}_c${c}`;
      out.push(cells.join(','));
    }
  }
  const file = join(dir, `proteomics-x${copies}.csv`);
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

function main(): void {
  if (!existsSync(original)) {
    console.log(`omics-io bench: ${original} not found (set KINETICA_SHARED); nothing to measure`);
    return;
  }
  measure(original, 15);
  const dir = mkdtempSync(join(tmpdir(), 'omics-bench-'));
  try {
    measure(enlarged(20, dir), 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) void child(process.argv[at + 1] as Mode);
else main();
