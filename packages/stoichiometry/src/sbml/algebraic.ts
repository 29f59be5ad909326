import type { Evaluator } from './compile-math';
import { SbmlUnsupportedError } from './errors';

/**
 * SBML algebraic rules 0 = g(…) (SBML L3V2 §4.9.4 and §4.11.5), simulated as an index-1 DAE by
 * eliminating the algebraic variables: every evaluation of the model (right-hand side, triggers,
 * output, initial values) solves g(y, z, t) = 0 for the variables z the rules determine, given the
 * differential states y and the time, by Newton's method. The solvers then see an ODE y' = f(t, y,
 * z(t, y)), so every method (explicit, Rosenbrock, BDF, Radau) handles it, and consistent
 * initialisation is the same solve at t0, started from the declared values.
 *
 * Chosen over an implicit DAE formulation (a mass matrix for Radau/BDF) because the solvers' public
 * interface is y' = f(t, y); because SBML algebraic rules are in practice small (conservation laws,
 * implicit parameters), so a dense Newton solve per evaluation is cheap; and because events, delays and
 * output then need nothing new (they already re-evaluate the model at (t, y)).
 *
 * Which variable each rule determines follows SBML's overdetermination check (§4.11.5): the rules
 * are matched to the symbols that nothing else determines (not constant, no assignment or rate rule,
 * not a species that reactions change, not assigned by events) by a maximum bipartite matching on the symbols each rule
 * reads. A rule left unmatched over-determines the model; a matching that could use another variable
 * (the choice is not unique) is refused too, since the simulation would depend on the choice.
 */

/** The outcome of matching algebraic rules to the variables they determine. */
export interface AlgebraicMatching {
  /** The variable each rule determines, by rule index. */
  readonly variableOf: readonly string[];
}

/**
 * Match algebraic rules to variables. `reads[i]` are the symbols rule i reads (now, not delayed);
 * `free` tells whether a symbol may be determined by an algebraic rule. Refuses (by name) a rule that
 * no variable is left for (over-determined) and a choice of variables that is not unique.
 */
export function matchAlgebraicRules(
  rules: ReadonlyArray<{ where: string; text: string; reads: ReadonlySet<string> }>,
  free: (symbol: string) => boolean,
): AlgebraicMatching {
  const edges = rules.map((r) => [...r.reads].filter(free).sort());
  const ruleOf = new Map<string, number>();
  const variableOf: string[] = rules.map(() => '');
  // Kuhn's augmenting paths (the systems are small).
  const augment = (i: number, seen: Set<string>): boolean => {
    for (const x of edges[i]!) {
      if (seen.has(x)) continue;
      seen.add(x);
      const other = ruleOf.get(x);
      if (other === undefined || augment(other, seen)) {
        ruleOf.set(x, i);
        variableOf[i] = x;
        return true;
      }
    }
    return false;
  };
  rules.forEach((r, i) => {
    if (augment(i, new Set())) return;
    const reads = [...r.reads].filter((s) => !s.startsWith('rateOf('));
    throw new SbmlUnsupportedError(
      'algebraicRule',
      `${r.where} (0 = ${r.text}) over-determines the model: ` +
        (edges[i]!.length === 0
          ? `none of the symbols it reads (${reads.join(', ') || 'none'}) is free to be determined by it ` +
            '(each is constant, set by an assignment or rate rule or by an event, or a species that ' +
            'reactions change)'
          : `its variables (${edges[i]!.join(', ')}) are all determined by other algebraic rules`),
    );
  });
  // The set of determined variables is unique exactly when no free variable left unmatched can take
  // a matched variable's place along an alternating path; the first step of such a path is a rule
  // that reads an unmatched free variable x (x could replace the variable that rule determines).
  const unmatched = new Set(edges.flat().filter((x) => !ruleOf.has(x)));
  edges.forEach((e, i) => {
    const x = e.find((s) => unmatched.has(s));
    if (x === undefined) return;
    throw new SbmlUnsupportedError(
      'algebraicRule',
      `${rules[i]!.where} (0 = ${rules[i]!.text}) has no unique variable to determine: ${variableOf[i]} or ` +
        `${x} (both are free: not constant and set by no other rule, reaction or event); the simulation ` +
        'would depend on the choice',
    );
  });
  return { variableOf };
}

/** Why the last algebraic solve failed (for the failure message), or undefined. */
export interface NewtonOutcome {
  ok: boolean;
  /** Set when !ok: a singular Jacobian at the start (no unique solution / index > 1), or no convergence. */
  reason?: 'singular' | 'diverged';
  iterations: number;
}

const EPS = 2.220446049250313e-16;

/**
 * Solve the residuals `g` (each on the value vector x) for the unknowns at `slots` of x, in place,
 * by damped Newton's method from the values now in x. `refresh(x)` recomputes what the residuals
 * read that depends on the unknowns (assignment rules, concentrations, …) before each residual
 * evaluation.
 *
 * The Jacobian is a forward-difference one (one residual evaluation per unknown, more where a step
 * relative to |z| changes no residual): the residuals are
 * compiled MathML closures (function definitions, piecewise, delays, …) with no derivative code, and
 * the blocks are tiny (one unknown per rule of a strongly connected group, usually one). Its error
 * only slows the convergence, never moves the root: convergence is judged on the Newton step with the
 * exact residual, run to a relative step of 1e-12 so that z(t, y) is smooth enough for the solvers'
 * own finite-difference Jacobians. Damping: the step is halved until the max-norm residual decreases
 * (up to 30 halvings).
 */
export function newtonSolve(
  x: Float64Array,
  slots: readonly number[],
  g: readonly Evaluator[],
  refresh: (x: Float64Array) => void,
): NewtonOutcome {
  const m = slots.length;
  const r = new Float64Array(m);
  const r1 = new Float64Array(m);
  const jac = new Float64Array(m * m);
  const z0 = new Float64Array(m);
  const dz = new Float64Array(m);
  const residual = (out: Float64Array): number => {
    refresh(x);
    let norm = 0;
    for (let i = 0; i < m; i++) {
      const value = g[i]!(x);
      out[i] = value;
      const a = Math.abs(value);
      norm = a > norm || Number.isNaN(a) ? a : norm;
    }
    return norm;
  };
  let norm = residual(r);
  for (let it = 1; it <= 60; it++) {
    if (norm === 0) return { ok: true, iterations: it - 1 };
    if (!Number.isFinite(norm)) return { ok: false, reason: 'diverged', iterations: it };
    for (let j = 0; j < m; j++) z0[j] = x[slots[j]!]!;
    for (let j = 0; j < m; j++) {
      const s = slots[j]!;
      // A step relative to |z|; where that changes no residual at all (z near 0 next to residual
      // terms of order 1: z + h rounds away), a larger one, up to 1e12 times.
      let h = Math.sqrt(EPS) * Math.max(Math.abs(z0[j]!), 1e-8);
      for (let tries = 0; tries < 5; tries++, h *= 1e3) {
        x[s] = z0[j]! + h;
        const hh = x[s]! - z0[j]!;
        residual(r1);
        let moved = false;
        for (let i = 0; i < m; i++) {
          jac[i * m + j] = (r1[i]! - r[i]!) / hh;
          if (r1[i] !== r[i]) moved = true;
        }
        if (moved) break;
      }
      x[s] = z0[j]!;
    }
    for (let i = 0; i < m; i++) dz[i] = -r[i]!;
    if (!solveDense(jac, dz, m)) {
      residual(r);
      // Singular where the solve starts: the rules do not determine the unknowns (locally); later:
      // the iteration ran into a singular point, having found no solution.
      return { ok: false, reason: it === 1 ? 'singular' : 'diverged', iterations: it };
    }
    let lambda = 1;
    let next = Number.NaN;
    for (let k = 0; k < 30; k++, lambda /= 2) {
      for (let j = 0; j < m; j++) x[slots[j]!] = z0[j]! + lambda * dz[j]!;
      next = residual(r1);
      if (next < norm || (next === norm && next === 0)) break;
    }
    let small = true;
    for (let j = 0; j < m; j++) {
      if (Math.abs(lambda * dz[j]!) > 1e-12 * Math.abs(z0[j]!) + 1e-300) small = false;
    }
    if (!(next < norm)) {
      // No decrease: at the rounding floor when the full step is already tiny; otherwise stuck.
      let floor = true;
      for (let j = 0; j < m; j++) if (Math.abs(dz[j]!) > 1e-8 * Math.abs(z0[j]!) + 1e-280) floor = false;
      for (let j = 0; j < m; j++) x[slots[j]!] = z0[j]!;
      residual(r);
      return floor ? { ok: true, iterations: it } : { ok: false, reason: 'diverged', iterations: it };
    }
    r.set(r1);
    norm = next;
    if (small && lambda === 1) return { ok: true, iterations: it };
  }
  return { ok: false, reason: 'diverged', iterations: 60 };
}

/** Solve A·x = b in place (b becomes x) by Gaussian elimination with partial pivoting; false if singular. */
function solveDense(a: Float64Array, b: Float64Array, n: number): boolean {
  let scale = 0;
  for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(a[k]!));
  if (!(scale > 0) || !Number.isFinite(scale)) return false;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i * n + c]!) > Math.abs(a[p * n + c]!)) p = i;
    if (!(Math.abs(a[p * n + c]!) > 1e-13 * scale)) return false;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const tmp = a[c * n + k]!;
        a[c * n + k] = a[p * n + k]!;
        a[p * n + k] = tmp;
      }
      const tb = b[c]!;
      b[c] = b[p]!;
      b[p] = tb;
    }
    for (let i = c + 1; i < n; i++) {
      const f = a[i * n + c]! / a[c * n + c]!;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[i * n + k]! -= f * a[c * n + k]!;
      b[i]! -= f * b[c]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[i * n + k]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  return true;
}
