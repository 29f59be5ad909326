import { ComplexDenseSolver, DenseSolver } from './dense-solver';
import type { ComplexLinearSolver, JacobianLayout, LinearSolver } from './linear-solver';
import { minimumDegreeOrder } from './minimum-degree';
import { ComplexSparseLUSolver, SparseLUSolver } from './sparse-lu-solver';
import { BandOrdering, ComplexSparseSolver, SparseSolver } from './sparse-solver';
import type { SparsityPattern } from './sparsity-pattern';

/** The linear-algebra choice for one solve: a Jacobian layout and factories for its solvers. */
export interface LinearAlgebra {
  readonly layout: JacobianLayout;
  real(): LinearSolver;
  complex(): ComplexLinearSolver;
}

/**
 * Dense LU without a pattern. With one (and at least 16 states: below that dense LU wins on
 * constant factors): the RCM-reordered band solver when its work estimate beats dense LU by 2×,
 * else, from 64 states on, the general sparse LU when at most a tenth of the matrix is
 * structurally nonzero (its pointer chasing costs more than dense loops on smaller systems).
 */
export function selectLinearAlgebra(n: number, pattern?: SparsityPattern): LinearAlgebra {
  if (pattern && n >= 16) {
    const ordering = new BandOrdering(pattern);
    if (ordering.relativeCost() < 0.5) {
      return {
        layout: { kind: 'sparse', n, pattern },
        real: () => new SparseSolver(ordering),
        complex: () => new ComplexSparseSolver(ordering),
      };
    }
    if (n >= 64 && pattern.nnz <= 0.1 * n * n) {
      let order: Int32Array | undefined;
      const minimumDegree = () => (order ??= minimumDegreeOrder(pattern));
      return {
        layout: { kind: 'sparse', n, pattern },
        real: () => new SparseLUSolver(pattern, minimumDegree()),
        complex: () => new ComplexSparseLUSolver(pattern, minimumDegree()),
      };
    }
  }
  return {
    layout: { kind: 'dense', n },
    real: () => new DenseSolver(n),
    complex: () => new ComplexDenseSolver(n),
  };
}
