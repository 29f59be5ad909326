/**
 * @kinetica/ode-core/reverse, in every environment: the reverse-mode machinery of the discrete
 * adjoint. `StepTape` records a loop's accepted steps (with `prep.tape` set), a method's
 * `ReverseSweep` runs them transposed, `explicitReverse(tableau)` is the explicit Runge–Kutta one
 * and `neededStages` the stages a taped explicit step keeps. Used by solvers-stiff's `solveTaped`
 * (`@kinetica/solvers-stiff/reverse`), `@kinetica/adjoint` and `@kinetica/autodiff-ode`; the Node
 * root re-exports it, the browser root leaves it out.
 */
export { StepTape } from './tape/tape';
export type { ReverseContext, ReverseSweep } from './tape/tape';
export { explicitReverse, neededStages } from './explicit/reverse';
