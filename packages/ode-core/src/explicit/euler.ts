import { type ExplicitTableau, lowerRows } from './tableau';

/** Forward Euler: order 1, fixed step (needs `h0`); Hermite continuous extension. */
export const euler: ExplicitTableau = {
  name: 'euler',
  stages: 1,
  c: Float64Array.from([0]),
  a: lowerRows([[]]),
  b: Float64Array.from([1]),
  order: 1,
  errorOrder: 0,
  fsal: false,
};
