/**
 * @kinetica/stoichiometry/sbml: SBML import (fast-xml-parser), compilation to ODE right-hand sides
 * with derivatives, and simulation as the SBML Test Suite asks. Browser-safe; the Node root entry
 * re-exports all of it, and the Test Suite runner that reads case folders is in `./node`.
 */
export { SbmlUnsupportedError } from './sbml/errors';
export {
  readSbml,
  type SbmlCompartment,
  type SbmlModel,
  type SbmlParameter,
  type SbmlEvent,
  type SbmlReaction,
  type SbmlRule,
  type SbmlSpecies,
  type SbmlSpeciesReference,
} from './sbml/document';
export type { MathNode } from './sbml/math-tree';
export * from './sbml/math-derivative';
export type { DelayHistory } from './sbml/delay-history';
export { compileSbml, type QuantityKind, type SbmlOde, type SbmlOdeEvent } from './sbml/ode-model';
export type { SbmlOdeDerivatives, SbmlOdeParameter, SbmlOdeParameterKind } from './sbml/model-derivatives';
export { parseSettings, type SbmlSettings, settingsEntries, settingsList } from './sbml/settings';
export { formatResultCsv, parseResultCsv, type ResultTable } from './sbml/results-table';
export {
  type SbmlSimulation,
  type SimulateSbmlOptions,
  type SolveFunction,
  simulateSbml,
} from './sbml/simulate';
export { setSbmlValues } from './sbml/write-values';
