import type { TestProblem } from './types';

const s = 77.27;
const w = 0.161;
const q = 8.375e-6;

/**
 * OREGO: the Oregonator model of the Belousov–Zhabotinskii reaction (Field & Noyes 1974) on
 * [0, 360]; reference from the Bari test set's `orego.f` (RADAU5 on a Cray C90, tol 1e-18).
 */
export const orego: TestProblem = {
  name: 'OREGO',
  problem: {
    f(_t, y, dy) {
      const y1 = y[0]!;
      const y2 = y[1]!;
      const y3 = y[2]!;
      dy[0] = s * (y2 - y1 * y2 + y1 - q * y1 * y1);
      dy[1] = (-y2 - y1 * y2 + y3) / s;
      dy[2] = w * (y1 - y3);
    },
    jac(_t, y, J) {
      const y1 = y[0]!;
      const y2 = y[1]!;
      J[0] = s * (-y2 + 1 - 2 * q * y1);
      J[1] = s * (1 - y1);
      J[2] = 0;
      J[3] = -y2 / s;
      J[4] = (-1 - y1) / s;
      J[5] = 1 / s;
      J[6] = w;
      J[7] = 0;
      J[8] = -w;
    },
    y0: [1, 2, 3],
    tspan: [0, 360],
  },
  reference: Float64Array.of(0.1000814870318523e1, 0.1228178521549917e4, 0.1320554942846706e3),
  citation:
    'Mazzia & Magherini, Test Set for IVP Solvers 2.4 (Bari 2008), problem OREGO; Hairer–Wanner II, IV.10',
};
