/**
 * @kinetica/omics-io, browser entry: everything the package exports except the readers that take
 * file paths (node:fs). Bundlers resolving the `browser` condition get this entry for
 * `@kinetica/omics-io`; read tables there with `parseWideCsv`/`parseLongCsv` (text),
 * `readWideTableFromBlob`/`readLongTableFromBlob` (a Blob or File) or
 * `readWideTableFromStream`/`readLongTableFromStream` (a ReadableStream).
 */
export { featureIndex, findGroup, selectFeatures, selectGroups } from './dataset/select';
export type { Dataset, Feature, Group, GroupSpread } from './dataset/types';
export { gradient } from './differentiate/gradient';
export type { OmicsIOErrorCode, SourceLocation } from './errors/omics-io-error';
export { OmicsIOError } from './errors/omics-io-error';
export { type CsvWriteOptions, datasetToLongCsv, datasetToWideCsv } from './export/dataset-csv';
export { type DatasetJSON, datasetFromJSON, datasetToJSON } from './export/dataset-json';
export { akimaInterpolant } from './interpolate/akima';
export { createInterpolant, type InterpolantOptions } from './interpolate/create-interpolant';
export type { Extrapolation, Interpolant, InterpolationMethod } from './interpolate/interpolant';
export { LinearInterpolant } from './interpolate/linear';
export { pchipInterpolant } from './interpolate/pchip';
export { type GridOptions, interpolateToGrid, linspace, resampleDataset } from './prepare/resample';
export { type SmoothOptions, smoothDataset } from './prepare/smooth-dataset';
export {
  type LongTableOptions,
  parseLongCsv,
  readLongTableFromBlob,
  readLongTableFromStream,
} from './readers/long-table';
export type { ReadOptions } from './readers/read-options';
export type { TableBlob, TableStream, TableStreamReader } from './readers/web-sources';
export {
  parseWideCsv,
  readWideTableFromBlob,
  readWideTableFromStream,
  type WideTableOptions,
} from './readers/wide-table';
export {
  fitScaler,
  type Scaler,
  type ScalerKind,
  scaleDataset,
  scaleValues,
  unscaleDataset,
  unscaleValues,
} from './scaling/scaler';
export { type SavgolCoeffsOptions, savgolCoeffs } from './smoothing/savgol-coeffs';
export { type SavgolMode, type SavgolOptions, savgolFilter } from './smoothing/savgol-filter';
export { type GroupSplit, holdoutSplit, kFoldSplits } from './splits/group-split';
export { DEFAULT_MISSING } from './table/cells';
export { type ParsedHeader, parseHeader } from './table/units';
export { type Delimiter, MAX_CELL_CHARS, MAX_RECORD_CHARS } from './text/csv-tokenizer';
