import type { SbmlModel, SbmlSettings } from '@kinetica/stoichiometry';

/**
 * The settings of `--sbml MODEL --t1 T --points N` without a settings file: every species, as an
 * amount where it has only substance units and as a concentration otherwise (as its symbol reads in
 * the model's math), at N evenly spaced times over [0, T].
 */
export function allSpeciesSettings(model: SbmlModel, t1: number, points: number): SbmlSettings {
  return {
    start: 0,
    duration: t1,
    steps: points - 1,
    variables: model.species.map((sp) => sp.id),
    absolute: 0,
    relative: 0,
    amount: model.species.filter((sp) => sp.hasOnlySubstanceUnits).map((sp) => sp.id),
    concentration: model.species.filter((sp) => !sp.hasOnlySubstanceUnits).map((sp) => sp.id),
  };
}
