import { solve } from '@kinetica/solvers-stiff';
import type { MethodName, Solution } from '@kinetica/ode-core';
import { bindParameters, type ParametricField } from '../field';

/** Integration settings shared by interventions and sensitivities. */
export interface SimulationOptions {
  y0: ArrayLike<number>;
  tspan: readonly [number, number];
  /** Output times. Default: 101 evenly spaced times over tspan. */
  saveAt?: ArrayLike<number>;
  /** Any `solve` method. Default 'radau5' (biochemical models are often stiff). */
  method?: MethodName;
  rtol?: number;
  atol?: number | ArrayLike<number>;
  maxSteps?: number;
}

export function defaultSaveAt(tspan: readonly [number, number], count = 101): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => tspan[0] + ((tspan[1] - tspan[0]) * i) / (count - 1));
}

/** Simulate a parametric field with `solve` from @kinetica/solvers-stiff. */
export function simulate(field: ParametricField, options: SimulationOptions): Solution {
  const vf = bindParameters(field);
  const { y0, tspan, method = 'radau5', rtol = 1e-8, atol = 1e-10, maxSteps } = options;
  return solve(
    { f: vf.f, jac: vf.jac, y0, tspan },
    { method, rtol, atol, saveAt: options.saveAt ?? defaultSaveAt(tspan), maxSteps },
  );
}
