/**
 * The built page in a real browser (Debian's Chromium through playwright-core): the demo, a CSV
 * upload, the `data=` URL, cancel, a bad table's error line, the SBML view, keyboard use and
 * labels, and a screenshot that shows the plots. Every test also asserts that the page logged no
 * console error, had no failed request (a missing favicon counts) and asked nothing off its origin.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Site, serveSite, watchProblems } from './harness';

/** The CLI as built by `turbo run build` (the page's package depends on the reference app). */
const CLI = fileURLToPath(new URL('../../reference/dist/cli.cjs', import.meta.url));

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await serveSite();
  browser = await launch();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function open(
  query = '',
  before?: (page: Page) => Promise<void>,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(page, site.url.replace(/\/$/, ''));
  await before?.(page);
  await page.goto(`${site.url}index.html${query}`);
  return { page, problems };
}

const state = (page: Page) => page.getAttribute('html', 'data-kinetica-state');

async function settled(page: Page, timeout = 300_000): Promise<string | null> {
  await page.waitForFunction(
    () => ['done', 'error', 'cancelled'].includes(document.documentElement.dataset.kineticaState ?? ''),
    null,
    { timeout, polling: 200 },
  );
  return state(page);
}

interface Metrics {
  test: Record<string, { overallNrmse: number; improvementPct: number; baseline: { overallNrmse: number } }>;
}

const metricsOf = async (page: Page) => JSON.parse((await page.textContent('#metrics')) ?? '') as Metrics;

/** Share of pixels of a PNG that are not (near) white. */
function inkFraction(png: Buffer): { width: number; height: number; ink: number } {
  const img = PNG.sync.read(png);
  let ink = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (img.data[i]! < 235 || img.data[i + 1]! < 235 || img.data[i + 2]! < 235) ink++;
  }
  return { width: img.width, height: img.height, ink: ink / (img.width * img.height) };
}

describe('the web page in Chromium', () => {
  it('?demo&quick trains in a worker, shows metrics, plots and downloads, and its screenshot shows the plots', async () => {
    const { page, problems } = await open('?demo&quick');
    expect(await state(page)).toBe('running');
    expect(await settled(page)).toBe('done');
    const m = await metricsOf(page);
    const groups = Object.keys(m.test);
    expect(groups).toHaveLength(1);
    const g = m.test[groups[0]!]!;
    expect(g.overallNrmse).toBeGreaterThan(0);
    expect(Number.isFinite(g.improvementPct)).toBe(true);
    // The metrics table shows the same overall nRMSE as metrics.json.
    const total = await page.textContent('#metrics-tables tr.total');
    expect(total).toContain(g.overallNrmse.toPrecision(3));
    // One panel per state (six limonene states), each with observed dots and a prediction line.
    const panels = await page.$$eval('#trajectories svg', (svgs) => svgs.length);
    expect(panels).toBeGreaterThanOrEqual(1);
    const dots = await page.$$eval('#trajectories circle', (c) => c.length);
    expect(dots).toBeGreaterThanOrEqual(6 * 10);
    const links = await page.$$eval('#downloads a', (as) => as.map((a) => a.getAttribute('download')));
    expect(links).toEqual(
      expect.arrayContaining(['model.json', 'metrics.json', 'predictions.csv', 'report.html']),
    );
    // A download holds what its name says.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[download="predictions.csv"]'),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('group,time,state,observed,predicted,baseline,lower,upper');
    // The screenshot at 1280×800, after the page scrolled to its results, shows the plots.
    const chart = await page.$('#trajectories svg');
    const box = (await chart!.boundingBox())!;
    expect(box.width).toBeGreaterThan(600);
    expect(box.height).toBeGreaterThan(250);
    expect(box.y).toBeLessThan(800);
    const shot = inkFraction(await page.screenshot());
    expect([shot.width, shot.height]).toEqual([1280, 800]);
    expect(shot.ink).toBeGreaterThan(0.02);
    const plot = inkFraction(await chart!.screenshot());
    expect(plot.ink).toBeGreaterThan(0.02);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a CSV chosen with the file picker: columns guessed, strains chosen, trained, scored', async () => {
    const { page, problems } = await open();
    expect(await state(page)).toBe('idle');
    await page.setInputFiles('#csv-file', fixture('strains.csv'));
    await page.waitForSelector('#setup:not([hidden])');
    expect(await page.inputValue('#time-col')).toBe('Hour');
    expect(await page.inputValue('#group-col')).toBe('Strain');
    // The limonene network's columns are recognised: six states, eight proteins (Idi is not in it).
    const roles = await page.$$eval('#columns-body select', (s) =>
      Object.fromEntries((s as HTMLSelectElement[]).map((x) => [x.dataset.column, x.value])),
    );
    expect(roles.Limonene).toBe('state');
    expect(roles.HMGR).toBe('control');
    expect(roles.Idi).toBe('ignore');
    await page.selectOption('#columns-body select[data-column="Idi"]', 'control');
    // Without Limonene no built-in network fits the states: the MLP, whose arithmetic is the same
    // in every engine (the network's (E/Ē)^α goes through Math.pow, whose last bit differs between
    // V8 versions; docs/web.md), so the page and the CLI can be compared number for number.
    await page.selectOption('#columns-body select[data-column="Limonene"]', 'ignore');
    // Strains: the last one is held out by default; hold out S3 instead and leave S4 unused.
    await page.selectOption('#groups-body select[data-group="S3"]', 'test');
    await page.selectOption('#groups-body select[data-group="S4"]', 'unused');
    await page.fill('#epochs', '15');
    await page.fill('#seed', '2');
    await page.click('#train');
    expect(await settled(page)).toBe('done');
    const m = await metricsOf(page);
    expect(Object.keys(m.test)).toEqual(['S3']);
    expect(m.test.S3!.overallNrmse).toBeGreaterThan(0);
    expect(problems).toEqual([]);

    // The same run from the URL (the table fetched from the page's origin) gives the same numbers.
    const { page: page2, problems: problems2 } = await open(
      `?data=fixtures/strains.csv&time=Hour&group=Strain&states=Acetyl-CoA,HMG-CoA,Mevalonate,Mev-P,IPP/DMAPP` +
        `&controls=AtoB,GPPS,HMGR,HMGS,Idi,${encodeURIComponent('Limonene Synthase')},MK,PMD,PMK&train=S1,S2&test=S3&epochs=15&seed=2`,
      async (p) => {
        await p.route('**/fixtures/strains.csv', (route) =>
          route.fulfill({ body: readFileSync(fixture('strains.csv')), contentType: 'text/csv' }),
        );
      },
    );
    expect(await settled(page2)).toBe('done');
    const m2 = await metricsOf(page2);
    expect(m2.test.S3!.overallNrmse).toBe(m.test.S3!.overallNrmse);
    // … and the same as `kinetica train` with the same table, columns, strains, seed and epochs.
    const out = mkdtempSync(join(tmpdir(), 'kinetica-web-'));
    try {
      const stdout = execFileSync(
        process.execPath,
        [
          CLI,
          'train',
          ...['--data', fixture('strains.csv'), '--time', 'Hour', '--group', 'Strain'],
          ...['--states', 'Acetyl-CoA,HMG-CoA,Mevalonate,Mev-P,IPP/DMAPP'],
          ...['--controls', 'AtoB,GPPS,HMGR,HMGS,Idi,Limonene Synthase,MK,PMD,PMK'],
          ...['--train', 'S1,S2', '--test', 'S3', '--epochs', '15', '--seed', '2'],
          ...['--out', join(out, 'run'), '--json'],
        ],
        { encoding: 'utf8' },
      );
      const cli = JSON.parse(stdout) as { test: Record<string, { overallNrmse: number }> };
      expect(Math.abs(cli.test.S3!.overallNrmse / m.test.S3!.overallNrmse - 1)).toBeLessThan(1e-9);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(problems2).toEqual([]);
    await page.close();
    await page2.close();
  });

  it('cancel stops the training, and training again afterwards works', async () => {
    const { page, problems } = await open();
    await page.setInputFiles('#csv-file', fixture('strains.csv'));
    await page.waitForSelector('#setup:not([hidden])');
    await page.fill('#epochs', '5000');
    await page.click('#train');
    // Working: choosing the model by cross-validation, then training (the status line says which).
    await page.waitForFunction(() =>
      /choosing|epoch/.test(document.getElementById('status')?.textContent ?? ''),
    );
    await page.click('#cancel');
    expect(await state(page)).toBe('cancelled');
    expect(await page.textContent('#status')).toBe('cancelled');
    await page.waitForTimeout(1500);
    // Nothing more arrives from a terminated worker.
    expect(await page.textContent('#status')).toBe('cancelled');
    expect(await state(page)).toBe('cancelled');
    expect(await page.isHidden('#results')).toBe(true);
    await page.fill('#epochs', '5');
    await page.click('#train');
    expect(await settled(page)).toBe('done');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a bad table, dropped on the page, gives one error line with file:line:column, as the CLI does', async () => {
    const { page, problems } = await open();
    // Drag and drop: a drop event carrying the file, as a browser fires it.
    const dataTransfer = await page.evaluateHandle(
      (text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'bad.csv', { type: 'text/csv' }));
        return dt;
      },
      readFileSync(fixture('bad.csv'), 'utf8'),
    );
    await page.dispatchEvent('#drop', 'dragover', { dataTransfer });
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    await page.waitForSelector('#setup:not([hidden])');
    await page.fill('#epochs', '5');
    await page.click('#train');
    expect(await settled(page)).toBe('error');
    const message = (await page.textContent('#error'))!;
    expect(message).toMatch(/^error: bad\.csv:4:6: /);
    expect(message).toContain('high');
    expect(message.split('\n')).toHaveLength(1);
    expect(await page.getAttribute('#error', 'role')).toBe('alert');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the SBML view, reached by keyboard, simulates an uploaded model (A → B, A = e^(−kt))', async () => {
    const { page, problems } = await open();
    await page.focus('#tab-train');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('#tab-sbml', 'aria-selected')).toBe('true');
    expect(await page.isVisible('#view-sbml')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-sbml');
    await page.setInputFiles('#sbml-file', fixture('decay.xml'));
    await page.waitForFunction(() => document.getElementById('sbml-status')?.textContent?.includes('loaded'));
    await page.fill('#sbml-t1', '4');
    await page.fill('#sbml-points', '5');
    await page.click('#sbml-run');
    expect(await settled(page)).toBe('done');
    expect(await page.textContent('#sbml-status')).toBe('2 species, 5 output times');
    expect(await page.$$eval('#sbml-chart svg path', (p) => p.length)).toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[download="simulation.csv"]'),
    ]);
    const rows = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(rows[0]).toBe('time,A,B');
    for (const row of rows.slice(1)) {
      const [t, a, b] = row.split(',').map(Number) as [number, number, number];
      expect(a).toBeCloseTo(Math.exp(-0.5 * t), 5);
      expect(a + b).toBeCloseTo(1, 6);
    }
    // A file that is not SBML: one error line naming it.
    await page.setInputFiles('#sbml-file', fixture('not-sbml.xml'));
    await page.waitForFunction(() => document.getElementById('sbml-status')?.textContent?.includes('loaded'));
    await page.click('#sbml-run');
    expect(await settled(page)).toBe('error');
    expect(await page.textContent('#sbml-error')).toMatch(/^error: not-sbml\.xml: /);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('every control is reachable by keyboard and has an accessible name', async () => {
    const { page, problems } = await open();
    await page.setInputFiles('#csv-file', fixture('strains.csv'));
    await page.waitForSelector('#setup:not([hidden])');
    const unnamed = await page.$$eval('input, select, button, progress, a[href]', (els) =>
      els
        .filter((el) => {
          const e = el as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> };
          if (e.closest('[hidden]')) return false;
          const name =
            e.getAttribute('aria-label') ??
            (e.labels && e.labels.length > 0 ? e.labels[0]!.textContent : e.textContent);
          return !name || name.trim() === '';
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    // Tab order reaches the file picker, the column forms and the train button.
    const reached = new Set<string>();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.id ?? '');
      if (id) reached.add(id);
    }
    for (const id of [
      'tab-train',
      'csv-file',
      'demo-button',
      'time-col',
      'group-col',
      'epochs',
      'seed',
      'train',
    ])
      expect(reached, id).toContain(id);
    // The train button works from the keyboard.
    await page.fill('#epochs', '3');
    await page.focus('#train');
    await page.keyboard.press('Enter');
    expect(await settled(page)).toBe('done');
    expect(problems).toEqual([]);
    await page.close();
  });
});
