import type { ParametricField, VectorField } from '../field';
import type { ConservationReduction } from '../conservation/reduction';
import { DenseLU } from '@kinetica/solvers-stiff';
import { normInf } from '../steady-state/newton';
import { type SteadySystem, steadySystem } from '../steady-state/system';

/** Cube root of machine epsilon: the central-difference step for ∂f/∂λ. */
const CBRT_EPS = Math.cbrt(Number.EPSILON);

/**
 * The equilibrium manifold F(x, λ) = 0 in z = (x, λ) ∈ R^{N+1}, with the bordered matrix
 *   A(z, v) = [ F_x  F_λ ]
 *             [   vᵀ     ]
 * that serves the tangent (A·τ = e_{N+1}), Keller's pseudo-arclength corrector and the
 * branch-point test function det A. Workspaces are allocated once per continuation.
 */
export class EquilibriumManifold {
  readonly N: number;
  readonly sys: SteadySystem;
  readonly pw: Float64Array;
  readonly A: Float64Array;
  readonly lu: DenseLU;
  readonly Fx: Float64Array;
  readonly F: Float64Array;
  readonly Fp: Float64Array;
  readonly rhs: Float64Array;
  readonly zp: Float64Array;
  readonly xb: Float64Array;

  constructor(
    field: ParametricField,
    private readonly index: number,
    t: number,
    reduction?: ConservationReduction,
    offsets?: Float64Array,
  ) {
    const pw = Float64Array.from(field.p);
    field.drive?.(t, pw);
    this.pw = pw;
    const jac = field.jac?.bind(field);
    const vf: VectorField = {
      n: field.n,
      f: (tt, y, dydt) => field.f(tt, y, pw, dydt),
      jac: jac ? (tt, y, J) => jac(tt, y, pw, J) : undefined,
      scale: field.scale,
    };
    this.sys = steadySystem(vf, t, reduction, offsets);
    const N = this.sys.m;
    this.N = N;
    this.A = new Float64Array((N + 1) * (N + 1));
    this.lu = new DenseLU(N + 1);
    this.Fx = new Float64Array(N * N);
    this.F = new Float64Array(N);
    this.Fp = new Float64Array(N);
    this.rhs = new Float64Array(N + 1);
    this.zp = new Float64Array(N + 1);
    this.xb = new Float64Array(N);
  }

  /** Copy the state part of z into the state buffer and set the parameter; returns the buffer. */
  private load(z: Float64Array): Float64Array {
    for (let i = 0; i < this.N; i++) this.xb[i] = z[i]!;
    this.setParameter(z[this.N]!);
    return this.xb;
  }

  setParameter(lambda: number): void {
    this.pw[this.index] = lambda;
  }

  /** ‖F(z)‖∞. */
  residual(z: Float64Array): number {
    this.sys.residual(this.load(z), this.F);
    return normInf(this.F);
  }

  /** ∂F/∂x at z into `out` (N×N). */
  jacobianX(z: Float64Array, out: Float64Array): void {
    this.sys.jacobian(this.load(z), out);
  }

  /** Fill A(z, v) and factor it; returns false if singular. */
  private factor(z: Float64Array, v: Float64Array): boolean {
    const { N, A, Fx, F, Fp } = this;
    const lambda = z[N]!;
    this.jacobianX(z, Fx);
    const h = CBRT_EPS * Math.max(Math.abs(lambda), 1);
    this.setParameter(lambda + h);
    this.sys.residual(this.xb, Fp);
    this.setParameter(lambda - h);
    this.sys.residual(this.xb, F);
    this.setParameter(lambda);
    const N1 = N + 1;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) A[i * N1 + j] = Fx[i * N + j]!;
      A[i * N1 + N] = (Fp[i]! - F[i]!) / (2 * h);
    }
    for (let j = 0; j <= N; j++) A[N * N1 + j] = v[j]!;
    return this.lu.factor(A);
  }

  /**
   * Unit tangent at z into `tau`, oriented so that vᵀτ > 0 (v: the previous tangent).
   * Returns det A(z, τ), the branch-point test function, or NaN when A(z, v) is singular.
   */
  tangent(z: Float64Array, v: Float64Array, tau: Float64Array): number {
    const { N } = this;
    if (!this.factor(z, v)) return Number.NaN;
    tau.fill(0);
    tau[N] = 1;
    this.lu.solve(tau);
    let norm = 0;
    for (let i = 0; i <= N; i++) norm += tau[i]! * tau[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i <= N; i++) tau[i]! /= norm;
    if (!this.factor(z, tau)) return 0;
    return this.lu.determinant();
  }

  /**
   * Keller's corrector: from the predictor z (in place) solve F = 0 on the hyperplane
   * vᵀ(z − z_pred) = 0 by Newton. Returns the iteration count, or −1 on failure.
   */
  correct(z: Float64Array, v: Float64Array, tol: number, maxIter = 8): number {
    const { N, rhs, zp, F } = this;
    zp.set(z);
    for (let it = 0; it < maxIter; it++) {
      if (!this.factor(z, v)) return -1;
      this.sys.residual(this.load(z), F);
      let dot = 0;
      for (let i = 0; i <= N; i++) dot += v[i]! * (z[i]! - zp[i]!);
      for (let i = 0; i < N; i++) rhs[i] = -F[i]!;
      rhs[N] = -dot;
      this.lu.solve(rhs);
      let step = 0;
      let size = 0;
      for (let i = 0; i <= N; i++) {
        z[i]! += rhs[i];
        step = Math.max(step, Math.abs(rhs[i]!));
        size = Math.max(size, Math.abs(z[i]!));
      }
      if (!Number.isFinite(step)) return -1;
      if (step <= tol * (1 + size) && this.residual(z) <= Math.max(tol, 1e3 * Number.EPSILON * (1 + size)))
        return it + 1;
    }
    return -1;
  }
}
