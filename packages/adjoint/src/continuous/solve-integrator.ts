import { initialStepSize, type MethodName } from '@kinetica/ode-core';
import { solve } from '@kinetica/solvers-stiff';
import type { GradientStats } from '../types';
import type { QuadratureSystem, RunResult } from './explicit-adjoint-integrator';

/** Quadrature tolerance that takes a component out of the error norm (the seminorm, for `solve`). */
const IGNORED_ATOL = 1e250;

/**
 * Methods whose own first step is chosen for a first-order start, with the exponent 1/2 of
 * `initialStepSize`: on an adjoint whose components differ by many orders of magnitude (a heavily
 * weighted loss on a small state, kicking one component to 1e7 while another sits at its absolute
 * tolerance) that estimate falls below the method's smallest step and the backward solve fails at
 * its very first step. They get the estimate for a third-order start instead, as radau5 takes
 * for itself; a too large first step is rejected and shrunk by the method's error control.
 */
const FIRST_STEP_ORDER: Readonly<Record<string, number>> = { bdf: 3 };

/**
 * Backward integration of a `QuadratureSystem` with any `solve` method, notably the stiff ones:
 * the quadrature rides along as ordinary states, and the seminorm is obtained by giving those
 * states an absolute tolerance so large that they never limit the step.
 */
export class SolveSegmentIntegrator {
  private readonly z0: Float64Array;
  private readonly atol: Float64Array;
  private readonly f: (t: number, z: Float64Array, dz: Float64Array) => void;
  private readonly jac: ((t: number, z: Float64Array, J: Float64Array) => void) | undefined;
  private readonly f0: Float64Array;
  private readonly y1: Float64Array;
  private readonly f1: Float64Array;

  constructor(
    sys: QuadratureSystem & { jac?: (t: number, x: Float64Array, J: Float64Array) => void },
    private readonly opts: {
      method: MethodName;
      rtol: number;
      atol: Float64Array;
      atolQ: Float64Array;
      seminorm: boolean;
      hmax: number;
      maxSteps: number;
    },
    private readonly stats: GradientStats,
  ) {
    const { m, q } = sys;
    this.z0 = new Float64Array(m + q);
    this.f0 = new Float64Array(m + q);
    this.y1 = new Float64Array(m + q);
    this.f1 = new Float64Array(m + q);
    this.atol = new Float64Array(m + q);
    const dxW = new Float64Array(m);
    const dqW = new Float64Array(q);
    const xW = new Float64Array(m);
    this.f = (t, z, dz) => {
      for (let i = 0; i < m; i++) xW[i] = z[i]!;
      sys.rhs(t, xW, dxW, dqW);
      dz.set(dxW);
      dz.set(dqW, m);
    };
    const sj = sys.jac;
    this.jac = sj ? (t, z, J) => sj(t, z, J) : undefined;
  }

  run(t: number, tEnd: number, x: Float64Array, q: Float64Array, _h: number): RunResult {
    if (t === tEnd) return { ok: true, message: '', hNext: 0 };
    const m = x.length;
    // The tolerances may change between runs (their floors follow the size of a and q).
    this.atol.set(this.opts.atol);
    if (this.opts.seminorm) this.atol.fill(IGNORED_ATOL, m);
    else this.atol.set(this.opts.atolQ, m);
    this.z0.set(x);
    this.z0.set(q, m);
    const { method, rtol, maxSteps } = this.opts;
    // No step, not even the trial step of the initial step-size estimate, may leave [t, tEnd]: the
    // state of 'interpolating'/'checkpointed' exists there only (an unbounded hmax let the trial
    // evaluate the field past the span's end whenever the adjoint varies slowly).
    const hmax = Math.min(this.opts.hmax, Math.abs(tEnd - t));
    const order = FIRST_STEP_ORDER[method];
    let h0: number | undefined;
    if (order !== undefined) {
      this.f(t, this.z0, this.f0);
      const d = tEnd > t ? 1 : -1;
      const work = { y1: this.y1, f1: this.f1 };
      h0 = initialStepSize(this.f, t, this.z0, this.f0, order, rtol, this.atol, d, hmax, work);
      this.stats.nfev.backward += 2;
    }
    const sol = solve(
      { f: this.f, y0: this.z0, tspan: [t, tEnd], ...(this.jac ? { jac: this.jac } : {}) },
      // The augmented state carries signed adjoints: no positivity rescue, whatever their sign at the start.
      {
        method,
        rtol,
        atol: this.atol,
        saveAt: [tEnd],
        hmax,
        maxSteps,
        nonnegative: false,
        ...(h0 !== undefined ? { h0 } : {}),
      },
    );
    this.stats.nfev.backward += sol.stats.nfev;
    this.stats.njev += sol.stats.njev;
    this.stats.steps.backward += sol.stats.naccept;
    if (sol.status !== 'success') return { ok: false, message: `backward solve: ${sol.message}`, hNext: 0 };
    const z = sol.y[sol.y.length - 1]!;
    for (let i = 0; i < m; i++) x[i] = z[i]!;
    for (let i = 0; i < q.length; i++) q[i] = z[m + i]!;
    return { ok: true, message: '', hNext: 0 };
  }
}
