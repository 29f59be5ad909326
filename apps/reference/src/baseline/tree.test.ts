import { createRng } from '@kinetica/autodiff-ode';
import { describe, expect, it } from 'vitest';
import { GradientBoosting } from './gradient-boosting';
import { extraTrees, RandomForest } from './random-forest';
import { growTree, predictTree, splitThreshold } from './tree';

/** The double right after x. */
function nextUp(x: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  v.setBigUint64(0, v.getBigUint64(0) + 1n);
  return v.getFloat64(0);
}

// Smoothed HMG-CoA levels of the isopentenol strains produced this pair (issue 16).
const xa = 0.022634511;
const xb = nextUp(xa);

/** Half the samples at xa (target 0), half at xb (target 1): the only useful split lies between two adjacent doubles. */
function adjacentSample(): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 6; i++) {
    X.push([i < 3 ? xa : xb, 1]);
    y.push(i < 3 ? 0 : 1);
  }
  return { X, y };
}

describe('regression trees on adjacent doubles', () => {
  it('the naive midpoint of the pair rounds up to the larger value (the premise of the bug)', () => {
    expect(xa < xb).toBe(true);
    expect(0.5 * (xa + xb)).toBe(xb);
  });

  it('splitThreshold lies in [xa, xb), so x ≤ t separates them', () => {
    const t = splitThreshold(xa, xb);
    expect(xa <= t && t < xb).toBe(true);
    expect(splitThreshold(1, 3)).toBe(2);
    expect(splitThreshold(-Number.MAX_VALUE, Number.MAX_VALUE)).toBe(0);
    const big = Number.MAX_VALUE;
    const t2 = splitThreshold(nextUp(big / 2), big);
    expect(t2 < big).toBe(true);
  });

  it('a CART tree splits between them with two non-empty, finite leaves', () => {
    const { X, y } = adjacentSample();
    const options = { splitter: 'best' as const, tryCount: 2, minLeaf: 1, maxDepth: 4 };
    const tree = growTree(X, y, Int32Array.from([0, 1, 2, 3, 4, 5]), options, createRng(1));
    expect(tree.feature[0]).toBe(0);
    expect(Array.from(tree.value).every(Number.isFinite)).toBe(true);
    expect(predictTree(tree, [xa, 1])).toBe(0);
    expect(predictTree(tree, [xb, 1])).toBe(1);
  });

  it('random forest, extra trees and gradient boosting predict finite, correct values on both sides', () => {
    const { X, y } = adjacentSample();
    const models = [
      new RandomForest(X, y, { trees: 5, minLeaf: 1, bootstrap: false, featureFraction: 1, seed: 3 }),
      extraTrees(X, y, { trees: 20, minLeaf: 1, seed: 3 }),
      new GradientBoosting(X, y, { rounds: 100, seed: 3 }),
    ];
    for (const m of models) {
      expect(m.predict([xa, 1])).toBeCloseTo(0, 4);
      expect(m.predict([xb, 1])).toBeCloseTo(1, 4);
    }
  });

  it('a bootstrap forest on such data never predicts NaN', () => {
    const X: number[][] = [];
    const y: number[] = [];
    let x = xa;
    for (let i = 0; i < 40; i++) {
      X.push([x, (i * 7) % 5]);
      y.push(Math.sin(i));
      x = nextUp(x);
    }
    const forest = new RandomForest(X, y, { trees: 30, minLeaf: 1, seed: 5 });
    for (const row of X) expect(Number.isFinite(forest.predict(row))).toBe(true);
  });
});
