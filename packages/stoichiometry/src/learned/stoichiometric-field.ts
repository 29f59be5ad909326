import type { ParametricProblem } from '@kinetica/ode-core';
import { multiplyS, multiplySTranspose, sparseStoichiometry } from '../network/sparse';
import type { Controls } from '../models/reaction-model';
import type { RateFunction } from './rate-function';

/**
 * The stoichiometrically constrained field f_θ(t, x) = S·r_θ(x, u(t)) and its VJP. Because
 * vᵀ·S·∂r/∂(x, θ) = (Sᵀv)ᵀ·∂r/∂(x, θ), the VJP costs one Sᵀ product plus one rate-function VJP.
 * Every trajectory keeps W·x constant for each conservation law W·S = 0, whatever θ is.
 */
export interface StoichiometricField {
  readonly nSpecies: number;
  readonly nParams: number;
  f(t: number, x: Float64Array, u: Float64Array, theta: Float64Array, dxdt: Float64Array): void;
  /** vJx = vᵀ·∂f/∂x, vJtheta = vᵀ·∂f/∂θ (both overwritten). */
  vjp(
    t: number,
    x: Float64Array,
    u: Float64Array,
    theta: Float64Array,
    v: Float64Array,
    vJx: Float64Array,
    vJtheta: Float64Array,
  ): void;
  /**
   * Bind a control trajectory u(t): the result is the `f` and `vjp` of ode-core's `ParametricProblem`
   * with p = θ; add `y0`, `p` and `t0` and it is a model for `odeGradient` of @kinetica/adjoint (add
   * `y0`, `p` and `tspan` and `solve` takes it).
   */
  withControls(controls?: Controls): Required<Pick<ParametricProblem, 'f' | 'vjp'>>;
}

export function stoichiometricField(
  S: readonly (readonly number[])[],
  rates: RateFunction,
): StoichiometricField {
  const sparse = sparseStoichiometry(S);
  if (sparse.nSpecies !== rates.nSpecies || sparse.nReactions !== rates.nReactions) {
    throw new RangeError(
      `stoichiometricField: S is ${sparse.nSpecies}×${sparse.nReactions} but the rate function maps ` +
        `${rates.nSpecies} species to ${rates.nReactions} rates`,
    );
  }
  const r = new Float64Array(sparse.nReactions);
  const w = new Float64Array(sparse.nReactions);
  const field: StoichiometricField = {
    nSpecies: sparse.nSpecies,
    nParams: rates.nParams,
    f(_t, x, u, theta, dxdt) {
      rates.rates(x, u, theta, r);
      multiplyS(sparse, r, dxdt);
    },
    vjp(_t, x, u, theta, v, vJx, vJtheta) {
      multiplySTranspose(sparse, v, w);
      rates.vjp(x, u, theta, w, vJx, vJtheta);
    },
    withControls(controls) {
      const u = new Float64Array(rates.nControls);
      let setU: ((t: number) => void) | null = null;
      if (typeof controls === 'function') setU = (t) => controls(t, u);
      else if (controls !== undefined) {
        if (controls.length !== rates.nControls) {
          throw new RangeError(`withControls: ${controls.length} values for ${rates.nControls} controls`);
        }
        u.set(Array.from(controls));
      } else if (rates.nControls > 0)
        throw new TypeError(`withControls: the field has ${rates.nControls} controls`);
      return {
        f(t, y, p, dydt) {
          if (setU) setU(t);
          field.f(t, y, u, p, dydt);
        },
        vjp(t, y, p, v, vJy, vJp) {
          if (setU) setU(t);
          field.vjp(t, y, u, p, v, vJy, vJp);
        },
      };
    },
  };
  return field;
}
