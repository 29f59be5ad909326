import type { JacobianFunction, RhsFunction } from '@kinetica/ode-core';

/** Lorenz (1963) with σ = 10, ρ = 28, β = 8/3. */
export const SIGMA = 10;
export const RHO = 28;
export const BETA = 8 / 3;

export const lorenz: RhsFunction = (_t, y, d) => {
  d[0] = SIGMA * (y[1]! - y[0]!);
  d[1] = y[0]! * (RHO - y[2]!) - y[1]!;
  d[2] = y[0]! * y[1]! - BETA * y[2]!;
};

export const lorenzJac: JacobianFunction = (_t, y, J) => {
  J[0] = -SIGMA;
  J[1] = SIGMA;
  J[2] = 0;
  J[3] = RHO - y[2]!;
  J[4] = -1;
  J[5] = -y[0]!;
  J[6] = y[1]!;
  J[7] = y[0]!;
  J[8] = -BETA;
};
