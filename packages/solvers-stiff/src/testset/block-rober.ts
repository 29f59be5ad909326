import type { ODEProblem } from '@kinetica/ode-core';

/**
 * `copies` independent Robertson systems side by side (3·copies states, block-diagonal Jacobian),
 * the scaling problem used by diffsol and SUNDIALS benchmarks. Copy i starts from (1, 0, 0) like
 * ROBER, so each block ends at the ROBER reference solution. The sparsity pattern lets stiff
 * solvers group finite-difference columns and factor the Newton matrix in linear time.
 */
export function blockRober(
  copies: number,
  tEnd = 1e11,
): Required<Pick<ODEProblem, 'f' | 'jac' | 'jacSparsity'>> & ODEProblem {
  if (!Number.isInteger(copies) || copies < 1) {
    throw new RangeError(`blockRober: copies must be a positive integer, got ${copies}`);
  }
  const n = 3 * copies;
  const y0 = new Float64Array(n);
  const jacSparsity: number[][] = [];
  for (let b = 0; b < copies; b++) {
    const i = 3 * b;
    y0[i] = 1;
    jacSparsity.push([i, i + 1, i + 2], [i, i + 1, i + 2], [i + 1]);
  }
  return {
    f(_t, y, dy) {
      for (let i = 0; i < n; i += 3) {
        const a = 0.04 * y[i]!;
        const b = 1e4 * y[i + 1]! * y[i + 2]!;
        const c = 3e7 * y[i + 1]! * y[i + 1]!;
        dy[i] = -a + b;
        dy[i + 1] = a - b - c;
        dy[i + 2] = c;
      }
    },
    jac(_t, y, J) {
      J.fill(0);
      for (let i = 0; i < n; i += 3) {
        const r0 = i * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        J[r0 + i] = -0.04;
        J[r0 + i + 1] = 1e4 * y[i + 2]!;
        J[r0 + i + 2] = 1e4 * y[i + 1]!;
        J[r1 + i] = 0.04;
        J[r1 + i + 1] = -1e4 * y[i + 2]! - 6e7 * y[i + 1]!;
        J[r1 + i + 2] = -1e4 * y[i + 1]!;
        J[r2 + i + 1] = 6e7 * y[i + 1]!;
      }
    },
    jacSparsity,
    y0,
    tspan: [0, tEnd],
  };
}
