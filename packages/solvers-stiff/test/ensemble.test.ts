import type { ODEProblem } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { solve, solveEnsemble } from '../src/index';

function decay(rate: number): ODEProblem {
  return {
    f: (_t, y, d) => {
      d[0] = -rate * y[0]!;
    },
    y0: [1],
    tspan: [0, 2],
  };
}

const rates = [0.5, 1, 2, Number.NaN, 4];

describe('solveEnsemble', () => {
  it('solves member i as solve(makeProblem(i)) does, in member order', () => {
    const options = { method: 'radau5' as const, rtol: 1e-8, saveAt: [0.5, 1, 2] };
    const sols = solveEnsemble((i) => decay(rates[i]!), rates.length, options);
    expect(sols).toHaveLength(rates.length);
    sols.forEach((sol, i) => {
      const alone = solve(decay(rates[i]!), options);
      expect(sol.status).toBe(alone.status);
      expect(sol.message).toBe(alone.message);
      expect(sol.t).toEqual(alone.t);
      expect(sol.Y).toEqual(alone.Y);
      expect(sol.stats).toEqual(alone.stats);
    });
    expect(sols[2]!.y[2]![0]).toBeCloseTo(Math.exp(-4), 7);
  });

  it('reports a failing member as a value and solves the others', () => {
    const sols = solveEnsemble((i) => decay(rates[i]!), rates.length, { method: 'bdf' });
    expect(sols.map((s) => s.status)).toEqual(['success', 'success', 'success', 'failed', 'success']);
    expect(sols[3]!.message).toMatch(/NaN or Inf in f at t=0/);
  });

  it('makes a member whose problem cannot be built or is refused failed, with the error', () => {
    const sols = solveEnsemble(
      (i) => {
        if (i === 1) throw new Error('no such strain');
        return i === 2 ? { ...decay(1), y0: [] } : decay(1);
      },
      3,
      { method: 'rodas5' },
    );
    expect(sols.map((s) => s.status)).toEqual(['success', 'failed', 'failed']);
    expect(sols[1]!.message).toBe('problem factory threw for member 1: no such strain');
    expect(sols[2]!.message).toMatch(/^solve: .*y0/);
    expect(sols[1]!.t).toHaveLength(0);
    expect(sols[1]!.y).toEqual([]);
    expect(sols[1]!.method).toBe('rodas5');
  });

  it.each([
    [() => solveEnsemble(42 as never, 2), /^solveEnsemble: makeProblem must be a function/],
    [() => solveEnsemble(() => decay(1), 0), /^solveEnsemble: count must be a positive integer \(got 0\)$/],
    [
      () => solveEnsemble(() => decay(1), 2.5),
      /^solveEnsemble: count must be a positive integer \(got 2.5\)$/,
    ],
    [() => solveEnsemble(() => decay(1), 2, null as never), /^solveEnsemble: options must be an object$/],
    [
      () => solveEnsemble(() => decay(1), 2, { method: 'rk45' as never }),
      /^solveEnsemble: unknown method 'rk45'$/,
    ],
  ])('refuses bad arguments with one line (%#)', (call, message) => {
    expect(call).toThrow(message);
  });
});
