/**
 * Issue 20, acceptance 2: the page (`index.html?data=…`, training in its Web Worker in Chromium)
 * against `kinetica train` on the same table, columns, strains, seed and epochs: the held-out
 * overall nRMSE and the wall time of each (the CLI's from process start to exit; the page's from
 * navigation to `data-kinetica-state="done"`).
 *
 *   pnpm --filter @kinetica/web build && pnpm --filter @kinetica/reference build
 *   npx tsx apps/web/bench/web-vs-cli.mts [--seeds 1,2] [--epochs N]
 *
 * Data from $KINETICA_SHARED/data (default ../shared/data); skipped when it is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveSite } from '../test/harness';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const shared = process.env.KINETICA_SHARED ?? resolve(repo, '../shared');
const table = join(shared, 'data/limonene_data.csv');
if (!existsSync(table)) {
  console.log(`skipped: ${table} is missing`);
  process.exit(0);
}
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const seeds = (arg('seeds') ?? '1').split(',').map(Number);
const epochs = arg('epochs');
const states = 'Acetyl-CoA,HMG-CoA,Mevalonate,Mev-P,IPP/DMAPP,Limonene';
const controls = 'AtoB,GPPS,HMGR,HMGS,Idi,Limonene Synthase,MK,PMD,PMK';
const cli = join(repo, 'apps/reference/dist/cli.cjs');

const site = await serveSite();
const browser = await launch();
const rows: string[] = [];
try {
  for (const seed of seeds) {
    const out = mkdtempSync(join(tmpdir(), 'kinetica-bench-'));
    const t0 = performance.now();
    const stdout = execFileSync(
      process.execPath,
      [
        cli,
        'train',
        ...[
          '--data',
          table,
          '--time',
          'Hour',
          '--group',
          'Strain',
          '--states',
          states,
          '--controls',
          controls,
        ],
        ...['--train', 'L1,L3', '--test', 'L2', '--seed', String(seed), '--out', join(out, 'run'), '--json'],
        ...(epochs ? ['--epochs', epochs] : []),
      ],
      { encoding: 'utf8' },
    );
    const cliSeconds = (performance.now() - t0) / 1000;
    rmSync(out, { recursive: true, force: true });
    const cliNrmse = (JSON.parse(stdout) as { test: { L2: { overallNrmse: number } } }).test.L2.overallNrmse;

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.route('**/data/limonene_data.csv', (route) =>
      route.fulfill({ body: readFileSync(table), contentType: 'text/csv' }),
    );
    const query = new URLSearchParams({
      data: 'data/limonene_data.csv',
      time: 'Hour',
      group: 'Strain',
      states,
      controls: controls.replace('Limonene Synthase', '"Limonene Synthase"'),
      train: 'L1,L3',
      test: 'L2',
      seed: String(seed),
      ...(epochs ? { epochs } : {}),
    });
    const p0 = performance.now();
    await page.goto(`${site.url}index.html?${query}`);
    await page.waitForFunction(
      () => ['done', 'error'].includes(document.documentElement.dataset.kineticaState ?? ''),
      null,
      { timeout: 1_800_000, polling: 250 },
    );
    const pageSeconds = (performance.now() - p0) / 1000;
    const state = await page.getAttribute('html', 'data-kinetica-state');
    if (state !== 'done') throw new Error(`page ended in ${state}: ${await page.textContent('#error')}`);
    const metrics = JSON.parse((await page.textContent('#metrics')) ?? '') as {
      test: { L2: { overallNrmse: number } };
    };
    const pageNrmse = metrics.test.L2.overallNrmse;
    await page.close();
    const row = `| ${seed} | ${cliNrmse.toFixed(4)} | ${pageNrmse.toFixed(4)} | ${(100 * (pageNrmse / cliNrmse - 1)).toFixed(2)}% | ${cliSeconds.toFixed(1)} | ${pageSeconds.toFixed(1)} | ${(pageSeconds / cliSeconds).toFixed(2)} |`;
    console.log(row);
    rows.push(row);
  }
} finally {
  await browser.close();
  await site.close();
}
console.log(
  [
    '| seed | CLI L2 nRMSE | page L2 nRMSE | difference | CLI s | page s | page / CLI time |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n'),
);
