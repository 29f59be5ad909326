/**
 * `kinetica screen` throughput on the limonene model (docs/benchmarks.md, "Screening designs").
 *
 *   npx -y pnpm@9.15.9 exec turbo run build --filter=@kinetica/reference...   # dist/cli.cjs
 *   npx tsx apps/reference/bench/screen.ts [--designs 2000] [--epochs 20] [--workers N]
 *
 * Trains the app's default model on the limonene data (L1, L3 → L2; --epochs for speed), writes
 * N random designs (factors 0.5–2 on all nine enzymes), screens them on L2 for Limonene at the
 * last grid time with one thread and with the default threads, prints designs per second, and
 * checks three designs against `kinetica predict` on a table with L2's enzymes scaled alike.
 * One JSON line at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.cjs');
const table = join(here, '..', '..', '..', '..', 'shared', 'data', 'limonene_data.csv');
const { values } = parseArgs({
  options: { designs: { type: 'string' }, epochs: { type: 'string' }, workers: { type: 'string' } },
});
const nDesigns = Number(values.designs ?? 2000);
const controls = ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'PMD', 'PMK'];
const states = ['Acetyl-CoA', 'HMG-CoA', 'Mevalonate', 'Mev-P', 'IPP/DMAPP', 'Limonene'];

function kinetica(args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kinetica ${args[0]} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'kinetica-bench-screen-'));
const model = join(dir, 'run', 'model.json');
kinetica([
  'train',
  '--data',
  table,
  '--time',
  'Hour',
  '--group',
  'Strain',
  '--states',
  states.join(','),
  '--controls',
  controls.map((c) => JSON.stringify(c)).join(','),
  '--train',
  'L1,L3',
  '--test',
  'L2',
  '--epochs',
  values.epochs ?? '20',
  '--out',
  join(dir, 'run'),
  '--quiet',
]);

// A fixed linear congruential sequence: the same designs on every run.
let seed = 20261202;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const factors = Array.from({ length: nDesigns }, () =>
  controls.map(() => Number((0.5 + 1.5 * rnd()).toFixed(4))),
);
const designs = join(dir, 'designs.csv');
writeFileSync(
  designs,
  `design,${controls.map((c) => JSON.stringify(c)).join(',')}\n${factors.map((f, d) => `D${d},${f.join(',')}`).join('\n')}\n`,
);

const screen = (out: string, extra: string[]) =>
  JSON.parse(
    kinetica([
      'screen',
      '--model',
      model,
      '--designs',
      designs,
      '--data',
      table,
      '--base',
      'L2',
      '--target',
      'Limonene',
      '--out',
      join(dir, out),
      '--json',
      ...extra,
    ]).trim(),
  );
const one = screen('one', ['--workers', '1']);
const many = screen('many', values.workers ? ['--workers', values.workers] : []);
console.error(`1 thread: ${one.designsPerSecond.toFixed(0)} designs/s (${one.seconds.toFixed(2)} s)`);
console.error(
  `${many.workers} threads: ${many.designsPerSecond.toFixed(0)} designs/s (${many.seconds.toFixed(2)} s)`,
);
if (
  readFileSync(join(dir, 'one', 'ranking.csv'), 'utf8') !==
  readFileSync(join(dir, 'many', 'ranking.csv'), 'utf8')
)
  throw new Error('the ranking differs between 1 and N threads');

// Three designs against `kinetica predict` with L2's enzyme columns scaled by the same factors.
const ranking = readFileSync(join(dir, 'many', 'ranking.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const [header, ...rows] = readFileSync(table, 'utf8').trim().split('\n');
const cols = header!.split(',');
let worst = 0;
for (const row of [ranking[0]!, ranking[Math.floor(ranking.length / 2)]!, ranking[ranking.length - 1]!]) {
  const f = factors[Number(row[0]!.slice(1))]!;
  const scaled = rows.map((line) => {
    const c = line.split(',');
    if (c[0] !== 'L2') return line;
    controls.forEach((name, k) => {
      const j = cols.indexOf(name);
      if (c[j] !== '') c[j] = String(Number(c[j]) * f[k]!);
    });
    return c.join(',');
  });
  const data = join(dir, `${row[0]}.csv`);
  writeFileSync(data, `${header}\n${scaled.join('\n')}\n`);
  kinetica(['predict', '--model', model, '--data', data, '--test', 'L2', '--out', join(dir, `p-${row[0]}`)]);
  const p = readFileSync(join(dir, `p-${row[0]}`, 'predictions.csv'), 'utf8')
    .split('\n')
    .map((l) => l.split(','))
    .find((c) => c[0] === 'L2' && Number(c[1]) === 72 && c[2] === 'Limonene')!;
  worst = Math.max(worst, Math.abs(Number(row[1]) - Number(p[4])) / Math.abs(Number(p[4])));
}
console.error(`largest relative difference from kinetica predict (3 designs): ${worst.toExponential(2)}`);
console.log(
  JSON.stringify({
    designs: nDesigns,
    designsPerSecond1: one.designsPerSecond,
    workers: many.workers,
    designsPerSecond: many.designsPerSecond,
    maxRelDiffVsPredict: worst,
  }),
);
