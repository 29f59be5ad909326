/**
 * Problem factories for the ensemble tests. Worker threads load this module with plain Node, so
 * it is JavaScript and imports nothing: Robertson's kinetics (ROBER) with the rate constants
 * k = [k1, k2, k3] of each member.
 */

/** ROBER with rate constants k (the member's input), analytic Jacobian. */
export function rober(_i, k) {
  const [k1, k2, k3] = k;
  return {
    f(_t, y, dydt) {
      dydt[0] = -k1 * y[0] + k2 * y[1] * y[2];
      dydt[1] = k1 * y[0] - k2 * y[1] * y[2] - k3 * y[1] * y[1];
      dydt[2] = k3 * y[1] * y[1];
    },
    jac(_t, y, J) {
      J[0] = -k1;
      J[1] = k2 * y[2];
      J[2] = k2 * y[1];
      J[3] = k1;
      J[4] = -k2 * y[2] - 2 * k3 * y[1];
      J[5] = -k2 * y[1];
      J[6] = 0;
      J[7] = 2 * k3 * y[1];
      J[8] = 0;
    },
    y0: [1, 0, 0],
    tspan: [0, 1e5],
  };
}

/** Member i's rate constants, for ensembles given by count: k1 varies over a decade. */
export function roberOfIndex(i) {
  return rober(i, [0.04 * 1.25 ** i, 1e4, 3e7]);
}

/** ROBER, resolved asynchronously (a factory may return a promise). */
export async function roberLater(i, k) {
  return rober(i, k);
}

/** Throws for odd members. */
export function roberEven(i, k) {
  if (i % 2 === 1) throw new Error(`odd member ${i}`);
  return rober(i, k);
}

/** Ends the worker thread that builds member 1. */
export function roberExit(i, k) {
  if (i === 1) process.exit(7);
  return rober(i, k);
}

/** Not a factory. */
export const notAFactory = 42;
