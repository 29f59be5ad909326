import { readFileSync, writeFileSync } from 'node:fs';
import { launch, serveSite, watchProblems } from './harness';
const site = await serveSite();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const problems = watchProblems(page, site.url.slice(0, -1));
page.on('console', (m) => console.log('console:', m.text()));
await page.route('**/fixtures/strains.csv', (route) =>
  route.fulfill({ body: readFileSync('test/fixtures/strains.csv'), contentType: 'text/csv' }),
);
await page.goto(
  `${site.url}index.html?data=fixtures/strains.csv&time=Hour&group=Strain&states=Acetyl-CoA,HMG-CoA,Mevalonate,Mev-P,IPP/DMAPP,Limonene&controls=AtoB,GPPS,HMGR,HMGS,Idi,${encodeURIComponent('Limonene Synthase')},MK,PMD,PMK&train=S1,S2&test=S3&epochs=30&seed=2`,
);
await page.waitForFunction(
  () => ['done', 'error'].includes(document.documentElement.dataset.kineticaState ?? ''),
  null,
  { timeout: 300000 },
);
const m = await page.textContent('#metrics');
writeFileSync('/tmp/page-metrics.json', m ?? '');
console.log(problems);
await browser.close();
await site.close();
