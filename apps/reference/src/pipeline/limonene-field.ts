import type { ParametricField } from '@kinetica/diagnostics';
import { limoneneModel } from '@kinetica/stoichiometry';

/**
 * Typical constant enzyme levels in the model's units (`limoneneEnzymes` order): the relative
 * levels of the published strains, scaled so that the pathway carries the Acetyl-CoA influx.
 */
export const TYPICAL_ENZYMES = [4100, 4000, 17000, 7300, 340000, 117000, 9800, 175000, 39000].map(
  (v) => v * 1000,
);

/** Typical initial concentrations (mM) in `limoneneSpecies` order. */
export const TYPICAL_X0 = [0.39, 0.002, 0.0026, 0.0037, 0.001, 0.001, 0.04, 0.03, 0.001, 0];

/** The built-in limonene pathway as a diagnostics `ParametricField`: p holds the nine enzyme levels. */
export function limoneneField(): ParametricField {
  const model = limoneneModel();
  return {
    n: model.nSpecies,
    p: TYPICAL_ENZYMES,
    f: model.f,
    jac: model.jac,
  };
}
