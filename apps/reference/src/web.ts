/**
 * The part of the reference app that runs in a browser (apps/web bundles it into its Web Worker):
 * the held-out protocol, its files (metrics.json, model.json, predictions.csv) and the demo's
 * simulated strains. Nothing here reads or writes files.
 */
export { CliError, InputError, oneLine } from './io/errors';
export { BAND_LEVEL, type HeldOutRun, metricsJson, runHeldOut } from './pipeline/heldout';
export {
  LIMONENE_CONTROLS,
  LIMONENE_STATES,
  simulateLimoneneStrains,
} from './pipeline/limonene-strains';
export { modelJson } from './pipeline/model-json';
export { type EpochProgress, NEURAL_DEFAULTS, NETWORK_DEFAULTS } from './pipeline/neural';
export { BUILT_IN_NETWORKS, builtInNetworkColumns } from './pipeline/structure';
export { checkSelection, poolTables, type TableSelection, tableFromText } from './pipeline/table';
export { predictionsCsv } from './report/heldout';
export { allSpeciesSettings } from './pipeline/sbml-species';
export {
  type LossData,
  lossElement,
  type Panel,
  renderPanelsElement,
  type Series,
  serializeSvg,
  type TrajectoriesData,
  trajectoriesElement,
} from './plot/charts';
