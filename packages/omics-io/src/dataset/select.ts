import { OmicsIOError } from '../errors/omics-io-error';
import type { Dataset, Group } from './types';

/** Index of a feature by its name (or by its label when that is unambiguous); throws OmicsIOError('unknown-feature'). */
export function featureIndex(dataset: Dataset, name: string): number {
  const exact = dataset.features.findIndex((f) => f.name === name);
  if (exact >= 0) return exact;
  const byLabel = dataset.features.flatMap((f, i) => (f.label === name ? [i] : []));
  if (byLabel.length === 1) return byLabel[0]!;
  const reason =
    byLabel.length > 1
      ? `feature ${JSON.stringify(name)} is ambiguous: ${byLabel.map((i) => JSON.stringify(dataset.features[i]!.name)).join(', ')}`
      : `unknown feature ${JSON.stringify(name)}; available: ${listNames(dataset.features.map((f) => f.name))}`;
  throw new OmicsIOError('unknown-feature', reason, { file: dataset.file });
}

/** The group with this name; throws OmicsIOError('unknown-group') naming the groups there are. */
export function findGroup(dataset: Dataset, name: string): Group {
  const group = dataset.groups.find((g) => g.name === name);
  if (group) return group;
  throw new OmicsIOError(
    'unknown-group',
    `unknown group ${JSON.stringify(name)}; available: ${listNames(dataset.groups.map((g) => g.name))}`,
    { file: dataset.file },
  );
}

/** A dataset restricted to these groups, in the order given. Arrays are shared, not copied. */
export function selectGroups(dataset: Dataset, names: readonly string[]): Dataset {
  return { ...dataset, groups: names.map((name) => findGroup(dataset, name)) };
}

/** A dataset restricted to these features, in the order given. Arrays are shared, not copied. */
export function selectFeatures(dataset: Dataset, names: readonly string[]): Dataset {
  const idx = names.map((name) => featureIndex(dataset, name));
  return {
    ...dataset,
    features: idx.map((i) => dataset.features[i]!),
    groups: dataset.groups.map((g) => {
      const out: Group = { ...g, values: idx.map((i) => g.values[i]!) };
      if (g.spread) out.spread = { sd: idx.map((i) => g.spread!.sd[i]!), n: idx.map((i) => g.spread!.n[i]!) };
      return out;
    }),
  };
}

/** Names for a one-line message: all of them when few, else the first ones and a count. */
export function listNames(names: readonly string[], max = 30): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n));
  if (names.length > max) shown.push(`… (${names.length - max} more)`);
  return shown.length > 0 ? shown.join(', ') : '(none)';
}
