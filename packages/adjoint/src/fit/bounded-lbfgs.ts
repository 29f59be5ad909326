/**
 * Box-constrained minimisation by a projected limited-memory BFGS method with an active set.
 *
 * The method belongs to the family of L-BFGS-B and of projected quasi-Newton methods:
 *   - R. H. Byrd, P. Lu, J. Nocedal and C. Zhu, "A limited memory algorithm for bound constrained
 *     optimization", SIAM J. Sci. Comput. 16(5):1190–1208, 1995;
 *   - D. Kim, S. Sra and I. S. Dhillon, "Tackling box-constrained optimization via a new projected
 *     quasi-Newton approach", SIAM J. Sci. Comput. 32(6):3548–3563, 2010;
 *   - D. P. Bertsekas, "Projected Newton methods for optimization problems with simple
 *     constraints", SIAM J. Control Optim. 20(2):221–246, 1982 (binding set, Armijo rule along
 *     the projection arc);
 *   - J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., 2006, Alg. 7.4 (two-loop
 *     recursion) and §7.2 (initial scaling γ = sᵀy / yᵀy).
 * It is not L-BFGS-B itself (no generalised Cauchy point and no subspace minimisation of the
 * compact representation); each iteration is:
 *   1. the binding set: variables at a bound whose gradient points out of the box (and variables
 *      with lower = upper) are held fixed;
 *   2. the two-loop recursion over the stored pairs, with every inner product restricted to the
 *      free variables (a pair whose restricted curvature s_Fᵀy_F is not positive is skipped there),
 *      gives d = −H_F g_F; components of d that would leave the box at a variable already on its
 *      bound are zeroed, so a short step never hits the projection;
 *   3. if d is not a descent direction (gᵀd ≥ 0, or not finite), the memory is reset and d is the
 *      negative gradient on the free variables (the negative projected gradient);
 *   4. a backtracking Armijo search along the projected path x(α) = P(x + α d), sufficient decrease
 *      being f(x(α)) ≤ f(x) + c₁ ∇f(x)ᵀ(x(α) − x), with a safeguarded quadratic interpolation; a
 *      trial point where f or ∇f is not finite is rejected and the step shrinks by 4;
 *   5. the pair (s, y) = (x⁺ − x, ∇f⁺ − ∇f) is stored when sᵀy > ε·yᵀy (ε = machine epsilon).
 * Stopping (in this order at each point): ‖P(x − ∇f) − x‖∞ ≤ gtol; the iteration limit; the
 * evaluation limit; and after each iteration (f⁻ − f⁺) / max(|f⁻|, |f⁺|, 1) ≤ ftol (scipy's
 * factr·eps test).
 *
 * Every workspace is allocated once per call; the iteration and the line search allocate nothing
 * (bar the info object handed to `onIteration`, when one is given).
 */

/**
 * The objective: writes ∇f(x) into grad (which arrives NaN-filled, so an entry left unwritten is
 * caught) and returns f(x). A non-finite value or gradient entry marks x as rejected (e.g. an ODE
 * solve failed there): the line search backs off. It must not modify x. An exception it throws is
 * not caught.
 */
export type BoundedObjective = (x: Float64Array, grad: Float64Array) => number;

/** What `onIteration` receives after each completed iteration. */
export interface BoundedIterationInfo {
  /** Completed iterations so far (1 after the first). */
  iteration: number;
  /** f at the new iterate. */
  f: number;
  /** ‖P(x − ∇f) − x‖∞ at the new iterate. */
  projectedGradientNorm: number;
  /** Objective evaluations so far (line-search trials included). */
  evaluations: number;
}

export interface MinimizeBoundedOptions {
  /** Number of stored (s, y) pairs (default 10). */
  memory?: number;
  /** Stop when ‖P(x − ∇f) − x‖∞ ≤ gtol (default 1e-8). */
  gtol?: number;
  /** Stop when an iteration reduces f by at most ftol·max(|f|, 1) (default 1e-12). */
  ftol?: number;
  /** Iteration limit (default 200). */
  maxIterations?: number;
  /** Limit on objective evaluations, the start point's included (default 2000). */
  maxEvaluations?: number;
  /** Called after each completed iteration. */
  onIteration?: (info: BoundedIterationInfo) => void;
}

export type MinimizeBoundedStatus = 'converged' | 'max-iterations' | 'max-evaluations' | 'failed';

export interface MinimizeBoundedResult {
  /** The last accepted point (the projected start when nothing was accepted). */
  x: Float64Array;
  /** f(x) (for a failed start, the non-finite value f returned). */
  f: number;
  /** ∇f(x). */
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  /**
   * 'failed' with a non-finite f: the start point was rejected. 'failed' with a finite f: the line
   * search found no sufficient decrease from x (an inaccurate gradient, or a noisy f such as one
   * through adaptive ODE solves near its optimum); x is then still the best point found.
   */
  status: MinimizeBoundedStatus;
  /** One line: which test stopped the iteration, or why it failed. */
  reason: string;
  /** ‖P(x − ∇f) − x‖∞ at x. */
  projectedGradientNorm: number;
}

/** Curvature threshold: a pair is stored only when sᵀy > CURVATURE_EPS · yᵀy. */
const CURVATURE_EPS = Number.EPSILON;
/** Armijo constant c₁. */
const ARMIJO_C1 = 1e-4;
/** Trials of one line search before it gives up. */
const MAX_TRIALS = 60;
/** Step factor after a trial where f or ∇f was not finite. */
const REJECT_SHRINK = 0.25;

const LS_OK = 0;
const LS_BUDGET = 1;
const LS_NO_DECREASE = 2;
const LS_NON_FINITE = 3;
const LS_STALLED = 4;

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toExponential(3) : String(v);
}

function checkCount(
  name: string,
  v: number | undefined,
  def: number,
  min: number,
  allowInfinity: boolean,
): number {
  if (v === undefined) return def;
  const ok =
    typeof v === 'number' &&
    (Number.isInteger(v) || (allowInfinity && v === Number.POSITIVE_INFINITY)) &&
    v >= min;
  if (!ok) {
    throw new RangeError(
      `minimizeBounded: options.${name} must be an integer ≥ ${min}${allowInfinity ? ' (or Infinity)' : ''}, got ${v}`,
    );
  }
  return v;
}

function checkTolerance(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !(v >= 0)) {
    throw new RangeError(`minimizeBounded: options.${name} must be a number ≥ 0, got ${v}`);
  }
  return v;
}

/**
 * Minimise f over the box lower ≤ x ≤ upper (±Infinity allowed; lower[i] = upper[i] fixes x[i])
 * from x0, which is first projected into the box. Throws RangeError for malformed arguments; a bad
 * function value never throws (it is rejected, or reported with status 'failed').
 */
export function minimizeBounded(
  f: BoundedObjective,
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  options: MinimizeBoundedOptions = {},
): MinimizeBoundedResult {
  if (typeof f !== 'function')
    throw new TypeError('minimizeBounded: f must be a function (x, grad) => number');
  const n = x0.length;
  if (lower.length !== n || upper.length !== n) {
    throw new RangeError(
      `minimizeBounded: x0, lower and upper must have the same length (got ${n}, ${lower.length}, ${upper.length})`,
    );
  }
  for (let i = 0; i < n; i++) {
    const l = lower[i];
    const u = upper[i];
    if (typeof l !== 'number' || Number.isNaN(l))
      throw new RangeError(`minimizeBounded: lower[${i}] is ${l}, not a number`);
    if (typeof u !== 'number' || Number.isNaN(u))
      throw new RangeError(`minimizeBounded: upper[${i}] is ${u}, not a number`);
    if (l > u) throw new RangeError(`minimizeBounded: lower[${i}] = ${l} exceeds upper[${i}] = ${u}`);
    if (l === Number.POSITIVE_INFINITY || u === Number.NEGATIVE_INFINITY) {
      throw new RangeError(`minimizeBounded: bounds [${l}, ${u}] of x[${i}] contain no finite value`);
    }
    const v = x0[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`minimizeBounded: x0[${i}] is ${v}; the start point must be finite`);
    }
  }
  const m = checkCount('memory', options.memory, 10, 1, false);
  const gtol = checkTolerance('gtol', options.gtol, 1e-8);
  const ftol = checkTolerance('ftol', options.ftol, 1e-12);
  const maxIterations = checkCount('maxIterations', options.maxIterations, 200, 0, true);
  const maxEvaluations = checkCount('maxEvaluations', options.maxEvaluations, 2000, 1, true);
  const onIteration = options.onIteration;
  if (onIteration !== undefined && typeof onIteration !== 'function') {
    throw new TypeError('minimizeBounded: options.onIteration must be a function');
  }

  // Workspaces, once per call.
  const lo = Float64Array.from(lower);
  const hi = Float64Array.from(upper);
  let x = new Float64Array(n);
  let g = new Float64Array(n);
  let xt = new Float64Array(n);
  let gt = new Float64Array(n);
  const d = new Float64Array(n);
  const free = new Uint8Array(n);
  const S = new Float64Array(m * n);
  const Y = new Float64Array(m * n);
  const rhoF = new Float64Array(m);
  const alphaK = new Float64Array(m);
  let head = 0; // slot the next pair goes to
  let count = 0; // stored pairs

  for (let i = 0; i < n; i++) {
    const v = x0[i]!;
    x[i] = v < lo[i]! ? lo[i]! : v > hi[i]! ? hi[i]! : v;
  }

  let evaluations = 0;
  let iterations = 0;
  /** Index of the non-finite gradient entry of the last rejected evaluation (−1: the value). */
  let badIndex = -1;
  /** The value f returned at the last evaluation, finite or not. */
  let rawValue = Number.NaN;

  /** f at xe with ∇f into ge; NaN when the point is rejected. */
  const evaluate = (xe: Float64Array, ge: Float64Array): number => {
    evaluations++;
    ge.fill(Number.NaN);
    const v = f(xe, ge);
    rawValue = v;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      badIndex = -1;
      return Number.NaN;
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(ge[i]!)) {
        badIndex = i;
        return Number.NaN;
      }
    }
    return v;
  };

  const projectedGradientNorm = (xe: Float64Array, ge: Float64Array): number => {
    let r = 0;
    for (let i = 0; i < n; i++) {
      let p = xe[i]! - ge[i]!;
      if (p < lo[i]!) p = lo[i]!;
      else if (p > hi[i]!) p = hi[i]!;
      const a = Math.abs(p - xe[i]!);
      if (a > r || Number.isNaN(a)) r = a;
    }
    return r;
  };

  let fx = evaluate(x, g);
  if (Number.isNaN(fx)) {
    const why =
      badIndex < 0
        ? `f is ${rawValue} there`
        : `gradient entry ${badIndex} is ${g[badIndex]} there (not finite, or left unwritten)`;
    return {
      x,
      f: rawValue,
      grad: g,
      iterations: 0,
      evaluations,
      status: 'failed',
      reason: `the objective is not finite at the (projected) start point: ${why}`,
      projectedGradientNorm: projectedGradientNorm(x, g),
    };
  }
  let pgn = projectedGradientNorm(x, g);

  const finish = (status: MinimizeBoundedStatus, reason: string): MinimizeBoundedResult => ({
    x,
    f: fx,
    grad: g,
    iterations,
    evaluations,
    status,
    reason,
    projectedGradientNorm: pgn,
  });

  /** The binding set: free[i] = 0 for variables held at their bound this iteration. */
  const markFree = (): void => {
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const gi = g[i]!;
      const fixed = lo[i] === hi[i] || (xi <= lo[i]! && gi > 0) || (xi >= hi[i]! && gi < 0);
      free[i] = fixed ? 0 : 1;
    }
  };

  /**
   * d = −H g on the free variables by the two-loop recursion (inner products over the free
   * variables only), 0 on the fixed ones. Returns the number of pairs used.
   */
  const quasiNewtonDirection = (): number => {
    for (let i = 0; i < n; i++) d[i] = free[i] ? g[i]! : 0;
    let used = 0;
    let gamma = 1;
    for (let k = 0; k < count; k++) {
      const slot = (head - 1 - k + 2 * m) % m;
      const off = slot * n;
      let sy = 0;
      let yy = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        if (!free[i]) continue;
        const s = S[off + i]!;
        const y = Y[off + i]!;
        sy += s * y;
        yy += y * y;
        sq += s * d[i]!;
      }
      if (!(sy > CURVATURE_EPS * yy)) {
        rhoF[slot] = 0;
        continue;
      }
      const rho = 1 / sy;
      rhoF[slot] = rho;
      const a = rho * sq;
      alphaK[slot] = a;
      for (let i = 0; i < n; i++) if (free[i]) d[i] -= a * Y[off + i]!;
      if (used === 0) gamma = sy / yy;
      used++;
    }
    if (used === 0) {
      for (let i = 0; i < n; i++) d[i] = -d[i]!;
      return 0;
    }
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = count - 1; k >= 0; k--) {
      const slot = (head - 1 - k + 2 * m) % m;
      const rho = rhoF[slot]!;
      if (rho === 0) continue;
      const off = slot * n;
      let yr = 0;
      for (let i = 0; i < n; i++) if (free[i]) yr += Y[off + i]! * d[i]!;
      const c = alphaK[slot]! - rho * yr;
      for (let i = 0; i < n; i++) if (free[i]) d[i] += c * S[off + i]!;
    }
    for (let i = 0; i < n; i++) d[i] = -d[i]!;
    return used;
  };

  /** The negative gradient on the free variables. */
  const steepestDirection = (): void => {
    for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i]! : 0;
  };

  /** Zero the components of d that leave the box at a variable on its bound; returns gᵀd. */
  const clipAndSlope = (): number => {
    let gd = 0;
    for (let i = 0; i < n; i++) {
      const di = d[i]!;
      if ((di < 0 && x[i]! <= lo[i]!) || (di > 0 && x[i]! >= hi[i]!)) d[i] = 0;
      else gd += g[i]! * di;
    }
    return gd;
  };

  /** First trial step: 1 for a quasi-Newton direction, at most a unit move for a gradient one. */
  const firstStep = (scaled: boolean): number => {
    if (scaled) return 1;
    let dmax = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(d[i]!);
      if (a > dmax) dmax = a;
    }
    return dmax > 1 ? 1 / dmax : 1;
  };

  let fNew = Number.NaN;
  let lsTrials = 0;
  let lsLastF = Number.NaN;

  /** Backtracking Armijo search along P(x + α d) into (xt, gt, fNew). */
  const lineSearch = (alpha: number): number => {
    let sawFinite = false;
    lsTrials = 0;
    lsLastF = Number.NaN;
    for (let trial = 0; trial < MAX_TRIALS; trial++) {
      if (evaluations >= maxEvaluations) return LS_BUDGET;
      let moved = false;
      let dec = 0;
      for (let i = 0; i < n; i++) {
        const xi = x[i]!;
        let v = xi + alpha * d[i]!;
        if (v < lo[i]!) v = lo[i]!;
        else if (v > hi[i]!) v = hi[i]!;
        xt[i] = v;
        if (v !== xi) {
          moved = true;
          dec += g[i]! * (v - xi);
        }
      }
      if (!moved) return sawFinite || trial === 0 ? LS_STALLED : LS_NON_FINITE;
      lsTrials++;
      const ft = evaluate(xt, gt);
      lsLastF = ft;
      if (Number.isNaN(ft)) {
        alpha *= REJECT_SHRINK;
        continue;
      }
      sawFinite = true;
      if (dec < 0 && ft <= fx + ARMIJO_C1 * dec) {
        fNew = ft;
        return LS_OK;
      }
      // Safeguarded minimiser of the quadratic through f(x), the slope dec/α and f(x(α)).
      let next = 0.5 * alpha;
      if (dec < 0) {
        const curv = (ft - fx - dec) / (alpha * alpha);
        if (curv > 0) {
          const aq = -dec / alpha / (2 * curv);
          next = aq < 0.1 * alpha ? 0.1 * alpha : aq > 0.5 * alpha ? 0.5 * alpha : aq;
        }
      }
      alpha = next;
    }
    return sawFinite ? LS_NO_DECREASE : LS_NON_FINITE;
  };

  const lineSearchFailure = (code: number, direction: string): string => {
    const where = `at f = ${fmt(fx)}, projected gradient norm ${fmt(pgn)}`;
    if (code === LS_NON_FINITE) {
      return `line search along the ${direction} found no point where f and its gradient are finite (${lsTrials} trials ${where})`;
    }
    if (code === LS_STALLED) {
      return `line search along the ${direction} shrank the step below rounding without sufficient decrease ${where} (an inaccurate gradient, or the precision limit)`;
    }
    return `line search along the ${direction} found no sufficient decrease in ${lsTrials} trials ${where} (last trial f = ${fmt(lsLastF)}; an inaccurate gradient?)`;
  };

  for (;;) {
    if (pgn <= gtol) return finish('converged', `projected gradient norm ${fmt(pgn)} ≤ gtol ${fmt(gtol)}`);
    if (iterations >= maxIterations) {
      return finish(
        'max-iterations',
        `reached maxIterations = ${maxIterations} with projected gradient norm ${fmt(pgn)}`,
      );
    }
    if (evaluations >= maxEvaluations) {
      return finish(
        'max-evaluations',
        `reached maxEvaluations = ${maxEvaluations} with projected gradient norm ${fmt(pgn)}`,
      );
    }

    markFree();
    let used = count > 0 ? quasiNewtonDirection() : 0;
    if (used === 0) steepestDirection();
    let gd = clipAndSlope();
    if (!(gd < 0) && used > 0) {
      // Not a descent direction on the free set: forget the curvature, take the projected gradient.
      count = 0;
      head = 0;
      used = 0;
      steepestDirection();
      gd = clipAndSlope();
    }
    if (!(gd < 0)) {
      // Unreachable with pgn > gtol unless the free gradient underflows when squared.
      return finish('converged', `projected gradient vanishes numerically (norm ${fmt(pgn)})`);
    }

    let code = lineSearch(firstStep(used > 0));
    let direction = used > 0 ? 'quasi-Newton direction' : 'projected steepest-descent path';
    if (code !== LS_OK && code !== LS_BUDGET && used > 0) {
      count = 0;
      head = 0;
      steepestDirection();
      gd = clipAndSlope();
      direction = 'projected steepest-descent path (after a failed quasi-Newton step)';
      code = gd < 0 ? lineSearch(firstStep(false)) : LS_STALLED;
    }
    if (code === LS_BUDGET) {
      return finish(
        'max-evaluations',
        `reached maxEvaluations = ${maxEvaluations} in a line search, projected gradient norm ${fmt(pgn)}`,
      );
    }
    if (code !== LS_OK) return finish('failed', lineSearchFailure(code, direction));

    // Curvature pair; stored only when sᵀy > ε·yᵀy.
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const s = xt[i]! - x[i]!;
      const y = gt[i]! - g[i]!;
      sy += s * y;
      yy += y * y;
    }
    if (sy > CURVATURE_EPS * yy) {
      const off = head * n;
      for (let i = 0; i < n; i++) {
        S[off + i] = xt[i]! - x[i]!;
        Y[off + i] = gt[i]! - g[i]!;
      }
      head = (head + 1) % m;
      if (count < m) count++;
    }

    const tx = x;
    x = xt;
    xt = tx;
    const tg = g;
    g = gt;
    gt = tg;
    const fPrev = fx;
    fx = fNew;
    iterations++;
    pgn = projectedGradientNorm(x, g);
    onIteration?.({ iteration: iterations, f: fx, projectedGradientNorm: pgn, evaluations });

    const rel = (fPrev - fx) / Math.max(Math.abs(fPrev), Math.abs(fx), 1);
    if (rel <= ftol && pgn > gtol) {
      return finish(
        'converged',
        `relative reduction of f ${fmt(rel)} ≤ ftol ${fmt(ftol)} in the last iteration`,
      );
    }
  }
}
