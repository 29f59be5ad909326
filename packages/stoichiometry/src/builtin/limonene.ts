import { customRate } from '../kinetics/custom';
import type { RateLaw } from '../kinetics/types';
import { type ReactionModel, stoichiometricModel } from '../models/reaction-model';

/**
 * The mevalonate → limonene pathway of Costello & Martin 2018 ("A machine learning approach to
 * predict metabolic pathway dynamics from time-series multiomics data", npj Syst Biol Appl 4:19),
 * transcribed from the kinetic model and fitted parameters in the "Create Data Set" notebook of
 * github.com/JBEI/KineticLearning (notebooks/Create Data Set.ipynb, `kinetic_model` and
 * `fit_kinetic_parameters`). Ten species, nine enzyme levels as controls, ten reactions
 * (an Acetyl-CoA influx plus one per enzyme); the rates are Michaelis–Menten-type with the
 * substrate/product/inhibitor terms of the notebook's denominators.
 */
export const limoneneSpecies = [
  'Acetyl-CoA',
  'Acetoacetyl-CoA',
  'HMG-CoA',
  'Mevalonate',
  'Mev-P',
  'Mev-PP',
  'IPP',
  'DMAPP',
  'GPP',
  'Limonene',
] as const;

/** Enzyme (control) names, as the columns of limonene_data.csv spell them. */
export const limoneneEnzymes = [
  'AtoB',
  'GPPS',
  'HMGR',
  'HMGS',
  'Idi',
  'Limonene Synthase',
  'MK',
  'PMD',
  'PMK',
] as const;

/** Reactions, in the column order of the model's S. */
export const limoneneReactions = [
  'influx',
  'AtoB',
  'HMGS',
  'HMGR',
  'MK',
  'PMK',
  'PMD',
  'Idi',
  'GPPS',
  'LS',
] as const;

/**
 * The 34 kinetic constants in the notebook's order
 * k11 k12 k13 | k21..k24 | k31..k35 | k41..k45 | k51 k52 | k61..k65 | k71 k72 | k81..k84 | k91 k92 | Vin ks3.
 */
export const limoneneParameters: readonly number[] = [
  2096.3009981450155, 7874322774.19455, 49306379427.56338, 132500.5312217571, 20586148840.691242,
  23802328389.43773, 2087040054.0574365, 4439677505.252835, 266857338.26716882, 11636187181.118937,
  2830617721.9279895, 38700521939.961815, 1994251.5089258063, 13495068871.5197, 5635309295.377245,
  8823936481.806189, 33150292760.489136, 51.02190165102573, 19498380183.677044, 601.2843909320609,
  15921655319.058493, 43094446860.82067, 42028337180.13576, 8642163412.320396, 4525784432.95358,
  39055142600.75094, 37460.65655172646, 1681760830.1612275, 25648330078.428032, 48445445838.558846,
  0.006281218505564503, 10867785463.5929, 1.321769162835513, 18.343026702997715,
];

/** The model's measured states in limonene_data.csv, as sums of model species (IPP/DMAPP is pooled). */
export const limoneneObservables: Readonly<Record<string, readonly string[]>> = {
  'Acetyl-CoA': ['Acetyl-CoA'],
  'HMG-CoA': ['HMG-CoA'],
  Mevalonate: ['Mevalonate'],
  'Mev-P': ['Mev-P'],
  'IPP/DMAPP': ['IPP', 'DMAPP'],
  Limonene: ['Limonene'],
};

/** Build the limonene pathway model: dx/dt = S·r(x, u) with u the nine enzyme levels (`limoneneEnzymes` order). */
export function limoneneModel(parameters: ArrayLike<number> = limoneneParameters): ReactionModel {
  if (parameters.length !== 34)
    throw new RangeError(`limoneneModel: expected 34 parameters, got ${parameters.length}`);
  const [k11, k12, k13, k21, k22, k23, k24, k31, k32, k33, k34, k35] = Array.from(parameters);
  const [k41, k42, k43, k44, k45, k51, k52, k61, k62, k63, k64, k65] = Array.from(parameters).slice(12);
  const [k71, k72, k81, k82, k83, k84, k91, k92, vin, ks3] = Array.from(parameters).slice(24);
  // Species indices s1..s10 and enzyme indices into u (limoneneEnzymes order).
  const [s1, s2, s3, s4, s5, s6, s7, s8, s9] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const E = { AtoB: 0, GPPS: 1, HMGR: 2, HMGS: 3, Idi: 4, LS: 5, MK: 6, PMD: 7, PMK: 8 };

  const laws: RateLaw[] = [
    customRate({ species: [], rate: () => vin!, gradient: () => {} }),
    // AtoB: k11·e·s1/(k12 + k13·s1)
    customRate({
      species: [s1],
      rate: (x, u) => (k11! * u[E.AtoB]! * x[s1]!) / (k12! + k13! * x[s1]!),
      gradient(x, u, g) {
        const d = k12! + k13! * x[s1]!;
        g[0] = (k11! * u[E.AtoB]! * k12!) / (d * d);
      },
    }),
    // HMGS: k21·e·s1·s2·ks3/(k22·s2 + k23·s1 + k24·s1·s2)
    customRate({
      species: [s1, s2],
      rate(x, u) {
        const a = x[s1]!;
        const b = x[s2]!;
        return (k21! * u[E.HMGS]! * a * b * ks3!) / (k22! * b + k23! * a + k24! * a * b);
      },
      gradient(x, u, g) {
        const a = x[s1]!;
        const b = x[s2]!;
        const c = k21! * u[E.HMGS]! * ks3!;
        const d = k22! * b + k23! * a + k24! * a * b;
        g[0] = (c * b * d - c * a * b * (k23! + k24! * b)) / (d * d);
        g[1] = (c * a * d - c * a * b * (k22! + k24! * a)) / (d * d);
      },
    }),
    // HMGR: k31·e·s3/(k32·s1 + k33·s2 + k34·s3 + k35)
    linearOverAffine(s3, E.HMGR, k31!, [s1, s2, s3], [k32!, k33!, k34!], k35!),
    // MK: k41·e·s4/(k42·s9 + k43·s5 + k44·s4 + k45)
    linearOverAffine(s4, E.MK, k41!, [s9, s5, s4], [k42!, k43!, k44!], k45!),
    // PMK: k51·e·s5/(k52 + s5)
    linearOverAffine(s5, E.PMK, k51!, [s5], [1], k52!),
    // PMD: k61·e·s6/(k62·s5 + k63·s4 + k64·s6 + k65)
    linearOverAffine(s6, E.PMD, k61!, [s5, s4, s6], [k62!, k63!, k64!], k65!),
    // Idi: k71·e·s7/(k72 + s7)
    linearOverAffine(s7, E.Idi, k71!, [s7], [1], k72!),
    // GPPS: k81·e·s7·s8/(k82 + k83·s7 + k84·s8 + s7·s8)
    customRate({
      species: [s7, s8],
      rate(x, u) {
        const a = x[s7]!;
        const b = x[s8]!;
        return (k81! * u[E.GPPS]! * a * b) / (k82! + k83! * a + k84! * b + a * b);
      },
      gradient(x, u, g) {
        const a = x[s7]!;
        const b = x[s8]!;
        const c = k81! * u[E.GPPS]!;
        const d = k82! + k83! * a + k84! * b + a * b;
        g[0] = (c * b * d - c * a * b * (k83! + b)) / (d * d);
        g[1] = (c * a * d - c * a * b * (k84! + a)) / (d * d);
      },
    }),
    // LS: k91·e·s9/(k92 + s9)
    linearOverAffine(s9, E.LS, k91!, [s9], [1], k92!),
  ];
  const S = [
    [1, -1, -1, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, -1, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, -1, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, -1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, -1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, -1, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, -1, -1, 0],
    [0, 0, 0, 0, 0, 0, 0, 1, -1, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 1, -1],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
  ];
  return stoichiometricModel(S, laws, {
    species: limoneneSpecies,
    reactions: limoneneReactions,
    controls: limoneneEnzymes,
  });
}

/** r = kcat·u[enzyme]·x[substrate]/(c0 + Σ c_k·x[terms_k]), the shape shared by most pathway steps. */
function linearOverAffine(
  substrate: number,
  enzyme: number,
  kcat: number,
  terms: readonly number[],
  coefficients: readonly number[],
  c0: number,
): RateLaw {
  const species = [...new Set([substrate, ...terms])];
  const at = species.indexOf(substrate);
  const termAt = terms.map((s) => species.indexOf(s));
  const denominator = (x: Float64Array): number => {
    let d = c0;
    for (let k = 0; k < terms.length; k++) d += coefficients[k]! * x[terms[k]!]!;
    return d;
  };
  return customRate({
    species,
    rate: (x, u) => (kcat * u[enzyme]! * x[substrate]!) / denominator(x),
    gradient(x, u, g) {
      const d = denominator(x);
      const c = kcat * u[enzyme]!;
      const num = c * x[substrate]!;
      g.fill(0);
      g[at] = c / d;
      for (let k = 0; k < terms.length; k++) g[termAt[k]!]! -= (num * coefficients[k]!) / (d * d);
    },
  });
}
