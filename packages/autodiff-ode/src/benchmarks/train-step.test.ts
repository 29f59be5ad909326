import { describe, expect, it } from 'vitest';
import { runTrainStepBenchmark } from './train-step';

describe('benchmark B1', () => {
  it('reports the contract fields; rk4 + backprop costs 4·199 evaluations of the batched field', () => {
    const r = runTrainStepBenchmark({ method: 'rk4', grad: 'backprop', steps: 1, warmup: 0 });
    expect(Object.keys(r).slice(0, 4)).toEqual(['ms_per_step', 'nfe_per_step', 'method', 'grad']);
    expect(r.nfe_per_step).toBe(4 * 199);
    expect(r.ms_per_step).toBeGreaterThan(0);
    expect(() => runTrainStepBenchmark({ method: 'euler' as 'rk4', grad: 'backprop' })).toThrow(
      /rk4 or dopri5/,
    );
  });
});
