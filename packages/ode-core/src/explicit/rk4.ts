import { lowerRows, type ExplicitTableau } from './tableau';

/** The classic Runge–Kutta method (Kutta 1901): order 4, fixed step (needs `h0`); Hermite continuous extension. */
export const rk4: ExplicitTableau = {
  name: 'rk4',
  stages: 4,
  c: Float64Array.from([0, 1 / 2, 1 / 2, 1]),
  a: lowerRows([[], [1 / 2], [0, 1 / 2], [0, 0, 1]]),
  b: Float64Array.from([1 / 6, 1 / 3, 1 / 3, 1 / 6]),
  order: 4,
  errorOrder: 0,
  fsal: false,
};
