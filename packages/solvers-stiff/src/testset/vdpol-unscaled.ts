import type { ODEProblem } from '@kinetica/ode-core';

/**
 * Van der Pol's oscillator in its unscaled form x'' − μ(1 − x²)x' + x = 0 with μ = 1000,
 * (x, x')(0) = (−1, 1) on [0, 2000]: the VDPOL configuration of diff-grok's published timings
 * (datagrok-ai/diff-grok, src/examples/vdpol.ts). No reference solution is published for it.
 */
export function vdpolUnscaled(mu = 1000, tEnd = 2000): Required<Pick<ODEProblem, 'f' | 'jac'>> & ODEProblem {
  return {
    f(_t, y, dy) {
      dy[0] = y[1]!;
      dy[1] = -y[0]! + mu * (1 - y[0]! * y[0]!) * y[1]!;
    },
    jac(_t, y, J) {
      J[0] = 0;
      J[1] = 1;
      J[2] = -1 - 2 * mu * y[0]! * y[1]!;
      J[3] = mu * (1 - y[0]! * y[0]!);
    },
    y0: [-1, 1],
    tspan: [0, tEnd],
  };
}
