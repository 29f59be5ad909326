import { findGroup, selectGroups } from '../dataset/select';
import type { Dataset } from '../dataset/types';
import { shuffled } from './shuffle';

/** Groups divided into training and test sets: no group is in both. */
export interface GroupSplit {
  trainGroups: string[];
  testGroups: string[];
  train: Dataset;
  test: Dataset;
}

/**
 * Hold-out by group: `test` names the held-out groups (e.g. ['L2']), or `testFraction` picks
 * round(fraction·groups) of them at random from `seed` (at least one, and at least one left to train on).
 */
export function holdoutSplit(
  dataset: Dataset,
  options: { test: readonly string[] } | { testFraction: number; seed?: number },
): GroupSplit {
  const names = dataset.groups.map((g) => g.name);
  let test: string[];
  if ('test' in options) {
    test = [...new Set(options.test)];
    for (const name of test) findGroup(dataset, name);
  } else {
    const f = options.testFraction;
    if (!(f > 0 && f < 1)) throw new RangeError(`omics-io: testFraction must be in (0, 1), got ${f}`);
    if (names.length < 2) throw new RangeError('omics-io: a hold-out split needs at least 2 groups');
    const count = Math.min(Math.max(Math.round(f * names.length), 1), names.length - 1);
    const picked = new Set(shuffled(names, options.seed ?? 0).slice(0, count));
    test = names.filter((n) => picked.has(n));
  }
  const train = names.filter((n) => !test.includes(n));
  if (train.length === 0) throw new RangeError('omics-io: the hold-out split leaves no group to train on');
  return split(dataset, train, test);
}

/**
 * k-fold cross-validation by group: each group is in exactly one test fold. Groups are dealt to
 * folds in order (or after a seeded shuffle), so fold sizes differ by at most one.
 */
export function kFoldSplits(
  dataset: Dataset,
  k: number,
  options: { shuffle?: boolean; seed?: number } = {},
): GroupSplit[] {
  const names = dataset.groups.map((g) => g.name);
  if (!Number.isInteger(k) || k < 2 || k > names.length) {
    throw new RangeError(
      `omics-io: k-fold needs an integer k in [2, number of groups = ${names.length}], got ${k}`,
    );
  }
  const order = options.shuffle ? shuffled(names, options.seed ?? 0) : names;
  const folds: string[][] = Array.from({ length: k }, () => []);
  order.forEach((name, i) => {
    folds[i % k]!.push(name);
  });
  return folds.map((fold) => {
    const inFold = new Set(fold);
    return split(
      dataset,
      names.filter((n) => !inFold.has(n)),
      names.filter((n) => inFold.has(n)),
    );
  });
}

function split(dataset: Dataset, trainGroups: string[], testGroups: string[]): GroupSplit {
  return {
    trainGroups,
    testGroups,
    train: selectGroups(dataset, trainGroups),
    test: selectGroups(dataset, testGroups),
  };
}
