/**
 * Held-out strain study on the real data (issue 16): model selection by cross-validation on the
 * training strains only, then the held-out runs with the app's defaults.
 *
 *   npx tsx --conditions=source apps/reference/bench/heldout-study.ts select [--seeds 0,1,2,3,4] [--configs a,b] [--folds single|pooled|all]
 *   npx tsx --conditions=source apps/reference/bench/heldout-study.ts final [--seeds 1,2,3,4,5]
 *
 * `select` scores every candidate on the four single-strain folds L1→L3, L3→L1, I1→I3, I3→I1
 * (`--folds single`, the default), on the four pooled leave-one-out folds (three of L1, L3, I1, I3
 * → the fourth; `pooled`) or on all eight
 * (the held-out strains L2 and I2 are never read beyond the column selection) with the
 * scale-robust criterion: the geometric mean, over folds, seeds and states, of the neural ODE's
 * nRMSE divided by the strongest baseline's (the panel member with the lowest overall nRMSE on
 * that fold). `final` runs the app's defaults (src/pipeline/neural.ts, src/pipeline/structure.ts)
 * on L1,L3 → L2, on I1 → I3 and I3 → I1, and pooled (L1, L3, I1, I3 → L2), and prints the tables
 * of docs/reproduction.md. One JSON line per run goes to stderr.
 * Data: $KINETICA_SHARED/data (default ../shared next to the repository).
 */
import { resolve } from 'node:path';
import { loadSelection } from '../src/pipeline/data';
import { runHeldOut } from '../src/pipeline/heldout';
import type { NeuralFitOptions } from '../src/pipeline/neural';
import { defaultStructure } from '../src/pipeline/structure';
import type { HeldOutResult } from '../src/report/heldout';

const shared = process.env.KINETICA_SHARED ?? resolve(import.meta.dirname, '../../../../shared');
const UPPER = ['Acetyl-CoA', 'HMG-CoA', 'Mevalonate', 'Mev-P', 'IPP/DMAPP'];

interface Pathway {
  file: string;
  states: string[];
  controls: string[];
}

const LIMONENE: Pathway = {
  file: `${shared}/data/limonene_data.csv`,
  states: [...UPPER, 'Limonene'],
  controls: ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'PMD', 'PMK'],
};
const ISOPENTENOL: Pathway = {
  file: `${shared}/data/isopentenol_train.csv`,
  states: [...UPPER, 'Isopentenol'],
  controls: ['AtoB', 'HMGR', 'HMGS', 'Idi', 'MK', 'NudB', 'PMD', 'PMK'],
};
const POOLED: Pathway = {
  file: '',
  states: [...UPPER, 'Limonene', 'Isopentenol'],
  controls: ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'NudB', 'PMD', 'PMK'],
};

type Config = Omit<NeuralFitOptions, 'seed' | 'onProgress'> & {
  /** S·r_θ on the pathway's network (examples/mevalonate-*.reactions) with these kinetics. */
  kinetic?: {
    elasticity: number | 'learned';
    michaelisMenten: boolean;
    elasticityInit?: number;
    enzymeSaturation?: number | 'learned';
    enzymeSaturationInit?: number;
    networkControls?: boolean;
  };
};

/** Round 4 and 5 candidates: learned α from `alpha0`, saturating enzyme factors with κ learned from `kappa0`. */
function saturating(kappa0: number, extra: Partial<Config> = {}, alpha0 = 0.75): Config {
  return {
    kinetic: {
      elasticity: 'learned',
      michaelisMenten: true,
      elasticityInit: alpha0,
      enzymeSaturation: 'learned',
      enzymeSaturationInit: kappa0,
    },
    hidden: [32, 32],
    ...extra,
  };
}

/** Candidates, each scored on the training-strain folds only. Members: one (ensembles come after). */
const CONFIGS: Record<string, Config> = {
  mlp: { structure: 'mlp' },
  mlpclamp: { structure: 'mlp', clampControls: true },
  pd32: { structure: 'mlp', nonnegative: 'production-degradation', hidden: [32, 32] },
  pd32clamp: {
    structure: 'mlp',
    nonnegative: 'production-degradation',
    hidden: [32, 32],
    clampControls: true,
  },
  srk: { kinetic: { elasticity: 'learned', michaelisMenten: true }, hidden: [32, 32] },
  srk16: { kinetic: { elasticity: 'learned', michaelisMenten: true }, hidden: [16, 16] },
  srkma: { kinetic: { elasticity: 'learned', michaelisMenten: false }, hidden: [32, 32] },
  srk05: { kinetic: { elasticity: 0.5, michaelisMenten: true }, hidden: [32, 32] },
  srk1: { kinetic: { elasticity: 1, michaelisMenten: true }, hidden: [32, 32] },
  // Second round, around the first round's best (srk).
  srk64: { kinetic: { elasticity: 'learned', michaelisMenten: true }, hidden: [64, 64] },
  srke600: { kinetic: { elasticity: 'learned', michaelisMenten: true }, hidden: [32, 32], epochs: 600 },
  // Third round: the prior on the elasticities (where the data do not identify α, its start decides).
  srkai25: {
    kinetic: { elasticity: 'learned', michaelisMenten: true, elasticityInit: 0.25 },
    hidden: [32, 32],
  },
  srkai75: {
    kinetic: { elasticity: 'learned', michaelisMenten: true, elasticityInit: 0.75 },
    hidden: [32, 32],
  },
  // Fourth round: enzyme effects beyond the training range (flux control shifts to other steps).
  srkclamp: {
    kinetic: { elasticity: 'learned', michaelisMenten: true, elasticityInit: 0.75 },
    hidden: [32, 32],
    clampControls: true,
  },
  srksat03: saturating(0.3),
  srksat1: saturating(1),
  srksat3: saturating(3),
  srksat10: saturating(10),
  srksat3ai5: saturating(3, {}, 0.5),
  // Fifth round: training length (early stopping as regularisation), around srksat3.
  srksat3e50: saturating(3, { epochs: 50 }),
  srksat3e100: saturating(3, { epochs: 100 }),
  // Sixth round: how the defaults (srksat3e100) are fitted. Multiple shooting (five segments of
  // the 200-point grid: a long horizon's local minima), small initial weights (g_θ starts near
  // constant, so the mechanistic factors carry the first fit), an L-BFGS refinement after Adam.
  srkshoot: saturating(3, { epochs: 100, shooting: { segmentLength: 40 } }),
  srkw01: saturating(3, { epochs: 100, weightStd: 0.01 }),
  srklbfgs: saturating(3, { epochs: 100, refine: { iterations: 50 } }),
  // Seventh round: the defaults underfit their own training strains (in-sample overall nRMSE
  // 0.35 and 0.64 on L1 and L3, 1.24 and 1.47 on I1 and I3, against the random forest's 0.10–0.14):
  // inputs the rate network lacks. Time (the growth phase every strain goes through at the same
  // hour), and the enzyme levels themselves.
  srktime: saturating(3, { epochs: 100, timeInput: true }),
  srkctl: {
    ...saturating(3, { epochs: 100 }),
    kinetic: { ...saturating(3).kinetic!, networkControls: true },
  },
  // Eighth round: the fixed-step rk4 on the 200-point grid (0.36 h) cannot follow the small,
  // fast-turnover pools (HMG-CoA at 0.01 carrying the pathway's flux): training pushes their rates
  // up until rk4 goes unstable and the loss jumps (in-sample loss on L3 stuck near 4 at any
  // learning rate). Adaptive dopri5 fits L3 to 0.65–0.9 and L1 to 0.18: the defaults with it.
  srkdopri: saturating(3, { epochs: 100, method: 'dopri5' }),
  // Ninth round: training length again, judged on the pooled leave-one-strain-out folds as well
  // (`--folds all`): trained on three strains, the defaults are far from converged at 100 epochs
  // (scaled loss 1.9 and still falling), which the single-strain folds cannot show.
  srksat3e1000: saturating(3, { epochs: 1000 }),
  srkcos: {
    kinetic: { elasticity: 'learned', michaelisMenten: true },
    hidden: [32, 32],
    schedule: { kind: 'cosine', minLr: 1e-4 },
  },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

function neural(p: Pathway, config: Config): Omit<NeuralFitOptions, 'seed'> {
  const { kinetic, ...rest } = config;
  if (!kinetic) return rest;
  const found = defaultStructure(p.states, p.controls);
  if (!found) throw new RangeError(`no built-in network for ${p.states.join(', ')}`);
  return {
    ...rest,
    structure: 'mlp',
    stoichiometry: {
      ...found.structure,
      elasticity: kinetic.elasticity,
      michaelisMenten: kinetic.michaelisMenten,
      ...(kinetic.elasticityInit !== undefined ? { elasticityInit: kinetic.elasticityInit } : {}),
      ...(kinetic.enzymeSaturation !== undefined ? { enzymeSaturation: kinetic.enzymeSaturation } : {}),
      ...(kinetic.enzymeSaturationInit !== undefined
        ? { enzymeSaturationInit: kinetic.enzymeSaturationInit }
        : {}),
      ...(kinetic.networkControls !== undefined ? { networkControls: kinetic.networkControls } : {}),
    },
  };
}

function run(p: Pathway, files: string[], train: string[], test: string, seed: number, config: Config) {
  const sel = {
    data: files.length === 1 ? files[0]! : files,
    time: 'Hour',
    group: 'Strain',
    ...p,
    train,
    test: [test],
  };
  const r = runHeldOut({
    dataset: loadSelection(sel),
    states: p.states,
    controls: p.controls,
    train,
    test: [test],
    seed,
    neural: neural(p, config),
  });
  return { res: r.results[0]!, timing: r.timing, fit: r.fit };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => {
  const m = mean(v);
  return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
};
const geo = (v: number[]) => Math.exp(mean(v.map(Math.log)));
const pm = (v: number[], digits = 3) => `${mean(v).toPrecision(digits)} ± ${sd(v).toPrecision(2)}`;

/** log(NODE nRMSE / strongest baseline nRMSE) per state. */
function logRatios(res: HeldOutResult): number[] {
  // States the predicted strain does not measure (another pathway's product) are not scored.
  return res.stateNames
    .map((s) => Math.log(res.scores.nrmse[s]! / res.baselineScores.nrmse[s]!))
    .filter(Number.isFinite);
}

/** A fold: the table(s), the training strains, the predicted strain. */
type Fold = [Pathway, string[], string[], string];
const SINGLE_FOLDS: Fold[] = [
  [LIMONENE, [LIMONENE.file], ['L1'], 'L3'],
  [LIMONENE, [LIMONENE.file], ['L3'], 'L1'],
  [ISOPENTENOL, [ISOPENTENOL.file], ['I1'], 'I3'],
  [ISOPENTENOL, [ISOPENTENOL.file], ['I3'], 'I1'],
];
/**
 * Round 9: leave one strain out of the four pooled training strains (the pooled network), so
 * that a candidate is also judged trained on several strains, as the held-out runs train.
 */
const POOLED_FOLDS: Fold[] = ['L1', 'L3', 'I1', 'I3'].map((test) => [
  POOLED,
  [LIMONENE.file, ISOPENTENOL.file],
  ['L1', 'L3', 'I1', 'I3'].filter((s) => s !== test),
  test,
]);

function select(): void {
  const seeds = arg('seeds', '0,1,2,3,4').split(',').map(Number);
  const names = arg('configs', Object.keys(CONFIGS).join(',')).split(',');
  const folds = { single: SINGLE_FOLDS, pooled: POOLED_FOLDS, all: [...SINGLE_FOLDS, ...POOLED_FOLDS] }[
    arg('folds', 'single')
  ];
  if (!folds) throw new RangeError('--folds must be single, pooled or all');
  const rows: string[] = [];
  for (const name of names) {
    const config = CONFIGS[name];
    if (!config) throw new RangeError(`unknown config '${name}' (have ${Object.keys(CONFIGS).join(', ')})`);
    const logs: number[] = [];
    const perFold: string[] = [];
    let seconds = 0;
    let failed = 0;
    for (const [p, files, trainOn, b] of folds) {
      const a = trainOn.join('+');
      const foldLogs: number[] = [];
      for (const seed of seeds) {
        try {
          const { res, timing } = run(p, files, trainOn, b, seed, config);
          const l = logRatios(res);
          foldLogs.push(...l);
          seconds += timing.trainSeconds;
          console.error(
            JSON.stringify({
              config: name,
              fold: `${a}->${b}`,
              seed,
              geoRatio: Math.exp(mean(l)),
              nrmse: res.scores.overallNrmse,
              strongest: res.baselineName,
              baselineNrmse: res.baselineScores.overallNrmse,
            }),
          );
        } catch (e) {
          // A model whose prediction fails counts as ten times worse than the baseline on every state.
          failed++;
          foldLogs.push(...p.states.map(() => Math.log(10)));
          console.error(
            JSON.stringify({ config: name, fold: `${a}->${b}`, seed, failed: (e as Error).message }),
          );
        }
      }
      logs.push(...foldLogs);
      perFold.push(Math.exp(mean(foldLogs)).toFixed(3));
    }
    const runs = folds.length * seeds.length;
    rows.push(
      `| ${name} | \`${JSON.stringify(config)}\` | ${perFold.join(' | ')} | **${Math.exp(mean(logs)).toFixed(3)}** | ${failed} | ${(seconds / Math.max(1, runs - failed)).toFixed(1)} |`,
    );
    console.log(rows.at(-1));
  }
  console.log(`\nseeds: ${seeds.join(', ')}`);
  console.log(
    `| name | settings | ${folds.map(([, , a, b]) => `${a.join('+')}→${b}`).join(' | ')} | **geometric mean** | failed | train s/run |`,
  );
  console.log(`|${'---|'.repeat(folds.length + 5)}`);
  for (const r of rows) console.log(r);
}

/** Per-state table (mean ± sd over seeds) of one protocol run with the app's defaults. */
function table(
  title: string,
  p: Pathway,
  files: string[],
  train: string[],
  test: string,
  seeds: number[],
): void {
  const runs = seeds.map((seed) => {
    const r = run(p, files, train, test, seed, {});
    const res = r.res;
    console.error(
      JSON.stringify({
        title,
        seed,
        improvementPct: res.improvementPct,
        nrmse: res.scores.overallNrmse,
        strongest: res.baselineName,
        coverage: res.coverage?.coverage,
        structure: r.fit.model?.structure,
      }),
    );
    return r;
  });
  const names = runs[0]!.res.baselines.map((b) => b.name);
  console.log(`\n### ${title}\n\nseeds ${seeds.join(', ')}; mean ± sd\n`);
  console.log(
    `| state | NODE nRMSE | strongest baseline nRMSE | ${names.map((n) => `${n} nRMSE`).join(' | ')} |`,
  );
  console.log(`|---|---|---|${names.map(() => '---').join('|')}|`);
  const baselineNrmse = (x: (typeof runs)[number], name: string, s: string) => {
    const b = x.res.baselines.find((y) => y.name === name);
    return b && b.status === 'success' ? b.scores.nrmse[s]! : Number.NaN;
  };
  for (const s of p.states.filter((s) => runs[0]!.res.scores.nrmse[s] !== undefined)) {
    console.log(
      `| ${s} | ${pm(runs.map((x) => x.res.scores.nrmse[s]!))} | ${pm(runs.map((x) => x.res.baselineScores.nrmse[s]!))} | ${names.map((n) => pm(runs.map((x) => baselineNrmse(x, n, s)))).join(' | ')} |`,
    );
  }
  const overall = (x: (typeof runs)[number], name: string) => {
    const b = x.res.baselines.find((y) => y.name === name);
    return b && b.status === 'success' ? b.scores.overallNrmse : Number.NaN;
  };
  console.log(
    `| **overall (mean nRMSE)** | **${pm(runs.map((x) => x.res.scores.overallNrmse))}** | ${pm(runs.map((x) => x.res.baselineScores.overallNrmse))} | ${names.map((n) => pm(runs.map((x) => overall(x, n)))).join(' | ')} |`,
  );
  const imp = runs.map((x) => x.res.improvementPct);
  console.log(
    `\nimprovementPct against the strongest baseline, per seed: ${runs.map((x, i) => `${seeds[i]}: ${x.res.improvementPct.toFixed(1)} (${x.res.baselineName})`).join(', ')}; **mean ${pm(imp)}**`,
  );
  const metric = (f: (x: (typeof runs)[number]) => number) => pm(runs.map(f));
  console.log(
    `mean raw RMSE: NODE ${metric((x) => x.res.scores.meanRmse)}, strongest baseline ${metric((x) => x.res.baselineScores.meanRmse)}`,
  );
  console.log(
    `integral metric (mean over states): NODE ${metric((x) => x.res.scores.meanIntegral)}, strongest baseline ${metric((x) => x.res.baselineScores.meanIntegral)}`,
  );
  if (runs[0]!.res.paperStyle) {
    console.log(
      `paper-style row (vs linear, integral metric): ${metric((x) => x.res.paperStyle!.aggregate.improvementPct)} %; up to (per-state maximum) ${metric((x) => x.res.paperStyle!.upTo?.improvementPct ?? Number.NaN)} %`,
    );
  }
  console.log(
    `80% band coverage of the measured points: ${metric((x) => x.res.coverage?.coverage ?? Number.NaN)}`,
  );
  console.log(
    `train s/run ${metric((x) => x.timing.trainSeconds)}; inference ms/trajectory NODE ${metric((x) => x.timing.inferenceMsPerTrajectory)}; ${names.map((n) => `${n} ${metric((x) => x.timing.baselinesInferenceMsPerTrajectory[n]!)}`).join(', ')}`,
  );
}

function final(): void {
  const seeds = arg('seeds', '1,2,3,4,5').split(',').map(Number);
  const only = arg('only', 'L2,I1I3,pooled').split(',');
  if (only.includes('L2'))
    table('Limonene: L1, L3 → L2', LIMONENE, [LIMONENE.file], ['L1', 'L3'], 'L2', seeds);
  if (only.includes('I1I3')) {
    table('Isopentenol: I1 → I3', ISOPENTENOL, [ISOPENTENOL.file], ['I1'], 'I3', seeds);
    table('Isopentenol: I3 → I1', ISOPENTENOL, [ISOPENTENOL.file], ['I3'], 'I1', seeds);
  }
  if (only.includes('pooled'))
    table(
      'Pooled: L1, L3, I1, I3 → L2',
      POOLED,
      [LIMONENE.file, ISOPENTENOL.file],
      ['L1', 'L3', 'I1', 'I3'],
      'L2',
      seeds,
    );
}

const mode = process.argv[2];
if (mode === 'select') select();
else if (mode === 'final') final();
else {
  console.error(
    'usage: heldout-study.ts select|final [--seeds 0,1,2] [--configs a,b] [--only L2,I1I3,pooled]',
  );
  process.exitCode = 2;
}
void geo;
