import type { SparsityPattern } from './sparsity-pattern';

/**
 * How a Jacobian J is stored: 'dense' is row-major n×n (the `jac` convention of ODEProblem);
 * 'sparse' is one value per entry of `pattern` in its CSR order.
 */
export type JacobianLayout =
  | { kind: 'dense'; n: number }
  | { kind: 'sparse'; n: number; pattern: SparsityPattern };

/**
 * Factors and solves the shifted systems (γI − J)·x = b that every implicit method needs
 * (Rosenbrock: γ = 1/(hγ_ii); Radau: γ = γ̂/h; BDF: γ = 1/(hβ)). The solver owns its matrix
 * storage, so `J` is never overwritten and can be reused across factorisations.
 */
export interface LinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  /** Factor γI − J; false when numerically singular. */
  factor(gamma: number, J: Float64Array): boolean;
  /** Overwrite `b` with (γI − J)⁻¹·b for the last factored γ, J. */
  solve(b: Float64Array): void;
}

/** Complex counterpart: factors (α + iβ)I − J and solves in split real/imaginary form. */
export interface ComplexLinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  factor(alpha: number, beta: number, J: Float64Array): boolean;
  solve(br: Float64Array, bi: Float64Array): void;
}
