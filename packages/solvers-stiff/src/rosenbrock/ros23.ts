import type { RhsFunction } from '@kinetica/ode-core';
import type { LinearSolver } from '../linalg/linear-solver';
import { StepPolynomial } from '../step-polynomial';
import type { RosenbrockStepper } from './scheme';

/**
 * ROS23: the L-stable Rosenbrock(2,3) pair of MATLAB's ode23s (Shampine & Reichelt 1997,
 * "The MATLAB ODE Suite", SIAM J. Sci. Comput. 18:1–22). Order 2, FSAL, three f evaluations and
 * one LU per step, and an order-2 continuous extension that costs nothing. For loose tolerances.
 */
const D = 1 / (2 + Math.SQRT2);
const E32 = 6 + Math.SQRT2;

export function ros23Stepper(n: number, f: RhsFunction): RosenbrockStepper {
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const f1 = new Float64Array(n);
  const f2 = new Float64Array(n);
  const u = new Float64Array(n);
  // Dense output data: y0, h·k1, h·k2 of the accepted step.
  const interpolant = new StepPolynomial(3, n, (data, theta, m, out, off) => {
    for (let j = 0, o = off; j < m; j++, o += n) {
      const s = theta[j]!;
      const a = (s * (1 - s)) / (1 - 2 * D);
      const b = (s * (s - 2 * D)) / (1 - 2 * D);
      for (let i = 0; i < n; i++) out[o + i] = data[i]! + a * data[n + i]! + b * data[2 * n + i]!;
    }
  });
  const dense = interpolant.data;

  return {
    name: 'ros23',
    errorOrder: 2,
    gamma: D,
    interpolant,
    fsal: f2,
    attempt(t, y, fy, dT, h, W: LinearSolver, yNew, err) {
      // W is factored as (1/(h·d))·I − J = (I − h·d·J)/(h·d); the stage equations use I − h·d·J.
      const hd = h * D;
      const s = 1 / hd;
      const hh = 0.5 * h;
      for (let i = 0; i < n; i++) k1[i] = s * (fy[i]! + hd * dT[i]!);
      W.solve(k1);
      for (let i = 0; i < n; i++) u[i] = y[i]! + hh * k1[i]!;
      f(t + hh, u, f1);
      for (let i = 0; i < n; i++) k2[i] = s * (f1[i]! - k1[i]!);
      W.solve(k2);
      for (let i = 0; i < n; i++) {
        k2[i] = k2[i]! + k1[i]!;
        yNew[i] = y[i]! + h * k2[i]!;
      }
      f(t + h, yNew, f2);
      for (let i = 0; i < n; i++) {
        k3[i] = s * (f2[i]! - E32 * (k2[i]! - f1[i]!) - 2 * (k1[i]! - fy[i]!) + hd * dT[i]!);
      }
      W.solve(k3);
      const h6 = h / 6;
      for (let i = 0; i < n; i++) err[i] = h6 * (k1[i]! - 2 * k2[i]! + k3[i]!);
    },
    accept(t, h, y) {
      interpolant.set(t, h);
      dense.set(y, 0);
      for (let i = 0; i < n; i++) {
        dense[n + i] = h * k1[i]!;
        dense[2 * n + i] = h * k2[i]!;
      }
    },
  };
}
