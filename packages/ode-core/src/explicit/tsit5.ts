import { lowerRows, type ExplicitTableau } from './tableau';

// Coefficients as tabulated in OrdinaryDiffEq.jl (Tsit5ConstantCache, Tsit5Interp), from
// Ch. Tsitouras, "Runge–Kutta pairs of order 5(4) satisfying only the first column simplifying assumption",
// Comput. Math. Appl. 62 (2011) 770–775.
const b = [
  0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0,
];

/**
 * Tsitouras 5(4) `tsit5`: FSAL, tuned for a small principal error, with its free 4th-order
 * continuous extension.
 */
export const tsit5: ExplicitTableau = {
  name: 'tsit5',
  stages: 7,
  c: Float64Array.from([0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1]),
  a: lowerRows([
    [],
    [0.161],
    [-0.008480655492356989, 0.335480655492357],
    [2.8971530571054935, -6.359448489975075, 4.3622954328695815],
    [5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525],
    [5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383],
    b.slice(0, 6),
  ]),
  b: Float64Array.from(b),
  btilde: Float64Array.from([
    -0.001780011052225777,
    -0.0008164344596567469,
    0.007880878010261995,
    -0.1447110071732629,
    0.5823571654525552,
    -0.45808210592918697,
    1 / 66,
  ]),
  order: 5,
  errorOrder: 4,
  fsal: true,
  dense: {
    order: 4,
    // The θ¹ … θ³ coefficients of b_i(θ); the θ⁴ one is what makes b_i(1) = b_i (computed so, it
    // is the tabulated double for every i).
    coeffs: [
      [1, -2.763706197274826, 2.9132554618219126],
      [0, 0.13169999999999998, -0.2234],
      [0, 3.9302962368947516, -5.941033872131505],
      [0, -12.411077166933676, 30.33818863028232],
      [0, 37.50931341651104, -88.1789048947664],
      [0, -27.896526289197286, 65.09189467479366],
      [0, 1.5, -4],
    ].map(([r1, r2, r3], i) => Float64Array.of(r1!, r2!, r3!, b[i]! - (r1! + r2! + r3!))),
  },
};
