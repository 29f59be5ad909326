import { checkField, checkState, type ParametricField } from '../field';
import { type Eigenvalues, eigenvalues } from '../linalg/eigen';
import { dampedNewton } from '../steady-state/newton';
import { classifyStability, type Stability } from '../steady-state/stability';
import { type ConservationSpec, reductionFor } from '../steady-state/system';
import { EquilibriumManifold } from './augmented';
import { criticalPair, hopfTestFunction } from './test-functions';

/** Options of `continuation`. */
export interface ContinuationOptions {
  /** Index in p of the parameter (or constant control) that is continued. */
  index: number;
  /** Starting guess of the equilibrium at the nominal p[index]; refined by Newton first. */
  x0: ArrayLike<number>;
  /** The parameter interval; continuation stops once the branch leaves it. */
  range: readonly [number, number];
  /** Initial direction in the parameter: +1 (default) or −1. */
  direction?: 1 | -1;
  /** Initial, smallest and largest arclength steps. Defaults: 1%, 1e-9 and 5% of the range width. */
  ds?: number;
  dsMin?: number;
  dsMax?: number;
  /** Step limit. Default 2000. */
  maxSteps?: number;
  /** Newton tolerance of the corrector. Default 1e-10. */
  tol?: number;
  /** Relative arclength tolerance when locating special points. Default 1e-12. */
  locateTol?: number;
  /** Time at which f is evaluated. Default 0. */
  t?: number;
  /** Conservation laws; totals default to W·x0 and stay fixed along the branch. */
  conservation?: ConservationSpec;
}

/** One point of the branch. */
export interface BranchPoint {
  /** Parameter value. */
  p: number;
  /** Full equilibrium state. */
  x: Float64Array;
  eigenvalues: Eigenvalues;
  stability: Stability;
}

/** A located bifurcation. */
export interface SpecialPoint {
  /** 'fold': saddle-node (τ_λ = 0); 'hopf': a complex pair on the imaginary axis; 'branch-point': det A = 0. */
  type: 'fold' | 'hopf' | 'branch-point';
  p: number;
  x: Float64Array;
  eigenvalues: Eigenvalues;
  /** Position in `points` after which it lies. */
  after: number;
  /** Hopf only: angular frequency ω of the emerging oscillation (period 2π/ω). */
  omega?: number;
}

/** A continued branch of equilibria. */
export interface Branch {
  status: 'success' | 'failed';
  /** Empty on success, otherwise why it stopped (naming the parameter value). */
  message: string;
  index: number;
  points: BranchPoint[];
  special: SpecialPoint[];
}

/**
 * One-parameter continuation of equilibria by pseudo-arclength (Keller 1977): tangent predictor,
 * Newton corrector on the hyperplane orthogonal to the tangent, adaptive step. Folds, Hopf points
 * and branch points are detected by sign changes of their test functions (τ_λ, ψ_H, det A) and
 * located by Illinois regula falsi on the arclength, each trial point corrected back onto the branch.
 */
export function continuation(field: ParametricField, options: ContinuationOptions): Branch {
  const where = 'continuation';
  checkField(field, where);
  const { index, x0, range } = options;
  if (!Number.isInteger(index) || index < 0 || index >= field.p.length) {
    throw new RangeError(`${where}: index must be an integer in [0, ${field.p.length - 1}], got ${index}`);
  }
  checkState(x0, field.n, `${where}: x0`);
  const lo = Math.min(range?.[0] ?? Number.NaN, range?.[1] ?? Number.NaN);
  const hi = Math.max(range?.[0] ?? Number.NaN, range?.[1] ?? Number.NaN);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo === hi) {
    throw new RangeError(`${where}: range must be two distinct finite numbers, got [${range}]`);
  }
  const width = hi - lo;
  const {
    direction = 1,
    dsMin = 1e-9 * width,
    dsMax = 0.05 * width,
    maxSteps = 2000,
    tol = 1e-10,
    locateTol = 1e-12,
    t = 0,
  } = options;
  let ds = options.ds ?? 0.01 * width;

  const reduction = reductionFor(options.conservation, field.n, where);
  const offsets = reduction?.offsets(options.conservation?.totals ?? reduction.totals(x0));
  const M = new EquilibriumManifold(field, index, t, reduction, offsets);
  const N = M.N;
  const p0 = field.p[index]!;
  const z = new Float64Array(N + 1);
  z.set(M.sys.fromFull(x0));
  z[N] = p0;
  M.setParameter(p0);
  const x = z.subarray(0, N);
  const start = dampedNewton(M.sys, x, { ftol: tol });
  const branch: Branch = { status: 'success', message: '', index, points: [], special: [] };
  if (!start.converged) {
    return { ...branch, status: 'failed', message: `no equilibrium near x0 at p=${p0}: ${start.message}` };
  }

  const Fx = new Float64Array(N * N);
  const record = (zz: Float64Array): { ev: Eigenvalues; point: BranchPoint } => {
    M.jacobianX(zz, Fx);
    const ev = eigenvalues(Fx, N);
    const full = new Float64Array(field.n);
    M.sys.toFull(zz.subarray(0, N), full);
    return { ev, point: { p: zz[N]!, x: full, eigenvalues: ev, stability: classifyStability(ev) } };
  };

  const tau = new Float64Array(N + 1);
  const tauNew = new Float64Array(N + 1);
  const seed = new Float64Array(N + 1);
  seed[N] = direction;
  const det = M.tangent(z, seed, tau);
  if (!Number.isFinite(det))
    return { ...branch, status: 'failed', message: `singular Jacobian at the start p=${p0}` };
  const first = record(z);
  branch.points.push(first.point);
  let psi = { fold: tau[N]!, bp: det, hopf: hopfTestFunction(first.ev) };

  const zNew = new Float64Array(N + 1);
  for (let step = 0; step < maxSteps; step++) {
    for (let i = 0; i <= N; i++) zNew[i] = z[i]! + ds * tau[i]!;
    const iters = M.correct(zNew, tau, tol);
    const detNew = iters > 0 ? M.tangent(zNew, tau, tauNew) : Number.NaN;
    let cos = 0;
    for (let i = 0; i <= N; i++) cos += tau[i]! * tauNew[i]!;
    // A large turn of the tangent means the step may have jumped to another branch.
    if (iters < 0 || !Number.isFinite(detNew) || cos < 0.9) {
      ds *= 0.5;
      if (ds < dsMin) {
        return { ...branch, status: 'failed', message: `step size fell below dsMin=${dsMin} at p=${z[N]}` };
      }
      continue;
    }
    const next = record(zNew);
    const psiNew = { fold: tauNew[N]!, bp: detNew, hopf: hopfTestFunction(next.ev) };
    const after = branch.points.length - 1;
    const found: SpecialPoint[] = [];
    if (psi.fold * psiNew.fold < 0) {
      const s = locate(M, z, tau, ds, (_zz, tt) => tt[N]!, psi.fold, psiNew.fold, locateTol, tol);
      if (s) found.push({ type: 'fold', ...pointAt(s.z), after });
    } else if (psi.bp * psiNew.bp < 0) {
      const s = locate(M, z, tau, ds, (_zz, _tt, d) => d, psi.bp, psiNew.bp, locateTol, tol);
      if (s) found.push({ type: 'branch-point', ...pointAt(s.z), after });
    }
    if (psi.hopf * psiNew.hopf < 0) {
      const s = locate(
        M,
        z,
        tau,
        ds,
        (zz) => hopfTestFunction(evAt(zz)),
        psi.hopf,
        psiNew.hopf,
        locateTol,
        tol,
      );
      if (s) {
        const hp = pointAt(s.z);
        const pair = criticalPair(hp.eigenvalues);
        // A neutral saddle (real μ and −μ) also zeroes ψ_H but is no Hopf point.
        if (Number.isFinite(pair.omega) && Math.abs(pair.re) <= 1e-6 * Math.max(1, pair.omega)) {
          found.push({ type: 'hopf', ...hp, after, omega: pair.omega });
        }
      }
    }
    found.sort((a, b) => Math.abs(a.p - z[N]!) - Math.abs(b.p - z[N]!));
    branch.special.push(...found);
    z.set(zNew);
    tau.set(tauNew);
    psi = psiNew;
    branch.points.push(next.point);
    if (z[N]! < lo || z[N]! > hi) return branch;
    if (iters <= 3) ds = Math.min(dsMax, 1.5 * ds);
  }
  return { ...branch, status: 'failed', message: `maxSteps=${maxSteps} reached at p=${z[N]}` };

  function evAt(zz: Float64Array): Eigenvalues {
    M.jacobianX(zz, Fx);
    return eigenvalues(Fx, N);
  }
  function pointAt(zz: Float64Array) {
    const { point } = record(zz);
    return { p: point.p, x: point.x, eigenvalues: point.eigenvalues };
  }
}

/**
 * Find the arclength s ∈ (0, ds) where ψ changes sign between z (ψa) and the next point (ψb).
 * Each trial point is the corrector's solution from z + s·τ on the hyperplane normal to τ.
 */
function locate(
  M: EquilibriumManifold,
  z: Float64Array,
  tau: Float64Array,
  ds: number,
  psiOf: (z: Float64Array, tau: Float64Array, det: number) => number,
  psiA: number,
  psiB: number,
  locateTol: number,
  tol: number,
): { z: Float64Array } | undefined {
  const n1 = z.length;
  const zt = new Float64Array(n1);
  const tt = new Float64Array(n1);
  let a = 0;
  let b = ds;
  let fa = psiA;
  let fb = psiB;
  let side = 0;
  let best: Float64Array | undefined;
  for (let it = 0; it < 100 && Math.abs(b - a) > locateTol * Math.abs(ds); it++) {
    const c = (a * fb - b * fa) / (fb - fa);
    for (let i = 0; i < n1; i++) zt[i] = z[i]! + c * tau[i]!;
    if (M.correct(zt, tau, tol, 20) < 0) break;
    const fc = psiOf(zt, tt, M.tangent(zt, tau, tt));
    best = Float64Array.from(zt);
    if (fc === 0) break;
    // Illinois modification: when the same end moves twice, halve the other end's value.
    if (fc * fb > 0) {
      b = c;
      fb = fc;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side === 1) fb /= 2;
      side = 1;
    }
  }
  return best ? { z: best } : undefined;
}
