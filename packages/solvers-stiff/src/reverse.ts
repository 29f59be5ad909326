/**
 * @kinetica/solvers-stiff/reverse, in every environment: the taped solves and the transposed steps
 * of the discrete adjoint. `solveTaped` runs `solve`'s own loop with every accepted step recorded
 * and returns the method's `ReverseSweep` (`rodas5Reverse`, `radau5Reverse`, `bdfReverse`, or
 * ode-core's `explicitReverse`); `tapedMethodNames` lists the methods it accepts. Used by
 * `@kinetica/adjoint`'s 'discrete' mode; the Node root re-exports it, the browser root leaves it
 * out. The tape itself is `@kinetica/ode-core/reverse`.
 */
export { solveTaped, tapedMethodNames } from './taped';
export type { TapedSolve } from './taped';
export { rodas5Reverse } from './rosenbrock/rodas5-reverse';
export { radau5Reverse } from './implicit/radau5-reverse';
export { bdfReverse } from './implicit/bdf-reverse';
