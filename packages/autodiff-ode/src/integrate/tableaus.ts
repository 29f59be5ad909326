import { getExplicitTableau } from '@kinetica/ode-core';

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

/** The fused solver's flat layout of one of ode-core's tableaux (the coefficients live there once). */
function fromCore(name: 'rk4' | 'dopri5' | 'euler'): Tableau {
  const t = getExplicitTableau(name);
  const s = t.stages;
  const a = new Float64Array(s * s);
  for (let i = 0; i < s; i++) a.set(t.a[i]!, i * s);
  return {
    name,
    s,
    c: Float64Array.from(t.c),
    a,
    b: Float64Array.from(t.b),
    ...(t.btilde ? { e: Float64Array.from(t.btilde) } : {}),
    order: t.btilde ? t.errorOrder + 1 : t.order,
    fsal: t.fsal,
  };
}

/** The classical fourth-order method (Kutta 1901). */
export const RK4: Tableau = fromCore('rk4');

/** Dormand & Prince (1980), "A family of embedded Runge–Kutta formulae", J. Comp. Appl. Math. 6. */
export const DOPRI5: Tableau = fromCore('dopri5');

/** Explicit Euler: with a network field on the observation grid this is a ResNet (He et al. 2016). */
export const EULER: Tableau = fromCore('euler');

/** One application of x_{k+1} = x_k + F(t_k, x_k) per output interval (a discrete-time map). */
export const MAP: Tableau = { ...EULER, name: 'map', unitStep: true };
