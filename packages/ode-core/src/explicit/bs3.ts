import { lowerRows, type ExplicitTableau } from './tableau';

/**
 * Bogacki–Shampine 3(2) (Bogacki & Shampine, Appl. Math. Lett. 2, 1989), FSAL; the cubic
 * Hermite interpolant on its FSAL data is its natural 3rd-order continuous extension.
 */
export const bs3: ExplicitTableau = {
  name: 'bs3',
  stages: 4,
  c: Float64Array.from([0, 1 / 2, 3 / 4, 1]),
  a: lowerRows([[], [1 / 2], [0, 3 / 4], [2 / 9, 1 / 3, 4 / 9]]),
  b: Float64Array.from([2 / 9, 1 / 3, 4 / 9, 0]),
  // b − b̂ with the 2nd-order weights b̂ = (7/24, 1/4, 1/3, 1/8).
  btilde: Float64Array.from([2 / 9 - 7 / 24, 1 / 3 - 1 / 4, 4 / 9 - 1 / 3, -1 / 8]),
  order: 3,
  errorOrder: 2,
  fsal: true,
};
