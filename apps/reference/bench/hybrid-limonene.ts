/**
 * The hybrid worked example (issue 19, acceptance 4; docs/hybrid.md): on the real limonene table,
 * L1 + L3 → L2, for each seed the pure neural ODE (`kinetica train` with the app's defaults) and
 * the hybrid on the built-in limonene model (`kinetica train --hybrid examples/limonene.xml`),
 * scored by the same held-out pipeline against the same baseline panel; also the mechanistic
 * model alone, with the parameters of the hybrid's first stage (network off).
 *
 *   npx tsx --conditions=source apps/reference/bench/hybrid-limonene.ts [--seeds 1,2,3] [--data ../shared/data/limonene_data.csv]
 *
 * Prints a markdown table (L2 overall nRMSE, per-state nRMSE, improvement over the strongest
 * baseline, training seconds) and one JSON line per run on stderr.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSelection } from '../src/pipeline/data';
import { type HeldOutRun, runHeldOut } from '../src/pipeline/heldout';
import { compileHybridSbml, fitHybrid } from '../src/pipeline/hybrid';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
const dataPath = resolve(arg('data', join(root, '..', 'shared', 'data', 'limonene_data.csv')));
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const states = ['Acetyl-CoA', 'HMG-CoA', 'Mevalonate', 'Mev-P', 'IPP/DMAPP', 'Limonene'];
const controls = ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'PMD', 'PMK'];
const sel = {
  data: dataPath,
  time: 'Hour',
  group: 'Strain',
  states,
  controls,
  train: ['L1', 'L3'],
  test: ['L2'],
};
const dataset = loadSelection(sel);
const sbmlPath = resolve(here, '..', 'examples', 'limonene.xml');
const h = compileHybridSbml(readFileSync(sbmlPath, 'utf8'), sbmlPath, { states, controls });
const spec = { dataset, states, controls, train: sel.train, test: sel.test };

interface Row {
  model: string;
  seed: number;
  nrmse: number;
  perState: Record<string, number>;
  improvementPct: number;
  baseline: string;
  baselineNrmse: number;
  seconds: number;
  trainLoss?: number;
}

function row(model: string, seed: number, run: HeldOutRun): Row {
  const r = run.results[0]!;
  return {
    model,
    seed,
    nrmse: r.scores.overallNrmse,
    perState: r.scores.nrmse,
    improvementPct: r.improvementPct,
    baseline: r.baselineName ?? 'none',
    baselineNrmse: r.baselineScores.overallNrmse,
    seconds: run.timing.trainSeconds,
    ...(run.fit.model?.hybrid ? { trainLoss: run.fit.model.hybrid.loss.final } : {}),
  };
}

const rows: Row[] = [];
for (const seed of seeds) {
  const pure = runHeldOut({ ...spec, seed });
  rows.push(row('neural ODE (app defaults)', seed, pure));
  process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
  const hybrid = runHeldOut({
    ...spec,
    seed,
    fitModel: (train, s) => fitHybrid(h, train, { source: 'limonene.xml', seed: s }),
  });
  rows.push(row('hybrid (limonene.xml + network)', seed, hybrid));
  process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
}
// The mechanism alone, fitted (stage 1 only), once: it does not depend on the seed.
const mech = runHeldOut({
  ...spec,
  seed: seeds[0]!,
  fitModel: (train, s) => fitHybrid(h, train, { source: 'limonene.xml', seed: s, epochs: 0 }),
});
rows.push(row('mechanistic model alone (fitted)', seeds[0]!, mech));
process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);

const f = (x: number, d = 3) => x.toFixed(d);
console.log(`| model | seed | L2 nRMSE | ${states.join(' | ')} | vs strongest baseline | train s |`);
console.log(`|---|---|---|${states.map(() => '---|').join('')}---|---|`);
for (const r of rows)
  console.log(
    `| ${r.model} | ${r.seed} | ${f(r.nrmse)} | ${states.map((s) => f(r.perState[s]!, 2)).join(' | ')} | ${f(r.improvementPct, 1)} % (${r.baseline} ${f(r.baselineNrmse)}) | ${f(r.seconds, 0)} |`,
  );
