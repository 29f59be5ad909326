import { solveAny } from '../solver';
import type { GradientStats } from '../types';
import type { QuadratureSystem, RunResult } from './explicit-adjoint-integrator';

/** Quadrature tolerance that takes a component out of the error norm (the seminorm, for `solve`). */
const IGNORED_ATOL = 1e250;

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

  constructor(
    sys: QuadratureSystem & { jac?: (t: number, x: Float64Array, J: Float64Array) => void },
    private readonly opts: {
      method: string;
      rtol: number;
      atol: Float64Array;
      atolQ: number;
      seminorm: boolean;
      hmax: number;
      maxSteps: number;
    },
    private readonly stats: GradientStats,
  ) {
    const { m, q } = sys;
    this.z0 = new Float64Array(m + q);
    this.atol = new Float64Array(m + q);
    this.atol.set(opts.atol);
    this.atol.fill(opts.seminorm ? IGNORED_ATOL : opts.atolQ, m);
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
    const m = x.length;
    this.z0.set(x);
    this.z0.set(q, m);
    const { method, rtol, hmax, maxSteps } = this.opts;
    const sol = solveAny(
      { f: this.f, y0: this.z0, tspan: [t, tEnd], ...(this.jac ? { jac: this.jac } : {}) },
      { method, rtol, atol: this.atol, saveAt: [tEnd], hmax, maxSteps },
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
