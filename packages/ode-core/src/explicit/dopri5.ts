import { lowerRows, type ExplicitTableau } from './tableau';

const b = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const bhat = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

// Dense-output coefficients d_i of Hairer's dopri5.f (Hairer–Nørsett–Wanner I, II.6, eq. 6.12).
const d = [
  -12715105075 / 11282082432,
  0,
  87487479700 / 32700410799,
  -10690763975 / 1880347072,
  701980252875 / 199316789632,
  -1453857185 / 822651844,
  69997945 / 29380423,
];

/**
 * Hairer's nested form y0 + θΔy + θ(1−θ)(hk1 − Δy) + θ²(1−θ)(2Δy − hk1 − hk7) + θ²(1−θ)²·hΣd_i k_i,
 * expanded into the weight polynomials b_i(θ) = Σ_j coeffs[i][j] θ^(j+1) of the generic stepper.
 */
function dopri5DenseCoefficients(): Float64Array[] {
  return b.map((bi, i) => {
    const e = (i === 0 ? 1 : 0) - bi;
    const g = 2 * bi - (i === 0 ? 1 : 0) - (i === 6 ? 1 : 0);
    return Float64Array.from([bi + e, -e + g + d[i]!, -g - 2 * d[i]!, d[i]!]);
  });
}

/**
 * Dormand–Prince 5(4) (Dormand & Prince, J. Comput. Appl. Math. 6, 1980), FSAL, local
 * extrapolation, with its free 4th-order continuous extension (Shampine 1986 / Hairer's dopri5.f).
 */
export const dopri5: ExplicitTableau = {
  name: 'dopri5',
  stages: 7,
  c: Float64Array.from([0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1]),
  a: lowerRows([
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    b.slice(0, 6),
  ]),
  b: Float64Array.from(b),
  btilde: Float64Array.from(b.map((bi, i) => bi - bhat[i]!)),
  order: 5,
  errorOrder: 4,
  fsal: true,
  dense: { order: 4, coeffs: dopri5DenseCoefficients() },
};
