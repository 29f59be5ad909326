/**
 * A parameterised rate function r_θ(x, u), the hook through which learned rates (neural networks
 * in `@kinetica/autodiff-ode`) enter a stoichiometric model. Plain Float64Array in and out, no
 * TensorFlow.js: any implementation that can evaluate rates and vector–Jacobian products plugs in.
 */
export interface RateFunction {
  readonly nSpecies: number;
  readonly nControls: number;
  readonly nReactions: number;
  /** Length of θ. */
  readonly nParams: number;
  /** r_θ(x, u) into `out` (length nReactions). */
  rates(x: Float64Array, u: Float64Array, theta: Float64Array, out: Float64Array): void;
  /**
   * Vector–Jacobian products for v (length nReactions): outX = vᵀ·∂r/∂x (length nSpecies) and
   * outTheta = vᵀ·∂r/∂θ (length nParams). Both are overwritten.
   */
  vjp(
    x: Float64Array,
    u: Float64Array,
    theta: Float64Array,
    v: Float64Array,
    outX: Float64Array,
    outTheta: Float64Array,
  ): void;
}
