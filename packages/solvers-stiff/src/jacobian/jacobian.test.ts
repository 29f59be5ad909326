import type { SolverStats } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { SparsityPattern } from '../linalg/sparsity-pattern';
import { groupColumns } from './coloring';
import { AnalyticJacobian, FiniteDifferenceJacobian } from './jacobian';

const zeroStats = (): SolverStats => ({ nfev: 0, njev: 0, nlu: 0, nsteps: 0, naccept: 0, nreject: 0 });

/** k independent Robertson blocks (states 3b, 3b+1, 3b+2), with a trace species near zero. */
function blockRober(k: number, stats: SolverStats) {
  const f = (_t: number, y: Float64Array, d: Float64Array) => {
    stats.nfev++;
    for (let b = 0; b < k; b++) {
      const i = 3 * b;
      const y1 = y[i]!;
      const y2 = y[i + 1]!;
      const y3 = y[i + 2]!;
      d[i] = -0.04 * y1 + 1e4 * y2 * y3;
      d[i + 2] = 3e7 * y2 * y2;
      d[i + 1] = -d[i]! - d[i + 2]!;
    }
  };
  const jac = (_t: number, y: Float64Array, J: Float64Array) => {
    const n = 3 * k;
    for (let b = 0; b < k; b++) {
      const i = 3 * b;
      const y2 = y[i + 1]!;
      const y3 = y[i + 2]!;
      J[i * n + i] = -0.04;
      J[i * n + i + 1] = 1e4 * y3;
      J[i * n + i + 2] = 1e4 * y2;
      J[(i + 1) * n + i] = 0.04;
      J[(i + 1) * n + i + 1] = -1e4 * y3 - 6e7 * y2;
      J[(i + 1) * n + i + 2] = -1e4 * y2;
      J[(i + 2) * n + i + 1] = 6e7 * y2;
    }
  };
  const rows = Array.from({ length: 3 * k }, (_, i) => {
    const b = 3 * Math.floor(i / 3);
    return [b, b + 1, b + 2];
  });
  const y = Float64Array.from({ length: 3 * k }, (_, i) => [0.9 + 0.001 * i, 3e-5, 0.1][i % 3]!);
  return { f, jac, rows, y };
}

describe('FiniteDifferenceJacobian', () => {
  it('matches the analytic Jacobian of a stiff kinetic system to ~√ε relative accuracy', () => {
    const stats = zeroStats();
    const { f, jac, y } = blockRober(1, stats);
    const n = 3;
    const fy = new Float64Array(n);
    f(0, y, fy);
    const fd = new FiniteDifferenceJacobian(
      f,
      { kind: 'dense', n },
      undefined,
      new Float64Array(n).fill(1e-10),
      1e-6,
      stats,
    );
    const nfev0 = stats.nfev;
    fd.evaluate(0, y, fy, 1e-3);
    expect(stats.nfev - nfev0).toBe(n);
    expect(stats.njev).toBe(1);
    const exact = new Float64Array(n * n);
    jac(0, y, exact);
    for (let k = 0; k < n * n; k++) {
      expect(Math.abs(fd.J[k]! - exact[k]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(exact[k]!)));
    }
    // y is restored exactly after the perturbations.
    expect(Array.from(y)).toEqual(Array.from(blockRober(1, zeroStats()).y));
  });

  it('needs one f evaluation per column group: 3 for any number of Robertson blocks', () => {
    const k = 200;
    const stats = zeroStats();
    const { f, jac, rows, y } = blockRober(k, stats);
    const n = 3 * k;
    const pattern = SparsityPattern.fromRows(n, rows);
    expect(groupColumns(pattern).ngroups).toBe(3);
    const fy = new Float64Array(n);
    f(0, y, fy);
    const atol = new Float64Array(n).fill(1e-10);
    const grouped = new FiniteDifferenceJacobian(
      f,
      { kind: 'sparse', n, pattern },
      pattern,
      atol,
      1e-6,
      stats,
    );
    const before = stats.nfev;
    grouped.evaluate(0, y, fy, 1e-3);
    expect(stats.nfev - before).toBe(3);
    expect(grouped.J.length).toBe(pattern.nnz);

    const plain = new FiniteDifferenceJacobian(f, { kind: 'dense', n }, undefined, atol, 1e-6, stats);
    plain.evaluate(0, y, fy, 1e-3);
    const exact = new Float64Array(n * n);
    jac(0, y, exact);
    for (let i = 0; i < n; i++) {
      for (let p = pattern.rowPtr[i]!; p < pattern.rowPtr[i + 1]!; p++) {
        const j = pattern.colIdx[p]!;
        const e = exact[i * n + j]!;
        expect(grouped.J[p]!).toBe(plain.J[i * n + j]!);
        expect(Math.abs(grouped.J[p]! - e)).toBeLessThan(1e-6 * Math.max(1, Math.abs(e)));
      }
    }
  });

  it('fills a dense layout from grouped differences, leaving structural zeros at zero', () => {
    const k = 4;
    const stats = zeroStats();
    const { f, rows, y } = blockRober(k, stats);
    const n = 3 * k;
    const pattern = SparsityPattern.fromRows(n, rows);
    const fy = new Float64Array(n);
    f(0, y, fy);
    const fd = new FiniteDifferenceJacobian(
      f,
      { kind: 'dense', n },
      pattern,
      new Float64Array(n).fill(1e-10),
      1e-6,
      stats,
    );
    fd.evaluate(0, y, fy, 1e-3);
    expect(fd.ngroups).toBe(3);
    expect(fd.J[0 * n + 3]).toBe(0);
    expect(fd.J[0 * n + 1]!).toBeCloseTo(1e4 * y[2]!, 3);
  });
});

describe('AnalyticJacobian', () => {
  it('gathers the user Jacobian into the sparse layout', () => {
    const stats = zeroStats();
    const { jac, rows, y } = blockRober(3, stats);
    const n = 9;
    const pattern = SparsityPattern.fromRows(n, rows);
    const aj = new AnalyticJacobian(jac, { kind: 'sparse', n, pattern });
    aj.evaluate(0, y, new Float64Array(n), 1);
    expect(aj.J[pattern.indexOf(4, 5)]).toBe(-1e4 * y[4]!);
    expect(aj.J[pattern.indexOf(5, 4)]).toBe(6e7 * y[4]!);
  });
});
