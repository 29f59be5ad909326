import type { PreparedSolve } from '@kinetica/ode-core';
import { type LinearAlgebra, selectLinearAlgebra } from '../linalg/select';
import { SparsityPattern } from '../linalg/sparsity-pattern';
import { AnalyticJacobian, FiniteDifferenceJacobian, type JacobianEvaluator } from './jacobian';

/** The Jacobian source and linear algebra an implicit method uses for one solve. */
export interface NewtonAlgebra {
  pattern?: SparsityPattern;
  algebra: LinearAlgebra;
  jacobian: JacobianEvaluator;
}

/**
 * Above this size a dense n×n analytic Jacobian costs more (O(n²) to clear and gather per
 * evaluation) than grouped finite differences on the sparsity pattern (O(nnz)), so with a
 * pattern the analytic `jac` is only used up to here.
 */
const DENSE_JAC_LIMIT = 200;

/**
 * Read `problem.jac` and `problem.jacSparsity`: the pattern picks dense or sparse storage
 * (`selectLinearAlgebra`) and drives grouped finite differences when there is no analytic
 * Jacobian, or when the system is too large for the analytic one's dense n×n layout to pay.
 */
export function setupNewtonAlgebra(prep: PreparedSolve): NewtonAlgebra {
  const { n, problem } = prep;
  const pattern =
    problem.jacSparsity === undefined ? undefined : SparsityPattern.fromRows(n, problem.jacSparsity);
  const algebra = selectLinearAlgebra(n, pattern);
  const jacobian =
    prep.jac !== undefined && (pattern === undefined || n <= DENSE_JAC_LIMIT)
      ? new AnalyticJacobian(prep.jac, algebra.layout)
      : new FiniteDifferenceJacobian(prep.f, algebra.layout, pattern, prep.atol, prep.rtol, prep.stats);
  const out: NewtonAlgebra = { algebra, jacobian };
  if (pattern !== undefined) out.pattern = pattern;
  return out;
}
