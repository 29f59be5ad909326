import type { TestProblem } from './types';

const eps = 1e-6;

/**
 * VDPOL: van der Pol's equation in the scaled form y1' = y2, y2' = ((1 − y1²)y2 − y1)/ε with
 * ε = 1e-6, y0 = (2, 0) on [0, 2]; reference from the Bari test set's `vdpol.f` (RADAU, tol 1.1e-18).
 */
export const vdpol: TestProblem = {
  name: 'VDPOL',
  problem: {
    f(_t, y, dy) {
      dy[0] = y[1]!;
      dy[1] = ((1 - y[0]! * y[0]!) * y[1]! - y[0]!) / eps;
    },
    jac(_t, y, J) {
      J[0] = 0;
      J[1] = 1;
      J[2] = (-2 * y[0]! * y[1]! - 1) / eps;
      J[3] = (1 - y[0]! * y[0]!) / eps;
    },
    y0: [2, 0],
    tspan: [0, 2],
  },
  reference: Float64Array.of(0.1706167732170483e1, -0.8928097010247975),
  citation:
    'Mazzia & Magherini, Test Set for IVP Solvers 2.4 (Bari 2008), problem VDPOL; Hairer–Wanner II, IV.10',
};
