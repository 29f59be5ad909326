import { createRng } from '@kinetica/autodiff-ode';
import type { Dataset } from '@kinetica/omics-io';
import { solve } from '@kinetica/solvers-stiff';
import {
  limoneneEnzymes,
  limoneneModel,
  limoneneObservables,
  limoneneSpecies,
} from '@kinetica/stoichiometry';
import { TYPICAL_ENZYMES, TYPICAL_X0 } from './limonene-field';

/**
 * Synthetic strains from the built-in limonene pathway model (Costello & Martin 2018): each strain
 * gets random enzyme time courses (piecewise linear between knots, log-normal around typical
 * proteomics levels), the model is solved with a stiff method, and the six measured metabolites
 * and nine enzymes are sampled at the hours of the real study with multiplicative noise.
 */

/** Sampling hours of the published limonene time series. */
export const STUDY_HOURS = [0, 2, 4, 6, 8, 10, 12, 16, 18, 20, 24, 36, 48, 72];

export const LIMONENE_STATES = Object.keys(limoneneObservables);
export const LIMONENE_CONTROLS = [...limoneneEnzymes];

export interface StrainOptions {
  strains: number;
  seed: number;
  /** Relative measurement noise (standard deviation of a log-normal factor). */
  noise?: number;
  knots?: number[];
}

export function simulateLimoneneStrains(options: StrainOptions): Dataset {
  const rng = createRng(options.seed + 1);
  const gaussian = () => rng.normal();
  const noise = options.noise ?? 0.05;
  const knots = options.knots ?? [0, 24, 48, 72];
  const model = limoneneModel();
  const nE = LIMONENE_CONTROLS.length;
  const groups: Dataset['groups'] = [];
  for (let s = 0; s < options.strains; s++) {
    const strainScale = TYPICAL_ENZYMES.map(() => Math.exp(0.6 * gaussian()));
    const levels = knots.map(() =>
      TYPICAL_ENZYMES.map((v, e) => v * strainScale[e]! * Math.exp(0.25 * gaussian())),
    );
    const enzymesAt = (t: number, out: Float64Array) => {
      let k = 0;
      while (k < knots.length - 2 && t > knots[k + 1]!) k++;
      const th = Math.min(1, Math.max(0, (t - knots[k]!) / (knots[k + 1]! - knots[k]!)));
      for (let e = 0; e < nE; e++) out[e] = levels[k]![e]! + th * (levels[k + 1]![e]! - levels[k]![e]!);
    };
    const x0 = TYPICAL_X0.map((v) => v * Math.exp(0.3 * gaussian()));
    const u = new Float64Array(nE);
    const sol = solve(model.problem(x0, [0, STUDY_HOURS[STUDY_HOURS.length - 1]!], enzymesAt), {
      method: 'rodas5',
      rtol: 1e-8,
      atol: 1e-12,
      saveAt: STUDY_HOURS,
      tstops: knots.slice(1, -1),
    });
    if (sol.status !== 'success') throw new Error(`limonene strain ${s + 1}: ${sol.message}`);
    const values: Float64Array[] = [];
    for (const obs of LIMONENE_STATES) {
      const idx = limoneneObservables[obs]!.map((name) =>
        limoneneSpecies.indexOf(name as (typeof limoneneSpecies)[number]),
      );
      const col = new Float64Array(STUDY_HOURS.length);
      for (let k = 0; k < STUDY_HOURS.length; k++) {
        let v = 0;
        for (const i of idx) v += Math.max(0, sol.y[k]![i]!);
        col[k] = v * Math.exp(noise * gaussian());
      }
      values.push(col);
    }
    for (let e = 0; e < nE; e++) {
      const col = new Float64Array(STUDY_HOURS.length);
      for (let k = 0; k < STUDY_HOURS.length; k++) {
        enzymesAt(STUDY_HOURS[k]!, u);
        col[k] = u[e]! * Math.exp(noise * gaussian());
      }
      values.push(col);
    }
    groups.push({ name: `S${s + 1}`, times: Float64Array.from(STUDY_HOURS), values });
  }
  return {
    groupColumn: 'Strain',
    timeColumn: 'Hour',
    features: [...LIMONENE_STATES, ...LIMONENE_CONTROLS].map((name) => ({ name, label: name })),
    groups,
  };
}
