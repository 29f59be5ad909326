/** Explicit Runge–Kutta tableaus used by the fused training solver. */
export interface Tableau {
  name: string;
  /** Stages. */
  s: number;
  /** Nodes c_i. */
  c: Float64Array;
  /** Row-major strictly lower-triangular a_ij (s × s). */
  a: Float64Array;
  /** Weights of the propagated solution. */
  b: Float64Array;
  /** b − b̂ (error estimate weights), for adaptive methods. */
  e?: Float64Array;
  /** Order of the error estimate's lower-order solution + 1 (for the step controller). */
  order: number;
  /** The last stage is f at the new point (first same as last). */
  fsal: boolean;
  /**
   * The update is y + Σ b_i k_i whatever the step: a discrete-time map x_{k+1} = x_k + F(x_k, u_k)
   * rather than a discretised ODE.
   */
  unitStep?: boolean;
}

function tri(rows: number[][]): Float64Array {
  const s = rows.length;
  const a = new Float64Array(s * s);
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      a[i * s + j] = v;
    });
  });
  return a;
}

/** The classical fourth-order method (Kutta 1901). */
export const RK4: Tableau = {
  name: 'rk4',
  s: 4,
  c: Float64Array.of(0, 0.5, 0.5, 1),
  a: tri([[], [0.5], [0, 0.5], [0, 0, 1]]),
  b: Float64Array.of(1 / 6, 1 / 3, 1 / 3, 1 / 6),
  order: 4,
  fsal: false,
};

/** Dormand & Prince (1980), "A family of embedded Runge–Kutta formulae", J. Comp. Appl. Math. 6. */
export const DOPRI5: Tableau = {
  name: 'dopri5',
  s: 7,
  c: Float64Array.of(0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1),
  a: tri([
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ]),
  b: Float64Array.of(35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0),
  e: Float64Array.of(71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40),
  order: 5,
  fsal: true,
};

/** Explicit Euler: with a network field on the observation grid this is a ResNet (He et al. 2016). */
export const EULER: Tableau = {
  name: 'euler',
  s: 1,
  c: Float64Array.of(0),
  a: Float64Array.of(0),
  b: Float64Array.of(1),
  order: 1,
  fsal: false,
};

/** One application of x_{k+1} = x_k + F(t_k, x_k) per output interval (a discrete-time map). */
export const MAP: Tableau = { ...EULER, name: 'map', unitStep: true };
