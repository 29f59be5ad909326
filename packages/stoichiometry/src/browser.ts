/**
 * @kinetica/stoichiometry, browser entry: reaction networks, stoichiometric matrices, conservation
 * laws, rate laws and S·r(x) models, without SBML import. Bundlers resolving the `browser`
 * condition get this entry for `@kinetica/stoichiometry`, so that pages that never read SBML do
 * not load an XML parser; SBML is `@kinetica/stoichiometry/sbml` (browser-safe too).
 */
export { parseNetwork, stoichiometricMatrix } from './network/parse';
export type { Network, Reaction, SpeciesTerm } from './network/types';
export {
  multiplyS,
  multiplySTranspose,
  type SparseStoichiometry,
  sparseStoichiometry,
  stoichiometryMatrix,
} from './network/sparse';
export { conservationLaws, conservationLawsExact, stoichiometricRank } from './conservation/laws';
export { type ReducedSystem, reduceByConservationLaws, reduceSystem } from './conservation/reduce';
export { type FullField, type ReducedField, reducedField } from './conservation/reduced-field';
export type { EnzymeOption, RateLaw } from './kinetics/types';
export { type MassActionTerm, massAction, reversibleMassAction } from './kinetics/mass-action';
export {
  type MichaelisMentenOptions,
  michaelisMenten,
  type ReversibleMichaelisMentenOptions,
  reversibleMichaelisMenten,
} from './kinetics/michaelis-menten';
export { type HillOptions, hill } from './kinetics/hill';
export {
  competitiveInhibition,
  type InhibitionOptions,
  uncompetitiveInhibition,
} from './kinetics/inhibition';
export { customRate } from './kinetics/custom';
export {
  type Controls,
  type ReactionModel,
  type ReactionModelNames,
  stoichiometricModel,
} from './models/reaction-model';
export { type MassActionOptions, massActionModel } from './models/mass-action-model';
export type { RateFunction } from './learned/rate-function';
export { type StoichiometricField, stoichiometricField } from './learned/stoichiometric-field';
export { nonNegativeRates, softplus } from './learned/non-negative';
export { mixedRates } from './learned/mixed-rates';
export { type MlpRates, type MlpRatesOptions, mlpRates } from './learned/mlp-rates';
export { type ConservationPenalty, conservationPenalty } from './learned/conservation-penalty';
export {
  limoneneEnzymes,
  limoneneModel,
  limoneneObservables,
  limoneneParameters,
  limoneneReactions,
  limoneneSpecies,
} from './builtin/limonene';
