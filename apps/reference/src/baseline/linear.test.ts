import { createRng } from '@kinetica/autodiff-ode';
import { describe, expect, it } from 'vitest';
import { LinearPipeline } from './linear';

function sample(n: number, target: (x: number[]) => number, seed = 1) {
  const rng = createRng(seed);
  const X = Array.from({ length: n }, () => [rng.normal() * 10, rng.normal() * 0.01, rng.normal(), 5]);
  return { X, y: X.map(target) };
}

describe('the TPOT-like linear pipeline', () => {
  it('recovers a noiseless linear law with weakly penalised weights, whatever the feature scales', () => {
    const { X, y } = sample(200, (x) => 0.3 * x[0]! - 200 * x[1]! + 1);
    const m = new LinearPipeline(X, y);
    expect(m.selection.alpha).toBeLessThan(1e-3);
    expect(m.predict([1, 0.01, 7, 5])).toBeCloseTo(0.3 - 2 + 1, 2);
  });

  it('falls back to a strongly penalised model on pure noise', () => {
    const rng = createRng(9);
    const { X } = sample(200, () => 0);
    const y = X.map(() => rng.normal());
    const m = new LinearPipeline(X, y);
    expect(m.selection.alpha).toBeGreaterThan(0.1);
    expect(Math.abs(m.predict([30, 0.03, 3, 5]))).toBeLessThan(0.5);
  });

  it('chooses among ridge, lasso and elastic net by cross-validation, deterministically', () => {
    const { X, y } = sample(120, (x) => x[2]! + 0.1 * Math.sin(x[0]!));
    const a = new LinearPipeline(X, y);
    const b = new LinearPipeline(X, y);
    expect(['ridge', 'lasso', 'elastic-net']).toContain(a.selection.penalty);
    expect(a.selection).toEqual(b.selection);
    expect(a.predict(X[0]!)).toBe(b.predict(X[0]!));
    const lassoOnly = new LinearPipeline(X, y, { penalties: ['lasso'] });
    expect(lassoOnly.selection.penalty).toBe('lasso');
  });
});
