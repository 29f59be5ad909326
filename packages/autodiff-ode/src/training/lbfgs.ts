/**
 * Limited-memory BFGS (Liu & Nocedal 1989, "On the limited memory BFGS method for large scale
 * optimization", Math. Programming 45) with a strong-Wolfe line search (Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., Algorithms 3.5 and 3.6, cubic interpolation eq. 3.59).
 */

/**
 * f(x), with ∇f(x) written into `grad`. A non-finite value (or gradient) marks x as a rejected
 * trial point, e.g. a solve that failed there: the line search shrinks the step.
 */
export type LBFGSObjective = (x: Float64Array, grad: Float64Array) => number;

/** One accepted L-BFGS step. */
export interface LBFGSIteration {
  iteration: number;
  f: number;
  /** ‖∇f‖∞ at the new point. */
  gradNorm: number;
  /** Accepted step length along the search direction. */
  step: number;
  /** Objective evaluations in this iteration's line search. */
  evaluations: number;
}

/** Options of `LBFGS.minimize`. */
export interface LBFGSOptions {
  /** Most iterations (default 100). */
  iterations?: number;
  /** Stop when ‖∇f‖∞ ≤ tolerance (default 1e-8). */
  tolerance?: number;
  /** Most objective evaluations in one line search (default 20). */
  lineSearchEvaluations?: number;
  /** Sufficient-decrease constant of the Wolfe conditions (default 1e-4). */
  c1?: number;
  /** Curvature constant of the strong Wolfe conditions (default 0.9). */
  c2?: number;
  onIteration?: (info: LBFGSIteration) => void;
}

/** Outcome of a minimisation; x holds the best point found. */
export interface LBFGSResult {
  /**
   * 'converged': ‖∇f‖∞ ≤ tolerance. 'iterations': the iteration limit was reached. 'stalled': no
   * step along the steepest-descent direction decreases f (round-off level, or only rejected
   * trial points). 'failed': f or ∇f is not finite at the starting point.
   */
  status: 'converged' | 'iterations' | 'stalled' | 'failed';
  message: string;
  f: number;
  gradNorm: number;
  iterations: number;
  evaluations: number;
}

function dot(a: Float64Array, b: Float64Array, aOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[aOff + i]! * b[i]!;
  return s;
}

function infNorm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (!(v <= s)) s = v;
  }
  return s;
}

/** Correction pairs (slot k at k·n), their 1/sᵀy, and the per-step vectors. */
interface Workspace {
  S: Float64Array;
  Y: Float64Array;
  rho: Float64Array;
  alpha: Float64Array;
  g: Float64Array;
  d: Float64Array;
  xTrial: Float64Array;
  gTrial: Float64Array;
  xLo: Float64Array;
  gLo: Float64Array;
}

/**
 * An L-BFGS minimiser over n variables keeping `memory` correction pairs. Its workspaces are
 * allocated once, so one instance runs any number of minimisations without allocating per step.
 */
export class LBFGS {
  readonly n: number;
  readonly memory: number;
  private readonly ws: Workspace;
  /** Stored pairs and the slot of the newest. */
  private pairs = 0;
  private newest = -1;
  /** sᵀy / yᵀy of the newest pair: H0 = γI (Nocedal & Wright eq. 7.20). */
  private gamma = 1;
  /** f at xTrial, the latest accepted line-search point. */
  private fTrial = Number.NaN;
  private evaluations = 0;

  constructor(n: number, memory = 10) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`LBFGS: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(memory) || memory < 1)
      throw new RangeError(`LBFGS: memory must be a positive integer, got ${memory}`);
    this.n = n;
    this.memory = memory;
    this.ws = {
      S: new Float64Array(memory * n),
      Y: new Float64Array(memory * n),
      rho: new Float64Array(memory),
      alpha: new Float64Array(memory),
      g: new Float64Array(n),
      d: new Float64Array(n),
      xTrial: new Float64Array(n),
      gTrial: new Float64Array(n),
      xLo: new Float64Array(n),
      gLo: new Float64Array(n),
    };
  }

  /** Minimise `objective` from x (updated in place to the best point found). */
  minimize(objective: LBFGSObjective, x: Float64Array, options: LBFGSOptions = {}): LBFGSResult {
    const n = this.n;
    if (x.length !== n) throw new RangeError(`LBFGS.minimize: x has length ${x.length}, the minimiser ${n}`);
    const iterations = options.iterations ?? 100;
    const tol = options.tolerance ?? 1e-8;
    const maxLs = options.lineSearchEvaluations ?? 20;
    const c1 = options.c1 ?? 1e-4;
    const c2 = options.c2 ?? 0.9;
    if (!(c1 > 0 && c1 < c2 && c2 < 1))
      throw new RangeError(`LBFGS.minimize: need 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}`);
    const { g, d, xTrial, gTrial } = this.ws;
    this.pairs = 0;
    this.newest = -1;
    this.evaluations = 1;
    let f = objective(x, g);
    let gnorm = infNorm(g);
    const result = (status: LBFGSResult['status'], message: string, it: number): LBFGSResult => ({
      status,
      message,
      f,
      gradNorm: gnorm,
      iterations: it,
      evaluations: this.evaluations,
    });
    if (!Number.isFinite(f) || !Number.isFinite(gnorm))
      return result('failed', `f = ${f}, ‖∇f‖∞ = ${gnorm} at the starting point`, 0);
    if (gnorm <= tol) return result('converged', `‖∇f‖∞ = ${gnorm} ≤ ${tol}`, 0);

    for (let it = 1; it <= iterations; it++) {
      const before = this.evaluations;
      let step = 0;
      // A failed search along the quasi-Newton direction is retried once along −∇f with the
      // memory cleared (its curvature pairs may describe a region the iterate has left).
      for (let attempt = 0; attempt < 2 && step === 0; attempt++) {
        if (attempt === 1) {
          if (this.pairs === 0) break;
          this.pairs = 0;
        }
        this.direction();
        let slope = dot(g, d, 0, n);
        if (!(slope < 0)) {
          this.pairs = 0;
          this.direction();
          slope = dot(g, d, 0, n);
        }
        // Without curvature information the first trial moves a unit distance along −∇f.
        const a0 = this.pairs === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
        step = this.lineSearch(objective, x, f, slope, a0, maxLs, c1, c2);
      }
      if (step === 0) return result('stalled', `line search found no decrease at iteration ${it}`, it - 1);
      this.remember(x);
      x.set(xTrial);
      g.set(gTrial);
      f = this.fTrial;
      gnorm = infNorm(g);
      options.onIteration?.({
        iteration: it,
        f,
        gradNorm: gnorm,
        step,
        evaluations: this.evaluations - before,
      });
      if (gnorm <= tol) return result('converged', `‖∇f‖∞ = ${gnorm} ≤ ${tol}`, it);
    }
    return result('iterations', `${iterations} iterations`, iterations);
  }

  /** d = −H∇f by the two-loop recursion (Nocedal & Wright, Algorithm 7.4). */
  private direction(): void {
    const { n, memory } = this;
    const { S, Y, rho, alpha, g, d } = this.ws;
    for (let i = 0; i < n; i++) d[i] = g[i]!;
    let k = this.newest;
    for (let c = 0; c < this.pairs; c++) {
      const a = rho[k]! * dot(S, d, k * n, n);
      alpha[k] = a;
      const o = k * n;
      for (let i = 0; i < n; i++) d[i] -= a * Y[o + i]!;
      k = (k - 1 + memory) % memory;
    }
    if (this.pairs > 0) {
      const gamma = this.gamma;
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let c = 0; c < this.pairs; c++) {
      k = (k + 1) % memory;
      const o = k * n;
      const b = alpha[k]! - rho[k]! * dot(Y, d, o, n);
      for (let i = 0; i < n; i++) d[i] += b * S[o + i]!;
    }
    for (let i = 0; i < n; i++) d[i] = -d[i]!;
  }

  /** Store s = xTrial − x, y = gTrial − g when sᵀy > 0 (keeping H positive definite). */
  private remember(x: Float64Array): void {
    const { n, memory } = this;
    const { S, Y, rho, g, xTrial, gTrial } = this.ws;
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const s = xTrial[i]! - x[i]!;
      const y = gTrial[i]! - g[i]!;
      sy += s * y;
      ss += s * s;
      yy += y * y;
    }
    // A pair with almost no curvature along s would make H nearly singular or indefinite.
    if (!(sy > 1e-12 * Math.sqrt(ss * yy))) return;
    const k = (this.newest + 1) % memory;
    const o = k * n;
    for (let i = 0; i < n; i++) {
      S[o + i] = xTrial[i]! - x[i]!;
      Y[o + i] = gTrial[i]! - g[i]!;
    }
    rho[k] = 1 / sy;
    this.gamma = sy / yy;
    this.newest = k;
    if (this.pairs < memory) this.pairs++;
  }

  /** f and ∇f at x + a·d into xTrial, gTrial; returns f (NaN when f or ∇f is not finite). */
  private trial(objective: LBFGSObjective, x: Float64Array, a: number): number {
    const n = this.n;
    const { d, xTrial, gTrial } = this.ws;
    for (let i = 0; i < n; i++) xTrial[i] = x[i]! + a * d[i]!;
    this.evaluations++;
    const f = objective(xTrial, gTrial);
    return Number.isFinite(f) && Number.isFinite(dot(gTrial, gTrial, 0, n)) ? f : Number.NaN;
  }

  /**
   * Strong-Wolfe line search along d from x (f0, slope φ'(0) < 0): the accepted point is left in
   * xTrial, gTrial, fTrial and its step returned, or 0 when no point with sufficient decrease
   * was found within `maxEvals` evaluations.
   */
  private lineSearch(
    objective: LBFGSObjective,
    x: Float64Array,
    f0: number,
    slope: number,
    a0: number,
    maxEvals: number,
    c1: number,
    c2: number,
  ): number {
    const n = this.n;
    const { d, xTrial, gTrial, xLo, gLo } = this.ws;
    // Bracket [lo, hi]: lo has sufficient decrease and the lowest f so far (a = 0 is x itself);
    // hi is NaN-valued when its trial point was rejected.
    let aLo = 0;
    let fLo = f0;
    let dLo = slope;
    let aHi = Number.NaN;
    let fHi = Number.NaN;
    let dHi = Number.NaN;
    let a = a0;
    let bracketed = false;
    for (let evals = 0; evals < maxEvals; evals++) {
      if (bracketed) {
        const width = aHi - aLo;
        if (Math.abs(width) <= 1e-16 * Math.max(Math.abs(aLo), Math.abs(aHi))) break;
        a = aLo + 0.5 * width;
        if (Number.isFinite(fHi)) {
          // Minimiser of the cubic through both ends (eq. 3.59), kept 10% inside the bracket.
          const d1 = dLo + dHi - (3 * (fLo - fHi)) / (aLo - aHi);
          const disc = d1 * d1 - dLo * dHi;
          if (disc >= 0) {
            const d2 = Math.sign(aHi - aLo) * Math.sqrt(disc);
            const c = aHi - (aHi - aLo) * ((dHi + d2 - d1) / (dHi - dLo + 2 * d2));
            const lo = Math.min(aLo, aHi) + 0.1 * Math.abs(width);
            const hi = Math.max(aLo, aHi) - 0.1 * Math.abs(width);
            if (Number.isFinite(c)) a = Math.min(Math.max(c, lo), hi);
          }
        }
      }
      const fa = this.trial(objective, x, a);
      const da = dot(gTrial, d, 0, n);
      if (Number.isNaN(fa) || fa > f0 + c1 * a * slope || fa >= fLo) {
        aHi = a;
        fHi = fa;
        dHi = da;
        bracketed = true;
        continue;
      }
      if (Math.abs(da) <= -c2 * slope) {
        this.fTrial = fa;
        return a;
      }
      if (bracketed ? da * (aHi - aLo) >= 0 : da >= 0) {
        aHi = aLo;
        fHi = fLo;
        dHi = dLo;
        bracketed = true;
      }
      aLo = a;
      fLo = fa;
      dLo = da;
      xLo.set(xTrial);
      gLo.set(gTrial);
      if (!bracketed) a *= 4;
    }
    // Out of evaluations: take the best point with sufficient decrease (curvature may not hold;
    // `remember` then drops the pair).
    if (aLo === 0) return 0;
    xTrial.set(xLo);
    gTrial.set(gLo);
    this.fTrial = fLo;
    return aLo;
  }
}
