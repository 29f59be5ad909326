import type { GridTrajectory } from '../baseline/costello-martin';
import { type MeasuredState, pooledStd, scorePrediction } from '../protocol';
import type { MemberTrainer } from '@kinetica/autodiff-ode';
import { fitNeuralOde, fitNeuralOdeAsync, type NeuralFitOptions, type NeuralOdeFit } from './neural';

/** The band's level (80%): the quantile of |residual| and the normal quantile z₀.₉ that match it. */
const BAND_Q = 0.8;
const Z_BAND = 1.2815515655446004;

/**
 * nRMSE below this (5% of a state's training spread) counts as this in the criterion: a geometric
 * mean is unbounded below, and without a floor one state that a candidate happens to predict to
 * 1e-4 (a metabolite that barely moves) outweighs real errors on all the others (seen on the
 * demo's simulated strains, where HMG-CoA is predicted to 1e-3 of its spread).
 */
export const NRMSE_FLOOR = 0.05;

/**
 * The selection criterion of held-out nRMSE values: their geometric mean, each floored at
 * `NRMSE_FLOOR`; Infinity when any is not finite (a prediction that blew up loses) or there are none.
 */
export function selectionCriterion(nrmse: readonly number[]): number {
  if (nrmse.length === 0) return Number.POSITIVE_INFINITY;
  let logSum = 0;
  for (const v of nrmse) {
    if (!Number.isFinite(v) || v < 0) return Number.POSITIVE_INFINITY;
    logSum += Math.log(Math.max(v, NRMSE_FLOOR));
  }
  return Math.exp(logSum / nrmse.length);
}

/** The q-quantile of v by linear interpolation between order statistics (numpy's default). */
function quantile(v: number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  const x = q * (s.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (x - lo) * (s[hi]! - s[lo]!);
}

/** How the model was chosen among candidates (or, with one, checked) by cross-validation. */
export interface StructureSelection {
  criterion: string;
  /** Number of folds over the training groups. */
  folds: number;
  /** Candidate → its criterion (lower is better; Infinity: a fit or prediction failed). */
  scores: Record<string, number>;
  chosen: string;
  /**
   * Per state, the chosen candidate's held-out error as the standard deviation of the normal
   * distribution with the same central 80% interval: the 80th percentile of |observed − predicted|
   * over the held-out groups' measured points, divided by z₀.₉ = 1.2816 (NaN for a state never
   * measured there). It calibrates the ensemble's band; a percentile, unlike the RMS, is not
   * inflated by the few large misses of a heavy-tailed error.
   */
  heldOutSigma: number[];
}

/** One fold's held-out figures: nRMSE per held-out group and measured state, |residuals| per state. */
interface FoldOutcome {
  values: number[];
  residuals: number[][];
}

const foldCount = (training: readonly GridTrajectory[]) => Math.min(training.length, 3);

/** The training groups of a fold (group i is held out in fold i mod k). */
const fitGroups = (training: GridTrajectory[], fold: number, k: number) =>
  training.filter((_, i) => i % k !== fold);

/** Predict and score the held-out groups of a fold with the model fitted on the others. */
function scoreFold(
  fit: NeuralOdeFit,
  training: GridTrajectory[],
  measured: MeasuredState[][],
  fold: number,
  k: number,
): FoldOutcome {
  const n = training[0]!.states.length;
  const fitOn = fitGroups(training, fold, k);
  const scale = training[0]!.states.map((_, j) => pooledStd(fitOn.map((tr) => tr.states[j]!)));
  const values: number[] = [];
  const residuals: number[][] = Array.from({ length: n }, () => []);
  training.forEach((tr, i) => {
    if (i % k !== fold) return;
    const predicted = fit.predict(
      tr.states.map((s) => (Number.isNaN(s[0]!) ? 0 : s[0]!)),
      tr.controls,
      tr.t,
    );
    const scores = scorePrediction(measured[i]!, tr.t, predicted, scale);
    measured[i]!.forEach((m, j) => {
      // A state the held-out group does not measure has no score.
      if (m.times.length === 0) return;
      values.push(scores.nrmse[m.name]!);
      for (const e of scores.residuals[m.name]!) residuals[j]!.push(Math.abs(e));
    });
  });
  return { values, residuals };
}

/** The selection from each candidate's folds in order (null: a fit or prediction failed). */
function selectionOf(
  candidates: Record<string, unknown>,
  outcomes: Record<string, (FoldOutcome | null)[]>,
  k: number,
  n: number,
): StructureSelection {
  const scores: Record<string, number> = {};
  const sigma: Record<string, number[]> = {};
  for (const name of Object.keys(candidates)) {
    const folds = outcomes[name]!;
    const failed = folds.some((f) => f === null);
    const values: number[] = [];
    const residuals: number[][] = Array.from({ length: n }, () => []);
    if (!failed) {
      for (const f of folds as FoldOutcome[]) {
        values.push(...f.values);
        f.residuals.forEach((r, j) => {
          for (const e of r) residuals[j]!.push(e);
        });
      }
    }
    scores[name] = failed ? Number.POSITIVE_INFINITY : selectionCriterion(values);
    sigma[name] = residuals.map((r) => (r.length > 0 && !failed ? quantile(r, BAND_Q) / Z_BAND : Number.NaN));
  }
  let chosen = Object.keys(candidates)[0]!;
  for (const name of Object.keys(candidates)) if (scores[name]! < scores[chosen]!) chosen = name;
  return {
    criterion: `geometric mean of nRMSE (floored at ${NRMSE_FLOOR}) over held-out training groups and states`,
    folds: k,
    scores,
    chosen,
    heldOutSigma: sigma[chosen]!,
  };
}

/**
 * Choose among candidate model settings by cross-validation over the training groups only: k =
 * min(groups, 3) folds (group i in fold i mod k); each candidate is trained (one member, the run's
 * seed) on the other folds and predicts the held-out fold's groups from their initial states and
 * controls. The criterion is the geometric mean over held-out groups and states of nRMSE (scale:
 * the spread of that fold's training curves, floored at `NRMSE_FLOOR`): scale-free across states,
 * so a state with a tiny spread cannot dominate it, nor a state predicted to round-off. Ties keep
 * the first candidate.
 */
export function selectByCrossValidation(
  candidates: Record<string, Omit<NeuralFitOptions, 'seed'>>,
  training: GridTrajectory[],
  measured: MeasuredState[][],
  seed: number,
  onProgress?: (message: string) => void,
): StructureSelection {
  const k = foldCount(training);
  const outcomes: Record<string, (FoldOutcome | null)[]> = {};
  for (const [name, options] of Object.entries(candidates)) {
    const folds: (FoldOutcome | null)[] = (outcomes[name] = []);
    // A failed fold decides the candidate: the folds after it are not trained.
    for (let fold = 0; fold < k && !folds.includes(null); fold++) {
      onProgress?.(`choosing the model: ${name}, fold ${fold + 1}/${k}`);
      try {
        const fit = fitNeuralOde(fitGroups(training, fold, k), { ...options, ensemble: 1, seed });
        folds.push(scoreFold(fit, training, measured, fold, k));
      } catch {
        folds.push(null);
      }
    }
  }
  return selectionOf(candidates, outcomes, k, training[0]!.states.length);
}

/**
 * `selectByCrossValidation` with every fit (candidate × fold) trained at once by `trainMember`
 * (the app's pool of worker threads): the same selection, to the bit, since each fit depends only
 * on its options and the figures are combined in candidate and fold order. `isCrash` names
 * errors that are not a fit failing (a worker thread that died): they are thrown, not scored.
 */
export async function selectByCrossValidationAsync(
  candidates: Record<string, Omit<NeuralFitOptions, 'seed'>>,
  training: GridTrajectory[],
  measured: MeasuredState[][],
  seed: number,
  trainMember: MemberTrainer,
  isCrash: (err: unknown) => boolean,
  onProgress?: (message: string) => void,
): Promise<StructureSelection> {
  const k = foldCount(training);
  const total = Object.keys(candidates).length * k;
  let finished = 0;
  onProgress?.(`choosing the model: ${total} cross-validation fits`);
  const runs = Object.entries(candidates).map(([name, options]) =>
    Array.from({ length: k }, async (_, fold): Promise<FoldOutcome | null> => {
      try {
        const fit = await fitNeuralOdeAsync(
          fitGroups(training, fold, k),
          { ...options, ensemble: 1, seed },
          trainMember,
        );
        return scoreFold(fit, training, measured, fold, k);
      } catch (err) {
        if (isCrash(err)) throw err;
        return null;
      } finally {
        finished++;
        onProgress?.(
          `choosing the model: ${finished}/${total} cross-validation fits done (${name}, fold ${fold + 1}/${k})`,
        );
      }
    }),
  );
  // A crash rejects at once (the caller closes the pool, ending the fits still running).
  const done = await Promise.all(runs.flat());
  const outcomes: Record<string, (FoldOutcome | null)[]> = {};
  Object.keys(candidates).forEach((name, c) => {
    outcomes[name] = done.slice(c * k, (c + 1) * k);
  });
  return selectionOf(candidates, outcomes, k, training[0]!.states.length);
}
