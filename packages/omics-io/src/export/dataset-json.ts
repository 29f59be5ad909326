import type { Dataset, Feature, Group } from '../dataset/types';

/** The JSON form of a dataset: arrays become number lists, NaN becomes null. */
export interface DatasetJSON {
  file?: string;
  groupColumn?: string;
  timeColumn: string;
  features: Feature[];
  groups: {
    name: string;
    times: number[];
    values: (number | null)[][];
    spread?: { sd: (number | null)[][]; n: number[][] };
  }[];
}

const toList = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
const fromList = (a: readonly (number | null)[]) =>
  Float64Array.from(a, (v) => (v === null ? Number.NaN : v));

/** A JSON-ready copy (JSON.stringify would turn typed arrays into objects and NaN into null silently). */
export function datasetToJSON(dataset: Dataset): DatasetJSON {
  const out: DatasetJSON = {
    timeColumn: dataset.timeColumn,
    features: dataset.features.map((f) => ({ ...f })),
    groups: dataset.groups.map((g) => {
      const entry: DatasetJSON['groups'][number] = {
        name: g.name,
        times: Array.from(g.times),
        values: g.values.map(toList),
      };
      if (g.spread) entry.spread = { sd: g.spread.sd.map(toList), n: g.spread.n.map((r) => Array.from(r)) };
      return entry;
    }),
  };
  if (dataset.file !== undefined) out.file = dataset.file;
  if (dataset.groupColumn !== undefined) out.groupColumn = dataset.groupColumn;
  return out;
}

/** Rebuilds a dataset from its JSON form, checking shapes (RangeError/TypeError naming the offending group). */
export function datasetFromJSON(json: DatasetJSON): Dataset {
  if (
    json === null ||
    typeof json !== 'object' ||
    !Array.isArray(json.groups) ||
    !Array.isArray(json.features)
  ) {
    throw new TypeError('omics-io: dataset JSON needs features and groups arrays');
  }
  const nf = json.features.length;
  const groups: Group[] = json.groups.map((g) => {
    const times = Float64Array.from(g.times);
    if (
      !Array.isArray(g.values) ||
      g.values.length !== nf ||
      g.values.some((r) => r.length !== times.length)
    ) {
      throw new RangeError(
        `omics-io: dataset JSON group ${JSON.stringify(g.name)} needs ${nf} value rows of ${times.length}`,
      );
    }
    for (let j = 1; j < times.length; j++) {
      if (!(times[j]! > times[j - 1]!))
        throw new RangeError(`omics-io: dataset JSON group ${JSON.stringify(g.name)} times must increase`);
    }
    const group: Group = { name: g.name, times, values: g.values.map(fromList) };
    if (g.spread)
      group.spread = { sd: g.spread.sd.map(fromList), n: g.spread.n.map((r) => Uint32Array.from(r)) };
    return group;
  });
  const dataset: Dataset = {
    timeColumn: json.timeColumn,
    features: json.features.map((f) => ({ ...f })),
    groups,
  };
  if (json.file !== undefined) dataset.file = json.file;
  if (json.groupColumn !== undefined) dataset.groupColumn = json.groupColumn;
  return dataset;
}
