import type { TestProblem } from './types';

/**
 * HIRES: "High Irradiance RESponse" of photomorphogenesis, 8 species (Schäfer 1975); reference
 * from the Bari test set's `hires.f` (RADAU5 on a Cray C90, rtol = atol = 1.1e-18).
 */
export const hires: TestProblem = {
  name: 'HIRES',
  problem: {
    f(_t, y, dy) {
      const r = 280 * y[5]! * y[7]!;
      dy[0] = -1.71 * y[0]! + 0.43 * y[1]! + 8.32 * y[2]! + 0.0007;
      dy[1] = 1.71 * y[0]! - 8.75 * y[1]!;
      dy[2] = -10.03 * y[2]! + 0.43 * y[3]! + 0.035 * y[4]!;
      dy[3] = 8.32 * y[1]! + 1.71 * y[2]! - 1.12 * y[3]!;
      dy[4] = -1.745 * y[4]! + 0.43 * y[5]! + 0.43 * y[6]!;
      dy[5] = -r + 0.69 * y[3]! + 1.71 * y[4]! - 0.43 * y[5]! + 0.69 * y[6]!;
      dy[6] = r - 1.81 * y[6]!;
      dy[7] = -r + 1.81 * y[6]!;
    },
    jac(_t, y, J) {
      J.fill(0);
      J[0] = -1.71;
      J[1] = 0.43;
      J[2] = 8.32;
      J[8] = 1.71;
      J[9] = -8.75;
      J[18] = -10.03;
      J[19] = 0.43;
      J[20] = 0.035;
      J[25] = 8.32;
      J[26] = 1.71;
      J[27] = -1.12;
      J[36] = -1.745;
      J[37] = 0.43;
      J[38] = 0.43;
      J[43] = 0.69;
      J[44] = 1.71;
      J[45] = -280 * y[7]! - 0.43;
      J[46] = 0.69;
      J[47] = -280 * y[5]!;
      J[53] = 280 * y[7]!;
      J[54] = -1.81;
      J[55] = 280 * y[5]!;
      J[61] = -280 * y[7]!;
      J[62] = 1.81;
      J[63] = -280 * y[5]!;
    },
    jacSparsity: [
      [0, 1, 2],
      [0, 1],
      [2, 3, 4],
      [1, 2, 3],
      [4, 5, 6],
      [3, 4, 5, 6, 7],
      [5, 6, 7],
      [5, 6, 7],
    ],
    y0: [1, 0, 0, 0, 0, 0, 0, 0.0057],
    tspan: [0, 321.8122],
  },
  reference: Float64Array.of(
    0.7371312573325668e-3,
    0.1442485726316185e-3,
    0.5888729740967575e-4,
    0.1175651343283149e-2,
    0.2386356198831331e-2,
    0.6238968252742796e-2,
    0.2849998395185769e-2,
    0.2850001604814231e-2,
  ),
  citation:
    'Mazzia & Magherini, Test Set for IVP Solvers 2.4 (Bari 2008), problem HIRES; Hairer–Wanner II, IV.10',
};
