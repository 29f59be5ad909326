import reference from '../fixtures/detest-reference.json' with { type: 'json' };
import { solve } from '../../src/solve';
import type { ExplicitMethodName } from '../../src/types';
import { DETEST_TSPAN, type DetestProblem } from './detest';

/** DETEST-style statistics of one solve (Hull et al. 1972, with the solver's own RMS norm). */
export interface DetestResult {
  problem: string;
  method: string;
  tol: number;
  status: string;
  nfev: number;
  naccept: number;
  nreject: number;
  /** max_i |y_i(20) − ref_i| / (tol·(1 + |ref_i|)): global error at the end, in units of tol. */
  globalErr: number;
  /**
   * Largest local error of an accepted step, in units of tol, measured against the true local
   * solution through (t_n, y_n) (dop853 at rtol 1e-13) in the scaled RMS norm the solver controls.
   */
  maxLocalErr: number;
  /** Fraction of accepted steps whose true local error exceeds the tolerance ("deceived"). */
  deceived: number;
}

/** Solve a DETEST problem with rtol = atol = tol and measure it (local errors step by step). */
export function runDetest(p: DetestProblem, method: ExplicitMethodName, tol: number): DetestResult {
  const sol = solve({ f: p.f, y0: p.y0, tspan: DETEST_TSPAN }, { method, rtol: tol, atol: tol });
  const ref = (reference.y1 as Record<string, number[]>)[p.name]!;
  const yEnd = sol.y[sol.y.length - 1]!;
  const globalErr = Math.max(...ref.map((r, i) => Math.abs(yEnd[i]! - r) / (tol * (1 + Math.abs(r)))));
  let maxLocalErr = 0;
  let deceived = 0;
  const n = p.y0.length;
  for (let k = 1; k < sol.t.length; k++) {
    const yOld = sol.y[k - 1]!;
    const yNew = sol.y[k]!;
    const local = solve(
      { f: p.f, y0: yOld, tspan: [sol.t[k - 1]!, sol.t[k]!] },
      { method: 'dop853', rtol: 1e-13, atol: 1e-15, saveAt: [sol.t[k]!] },
    ).y[0]!;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const sc = tol + tol * Math.max(Math.abs(yOld[i]!), Math.abs(yNew[i]!));
      sum += ((yNew[i]! - local[i]!) / sc) ** 2;
    }
    const e = Math.sqrt(sum / n);
    maxLocalErr = Math.max(maxLocalErr, e);
    if (e > 1) deceived++;
  }
  return {
    problem: p.name,
    method,
    tol,
    status: sol.status,
    nfev: sol.stats.nfev,
    naccept: sol.stats.naccept,
    nreject: sol.stats.nreject,
    globalErr,
    maxLocalErr,
    deceived: deceived / Math.max(1, sol.t.length - 1),
  };
}
