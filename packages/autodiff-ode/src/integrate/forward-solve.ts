import type { MethodName } from '@kinetica/ode-core';
import { isMethodName, solve } from '@kinetica/solvers-stiff';
import { type FusedMethod, FusedSolver } from './fused-solver';
import type { TapedModel } from './taped-model';

/** Methods of the fused taped solver (the rest go to @kinetica/solvers-stiff). */
export const FUSED_METHODS: readonly FusedMethod[] = ['rk4', 'dopri5', 'euler', 'map'];

/** A method name: a fused one, or any method `solve` of @kinetica/solvers-stiff accepts ('radau5', 'bdf', 'rodas5', 'tsit5', …). */
export type SolverMethod = FusedMethod | MethodName;

export function isFused(method: string): method is FusedMethod {
  return FUSED_METHODS.some((m) => m === method);
}

/** True when `name` is a fused method or a method of `solve` (a type guard for names read from files). */
export function isSolverMethod(name: string): name is SolverMethod {
  return isFused(name) || isMethodName(name);
}

/**
 * States at `times` (row-major) from y0 at times[0]: the fused solver for its methods, otherwise
 * `solve` of @kinetica/solvers-stiff (stiff problems) with the model's Jacobian and tstops.
 */
export class ForwardSolver {
  /** The fused solver, or the method `solve` runs. */
  private readonly engine: FusedSolver | Exclude<SolverMethod, FusedMethod>;
  private readonly Y: Float64Array;

  constructor(
    private readonly model: TapedModel,
    method: SolverMethod,
    private readonly options: { rtol: number; atol: number; substeps?: number },
    nTimes: number,
  ) {
    this.engine = isFused(method) ? new FusedSolver(model, { method, ...options }) : method;
    this.Y = new Float64Array(nTimes * model.nStates);
  }

  forward(
    p: Float64Array,
    y0: ArrayLike<number>,
    times: ArrayLike<number>,
  ): { status: 'success' | 'failed'; message: string; Y: Float64Array; nfev: number } {
    const engine = this.engine;
    if (typeof engine !== 'string') {
      const r = engine.forward(p, y0, times, false);
      return { status: r.status, message: r.message, Y: r.Y, nfev: r.nfev };
    }
    const m = this.model;
    const n = m.nStates;
    const T = times.length;
    const sol = solve(
      {
        f: (t, y, d) => m.f(t, y, p, d),
        ...(m.jac ? { jac: (t: number, y: Float64Array, J: Float64Array) => m.jac!(t, y, p, J) } : {}),
        y0,
        tspan: [times[0]!, times[T - 1]!],
      },
      {
        method: engine,
        rtol: this.options.rtol,
        atol: this.options.atol,
        saveAt: times,
        ...(m.tstops && m.tstops.length > 0 ? { tstops: m.tstops } : {}),
      },
    );
    if (sol.status === 'failed')
      return { status: 'failed', message: sol.message, Y: this.Y, nfev: sol.stats.nfev };
    if (sol.y.length !== T)
      return {
        status: 'failed',
        message: `solver returned ${sol.y.length} of ${T} output times`,
        Y: this.Y,
        nfev: sol.stats.nfev,
      };
    for (let i = 0; i < T; i++) this.Y.set(sol.y[i]!.subarray(0, n), i * n);
    return { status: 'success', message: '', Y: this.Y, nfev: sol.stats.nfev };
  }
}
