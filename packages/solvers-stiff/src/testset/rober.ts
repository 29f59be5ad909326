import type { TestProblem } from './types';

/**
 * ROBER: Robertson's autocatalytic reaction (Robertson 1966), on [0, 1e11] as in the Bari test set;
 * reference from its `rober.f` (RADAU5, rtol = atol = 1.1e-18).
 */
export const rober: TestProblem = {
  name: 'ROBER',
  problem: {
    f(_t, y, dy) {
      const a = 0.04 * y[0]!;
      const b = 1e4 * y[1]! * y[2]!;
      const c = 3e7 * y[1]! * y[1]!;
      dy[0] = -a + b;
      dy[1] = a - b - c;
      dy[2] = c;
    },
    jac(_t, y, J) {
      J[0] = -0.04;
      J[1] = 1e4 * y[2]!;
      J[2] = 1e4 * y[1]!;
      J[3] = 0.04;
      J[4] = -1e4 * y[2]! - 6e7 * y[1]!;
      J[5] = -1e4 * y[1]!;
      J[6] = 0;
      J[7] = 6e7 * y[1]!;
      J[8] = 0;
    },
    y0: [1, 0, 0],
    tspan: [0, 1e11],
  },
  reference: Float64Array.of(0.2083340149701255e-7, 0.8333360770334713e-13, 0.999999979166505),
  atol: 1e-13,
  citation:
    'Mazzia & Magherini, Test Set for IVP Solvers 2.4 (Bari 2008), problem ROBER; Hairer–Wanner II, IV.10',
};
