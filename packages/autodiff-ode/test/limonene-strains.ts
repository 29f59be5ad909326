import { solve } from '@kinetica/solvers-stiff';
import { limoneneEnzymes, limoneneModel, limoneneReactions } from '@kinetica/stoichiometry';
import type { ControlSeries } from '../src/field/controls';
import { createRng } from '../src/random/rng';

/**
 * Reference enzyme time courses (k_f·t/(k_m + t) + k_l per enzyme, `limoneneEnzymes` order), in
 * the range of the strains in Costello & Martin 2018 (4·10³ … 5·10⁵ counts).
 */
const COURSES = [
  [4104.5, 6, 2052.25],
  [3967.0, 8, 1983.5],
  [17116.0, 10, 8558.0],
  [7309.5, 12, 3654.75],
  [339361.5, 14, 169680.75],
  [116540.0, 16, 58270.0],
  [9766.0, 18, 4883.0],
  [174631.5, 20, 87315.75],
  [39064.5, 22, 19532.25],
] as const;

/** Enzyme levels enter the models in units of 10⁴ counts. */
const CONTROL_UNIT = 1e4;

export interface LimoneneStrain {
  times: number[];
  states: Float64Array[];
  controls: ControlSeries;
}

/**
 * Synthetic strains of the built-in limonene pathway: each enzyme course scaled by a seeded
 * factor exp(spread·N(0, 1)), simulated by radau5 from 0.2 of every species (no limonene) and
 * sampled every 3 h on [0, 72].
 */
export function limoneneStrains(count: number, seed = 11, spread = 0.3): LimoneneStrain[] {
  const model = limoneneModel();
  const times = Array.from({ length: 25 }, (_, i) => i * 3);
  const rng = createRng(seed);
  const x0 = Array.from(limoneneEnzymes, () => 0.2);
  x0.push(0);
  return Array.from({ length: count }, () => {
    const scale = COURSES.map(() => Math.exp(spread * rng.normal()));
    const u = (t: number, out: Float64Array) => {
      COURSES.forEach(([kf, km, kl], k) => {
        out[k] = scale[k]! * ((kf * t) / (km + t) + kl);
      });
    };
    const sol = solve(model.problem(x0, [0, 72], u), {
      method: 'radau5',
      rtol: 1e-8,
      atol: 1e-14,
      saveAt: times,
    });
    if (sol.status !== 'success') throw new Error(`limonene simulation failed: ${sol.message}`);
    const ctl = new Float64Array(COURSES.length);
    const values = times.map((t) => {
      u(t, ctl);
      return Array.from(ctl, (v) => v / CONTROL_UNIT);
    });
    return { times, states: sol.y.map((r) => Float64Array.from(r)), controls: { times, values } };
  });
}

/** Per reaction of `limoneneModel()` (columns of S): the index of its enzyme in `limoneneEnzymes`. */
export function limoneneReactionEnzymes(): (number | null)[] {
  const enzymes: readonly string[] = limoneneEnzymes;
  return limoneneReactions.map((r) => {
    if (r === 'influx') return null;
    const k = enzymes.indexOf(r === 'LS' ? 'Limonene Synthase' : r);
    if (k < 0) throw new Error(`no enzyme named for reaction ${r}`);
    return k;
  });
}

/** Standard deviation of each state over all points of the training strains (the nRMSE unit). */
export function trainingStd(train: readonly LimoneneStrain[]): number[] {
  const n = train[0]!.states[0]!.length;
  return Array.from({ length: n }, (_, j) => {
    const v = train.flatMap((s) => s.states.map((r) => r[j]!));
    const mu = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length);
  });
}

/** nRMSE per state of a prediction: RMSE over the strain's times / training std of that state. */
export function strainNrmse(
  pred: readonly ArrayLike<number>[],
  strain: LimoneneStrain,
  sd: readonly number[],
): number[] {
  return sd.map((s, j) => {
    const T = strain.times.length;
    const rmse = Math.sqrt(strain.states.reduce((a, r, i) => a + (pred[i]![j]! - r[j]!) ** 2, 0) / T);
    return s > 0 ? rmse / s : 0;
  });
}
