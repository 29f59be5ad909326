import { type MassActionReaction, massAction } from './mass-action';
import type { TestProblem } from './types';

// 0-based species: 0 NO2, 1 NO, 2 O3P, 3 O3, 4 HO2, 5 OH, 6 HCHO, 7 CO, 8 ALD, 9 MEO2, 10 C2O3,
// 11 CO2, 12 PAN, 13 CH3O, 14 HNO3, 15 O1D, 16 SO2, 17 SO4, 18 NO3, 19 N2O5.
const reactions: MassActionReaction[] = [
  {
    k: 0.35,
    reactants: [0],
    changes: [
      [0, -1],
      [1, 1],
      [2, 1],
    ],
  },
  {
    k: 26.6,
    reactants: [1, 3],
    changes: [
      [1, -1],
      [3, -1],
      [0, 1],
    ],
  },
  {
    k: 1.23e4,
    reactants: [4, 1],
    changes: [
      [4, -1],
      [1, -1],
      [0, 1],
      [5, 1],
    ],
  },
  {
    k: 8.6e-4,
    reactants: [6],
    changes: [
      [6, -1],
      [4, 2],
      [7, 1],
    ],
  },
  {
    k: 8.2e-4,
    reactants: [6],
    changes: [
      [6, -1],
      [7, 1],
    ],
  },
  {
    k: 1.5e4,
    reactants: [6, 5],
    changes: [
      [6, -1],
      [5, -1],
      [4, 1],
      [7, 1],
    ],
  },
  {
    k: 1.3e-4,
    reactants: [8],
    changes: [
      [8, -1],
      [9, 1],
      [4, 1],
      [7, 1],
    ],
  },
  {
    k: 2.4e4,
    reactants: [8, 5],
    changes: [
      [8, -1],
      [5, -1],
      [10, 1],
    ],
  },
  {
    k: 1.65e4,
    reactants: [10, 1],
    changes: [
      [10, -1],
      [1, -1],
      [0, 1],
      [9, 1],
      [11, 1],
    ],
  },
  {
    k: 9e3,
    reactants: [10, 0],
    changes: [
      [10, -1],
      [0, -1],
      [12, 1],
    ],
  },
  {
    k: 0.022,
    reactants: [12],
    changes: [
      [12, -1],
      [10, 1],
      [0, 1],
    ],
  },
  {
    k: 1.2e4,
    reactants: [9, 1],
    changes: [
      [9, -1],
      [1, -1],
      [13, 1],
      [0, 1],
    ],
  },
  {
    k: 1.88,
    reactants: [13],
    changes: [
      [13, -1],
      [6, 1],
      [4, 1],
    ],
  },
  {
    k: 1.63e4,
    reactants: [0, 5],
    changes: [
      [0, -1],
      [5, -1],
      [14, 1],
    ],
  },
  {
    k: 4.8e6,
    reactants: [2],
    changes: [
      [2, -1],
      [3, 1],
    ],
  },
  {
    k: 3.5e-4,
    reactants: [3],
    changes: [
      [3, -1],
      [15, 1],
    ],
  },
  {
    k: 0.0175,
    reactants: [3],
    changes: [
      [3, -1],
      [2, 1],
    ],
  },
  {
    k: 1e8,
    reactants: [15],
    changes: [
      [15, -1],
      [5, 2],
    ],
  },
  {
    k: 4.44e11,
    reactants: [15],
    changes: [
      [15, -1],
      [2, 1],
    ],
  },
  {
    k: 1240,
    reactants: [16, 5],
    changes: [
      [16, -1],
      [5, -1],
      [17, 1],
      [4, 1],
    ],
  },
  {
    k: 2.1,
    reactants: [18],
    changes: [
      [18, -1],
      [1, 1],
    ],
  },
  {
    k: 5.78,
    reactants: [18],
    changes: [
      [18, -1],
      [0, 1],
      [2, 1],
    ],
  },
  {
    k: 0.0474,
    reactants: [0, 3],
    changes: [
      [0, -1],
      [3, -1],
      [18, 1],
    ],
  },
  {
    k: 1780,
    reactants: [18, 0],
    changes: [
      [18, -1],
      [0, -1],
      [19, 1],
    ],
  },
  {
    k: 3.12,
    reactants: [19],
    changes: [
      [19, -1],
      [18, 1],
      [0, 1],
    ],
  },
];

const { f, jac, jacSparsity } = massAction(20, reactions);

/**
 * POLLU: the chemistry of the RIVM air pollution model, 20 species and 25 reactions (Verwer 1994)
 * on [0, 60]; reference from the Bari test set's `pollu.f` (RADAU5 on a Cray C90, tol 1.1e-18).
 */
export const pollu: TestProblem = {
  name: 'POLLU',
  problem: {
    f,
    jac,
    jacSparsity,
    y0: [0, 0.2, 0, 0.04, 0, 0, 0.1, 0.3, 0.01, 0, 0, 0, 0, 0, 0, 0, 0.007, 0, 0, 0],
    tspan: [0, 60],
  },
  reference: Float64Array.of(
    0.5646255480022769e-1,
    0.1342484130422339,
    0.4139734331099427e-8,
    0.5523140207484359e-2,
    0.2018977262302196e-6,
    0.1464541863493966e-6,
    0.7784249118997964e-1,
    0.3245075353396018,
    0.7494013383880406e-2,
    0.1622293157301561e-7,
    0.1135863833257075e-7,
    0.2230505975721359e-2,
    0.208716288279863e-3,
    0.1396921016840158e-4,
    0.8964884856898295e-2,
    0.4352846369330103e-17,
    0.6899219696263405e-2,
    0.1007803037365946e-3,
    0.1772146513969984e-5,
    0.5682943292316392e-4,
  ),
  citation:
    'Verwer, SIAM J. Sci. Comput. 15 (1994) 1243; Mazzia & Magherini, Test Set for IVP Solvers 2.4, POLLU',
};
