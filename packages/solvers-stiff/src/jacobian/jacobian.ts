import type { JacobianFunction, RhsFunction, SolverStats } from '@kinetica/ode-core';
import type { JacobianLayout } from '../linalg/linear-solver';
import type { SparsityPattern } from '../linalg/sparsity-pattern';
import { groupColumns, transposeStructure } from './coloring';

/** Produces ∂f/∂y in the layout the linear solver wants, into a buffer it owns. */
export interface JacobianEvaluator {
  readonly layout: JacobianLayout;
  /** The last evaluated Jacobian (row-major n×n, or one value per pattern entry). */
  readonly J: Float64Array;
  /**
   * Evaluate at (t, y), where `fy` = f(t, y) is already known and `h` is the current step
   * (it sets the floor of finite-difference increments). Counts `stats.njev`.
   */
  evaluate(t: number, y: Float64Array, fy: Float64Array, h: number): void;
}

/** The user's analytic Jacobian (already counting njev), gathered into a sparse layout when needed. */
export class AnalyticJacobian implements JacobianEvaluator {
  readonly layout: JacobianLayout;
  readonly J: Float64Array;
  private readonly jac: JacobianFunction;
  private readonly full: Float64Array;

  constructor(jac: JacobianFunction, layout: JacobianLayout) {
    this.jac = jac;
    this.layout = layout;
    const n = layout.n;
    this.full = new Float64Array(n * n);
    this.J = layout.kind === 'dense' ? this.full : new Float64Array(layout.pattern.nnz);
  }

  evaluate(t: number, y: Float64Array, _fy: Float64Array, _h: number): void {
    const full = this.full;
    full.fill(0);
    this.jac(t, y, full);
    const layout = this.layout;
    if (layout.kind === 'sparse') {
      const { rowPtr, colIdx, n } = layout.pattern;
      const J = this.J;
      for (let i = 0; i < n; i++) {
        for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) J[k] = full[i * n + colIdx[k]!]!;
      }
    }
  }
}

/**
 * Forward-difference Jacobian. Increments follow CVODE's cvDenseDQJac: δ_j = max(√ε·|y_j|,
 * δ_min / w_j) with w_j = 1/(rtol·|y_j| + atol_j) and δ_min = 1000·|h|·ε·n·‖f‖_w, so that
 * components near zero (trace species) are perturbed on the scale the tolerances resolve rather
 * than by a round-off-dominated amount. With a sparsity pattern, structurally orthogonal
 * columns are perturbed together (Curtis–Powell–Reid): one f evaluation per column group.
 */
export class FiniteDifferenceJacobian implements JacobianEvaluator {
  readonly layout: JacobianLayout;
  readonly J: Float64Array;
  /** Number of f evaluations per Jacobian (column groups). */
  readonly ngroups: number;
  private readonly f: RhsFunction;
  private readonly stats: SolverStats;
  private readonly atol: Float64Array;
  private readonly rtol: number;
  private readonly plan: DifferencePlan;

  constructor(
    f: RhsFunction,
    layout: JacobianLayout,
    pattern: SparsityPattern | undefined,
    atol: Float64Array,
    rtol: number,
    stats: SolverStats,
  ) {
    const n = layout.n;
    this.f = f;
    this.layout = layout;
    this.stats = stats;
    this.atol = atol;
    this.rtol = rtol;
    if (layout.kind === 'sparse' && layout.pattern !== pattern)
      throw new TypeError('FiniteDifferenceJacobian: a sparse layout needs its own pattern');
    this.J = new Float64Array(layout.kind === 'dense' ? n * n : layout.pattern.nnz);
    this.plan = differencePlan(layout, pattern);
    this.ngroups = this.plan.groupPtr.length - 1;
  }

  evaluate(t: number, y: Float64Array, fy: Float64Array, h: number): void {
    const atol = this.atol;
    const rtol = this.rtol;
    const J = this.J;
    const { n, groupPtr, groupCols, colPtr, entryRow, entryDest, inc, ySaved, fPert } = this.plan;
    this.stats.njev++;
    const srur = Math.sqrt(Number.EPSILON);
    let fnorm = 0;
    for (let i = 0; i < n; i++) {
      const r = fy[i]! / (rtol * Math.abs(y[i]!) + atol[i]!);
      fnorm += r * r;
    }
    fnorm = Math.sqrt(fnorm / n);
    const minInc = fnorm > 0 && Number.isFinite(fnorm) ? 1000 * Math.abs(h) * Number.EPSILON * n * fnorm : 1;
    // Entries outside the pattern stay zero; a dense layout with a pattern relies on this.
    if (this.layout.kind === 'dense' && this.ngroups !== n) J.fill(0);
    for (let g = 0; g < this.ngroups; g++) {
      for (let p = groupPtr[g]!; p < groupPtr[g + 1]!; p++) {
        const j = groupCols[p]!;
        const yj = y[j]!;
        const scale = rtol * Math.abs(yj) + atol[j]!;
        let d = Math.max(srur * Math.abs(yj), minInc * scale);
        if (!(d > 0)) d = srur;
        ySaved[j] = yj;
        y[j] = yj + d;
        // The increment actually represented in floating point.
        inc[j] = y[j]! - yj;
      }
      this.f(t, y, fPert);
      for (let p = groupPtr[g]!; p < groupPtr[g + 1]!; p++) {
        const j = groupCols[p]!;
        y[j] = ySaved[j]!;
        const invInc = 1 / inc[j]!;
        for (let q = colPtr[j]!; q < colPtr[j + 1]!; q++) {
          const i = entryRow[q]!;
          J[entryDest[q]!] = (fPert[i]! - fy[i]!) * invInc;
        }
      }
    }
  }
}

/** Which columns go together and where each difference quotient lands; built once per solve. */
interface DifferencePlan {
  n: number;
  // Group g perturbs columns groupCols[groupPtr[g] … groupPtr[g+1]-1].
  groupPtr: Int32Array;
  groupCols: Int32Array;
  // Column j's entries: rows entryRow[colPtr[j] …] written to J[entryDest[…]].
  colPtr: Int32Array;
  entryRow: Int32Array;
  entryDest: Int32Array;
  inc: Float64Array;
  ySaved: Float64Array;
  fPert: Float64Array;
}

function differencePlan(layout: JacobianLayout, pattern: SparsityPattern | undefined): DifferencePlan {
  const n = layout.n;
  const work = { n, inc: new Float64Array(n), ySaved: new Float64Array(n), fPert: new Float64Array(n) };
  if (pattern === undefined) {
    return {
      ...work,
      groupPtr: Int32Array.from({ length: n + 1 }, (_, g) => g),
      groupCols: Int32Array.from({ length: n }, (_, j) => j),
      colPtr: Int32Array.from({ length: n + 1 }, (_, j) => j * n),
      entryRow: Int32Array.from({ length: n * n }, (_, k) => k % n),
      entryDest: Int32Array.from({ length: n * n }, (_, k) => (k % n) * n + Math.floor(k / n)),
    };
  }
  const { color, ngroups } = groupColumns(pattern);
  const groupPtr = new Int32Array(ngroups + 1);
  for (let j = 0; j < n; j++) groupPtr[color[j]! + 1]!++;
  for (let g = 0; g < ngroups; g++) groupPtr[g + 1]! += groupPtr[g];
  const next = groupPtr.slice(0, ngroups);
  const groupCols = new Int32Array(n);
  for (let j = 0; j < n; j++) groupCols[next[color[j]!]!++] = j;
  const { colPtr, rowIdx, csrIndex } = transposeStructure(pattern);
  const entryDest =
    layout.kind === 'sparse'
      ? csrIndex
      : Int32Array.from(rowIdx, (i, p) => i * n + pattern.colIdx[csrIndex[p]!]!);
  return { ...work, groupPtr, groupCols, colPtr, entryRow: rowIdx, entryDest };
}
