import type { GridTrajectory } from '../baseline/costello-martin';
import { type MeasuredState, pooledStd, scorePrediction } from '../protocol';
import { fitNeuralOde, type NeuralFitOptions } from './neural';

/** How the model was chosen among candidates (or, with one, checked) by cross-validation. */
export interface StructureSelection {
  criterion: string;
  /** Number of folds over the training groups. */
  folds: number;
  /** Candidate → its criterion (lower is better; Infinity: a fit or prediction failed). */
  scores: Record<string, number>;
  chosen: string;
  /**
   * The chosen candidate's root-mean-square error per state on the held-out groups (NaN for a
   * state never measured there): what a prediction of a new strain is off by, which calibrates the
   * ensemble's band.
   */
  heldOutRmse: number[];
}

/**
 * Choose among candidate model settings by cross-validation over the training groups only: k =
 * min(groups, 3) folds (group i in fold i mod k); each candidate is trained (one member, the run's
 * seed) on the other folds and predicts the held-out fold's groups from their initial states and
 * controls. The criterion is the geometric mean over held-out groups and states of nRMSE (scale:
 * the spread of that fold's training curves): scale-free across states, so a state with a tiny
 * spread cannot dominate it. Ties keep the first candidate.
 */
export function selectByCrossValidation(
  candidates: Record<string, Omit<NeuralFitOptions, 'seed'>>,
  training: GridTrajectory[],
  measured: MeasuredState[][],
  seed: number,
  onProgress?: (message: string) => void,
): StructureSelection {
  const k = Math.min(training.length, 3);
  const n = training[0]!.states.length;
  const scores: Record<string, number> = {};
  const rmse: Record<string, number[]> = {};
  for (const [name, options] of Object.entries(candidates)) {
    let logSum = 0;
    let count = 0;
    let failed = false;
    const ss = new Float64Array(n);
    const points = new Float64Array(n);
    for (let fold = 0; fold < k && !failed; fold++) {
      onProgress?.(`choosing the model: ${name}, fold ${fold + 1}/${k}`);
      const fitOn = training.filter((_, i) => i % k !== fold);
      const scale = training[0]!.states.map((_, j) => pooledStd(fitOn.map((tr) => tr.states[j]!)));
      try {
        const fit = fitNeuralOde(fitOn, { ...options, ensemble: 1, seed });
        training.forEach((tr, i) => {
          if (i % k !== fold) return;
          const predicted = fit.predict(
            tr.states.map((s) => (Number.isNaN(s[0]!) ? 0 : s[0]!)),
            tr.controls,
            tr.t,
          );
          const { nrmse, rmse: r } = scorePrediction(measured[i]!, tr.t, predicted, scale);
          measured[i]!.forEach((m, j) => {
            const v = nrmse[m.name]!;
            if (!(v > 0) || !Number.isFinite(v)) return;
            logSum += Math.log(v);
            count++;
            ss[j] += r[m.name]! ** 2 * m.times.length;
            points[j] += m.times.length;
          });
        });
      } catch {
        failed = true;
      }
    }
    scores[name] = failed || count === 0 ? Number.POSITIVE_INFINITY : Math.exp(logSum / count);
    rmse[name] = Array.from(ss, (v, j) =>
      points[j]! > 0 && !failed ? Math.sqrt(v / points[j]!) : Number.NaN,
    );
  }
  let chosen = Object.keys(candidates)[0]!;
  for (const name of Object.keys(candidates)) if (scores[name]! < scores[chosen]!) chosen = name;
  return {
    criterion: 'geometric mean of nRMSE over held-out training groups and states',
    folds: k,
    scores,
    chosen,
    heldOutRmse: rmse[chosen]!,
  };
}
