import { denseVectorsPerStep } from '../continuous/dense-size';
import { forwardSolve, solveSpan } from '../forward-solve';
import { ModelJacobians } from '../model/jacobians';
import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import type { GradientResult } from '../types';
import { observe, observeWork } from '../observe';

/**
 * 'forward': the forward sensitivity equations S' = (∂f/∂y) S + ∂f/∂θ for θ = (p, y0), S(t0) = [0 | I],
 * then dL/dθ = Σᵢ ∂loss_i/∂y · S(tᵢ). ∂f/∂y and ∂f/∂p come from n vjp calls per evaluation.
 * 'simultaneous' solves [y; S] (n + n·(p + n) states) as one system under one error control;
 * 'staggered' solves y first with dense output, then the linear system for S against it.
 */
export function forwardSensitivityGradient(prob: GradientProblem): GradientResult {
  const res = newResult(prob, 'forward');
  const { model, n, np, p, t0, times } = prob;
  const stats = res.stats;
  const nobs = times.length;
  const tEnd = times[nobs - 1]!;
  const cols = np + n;
  const ns = n * cols;
  const jacs = new ModelJacobians(model, n, np, stats);
  const J = new Float64Array(n * n);
  const Fp = new Float64Array(n * np);
  const yW = new Float64Array(n);
  const S0 = new Float64Array(ns);
  for (let m = 0; m < n; m++) S0[(np + m) * n + m] = 1;

  /** dS = J·S + [Fp | 0] for S stored column by column at `off` in z. */
  const sensRhs = (t: number, z: Float64Array, off: number, dz: Float64Array, dOff: number) => {
    jacs.jyp(t, yW, p, J, Fp);
    for (let k = 0; k < cols; k++) {
      const c = off + k * n;
      const dc = dOff + k * n;
      for (let i = 0; i < n; i++) {
        let acc = k < np ? Fp[i * np + k]! : 0;
        for (let j = 0; j < n; j++) acc += J[i * n + j]! * z[c + j]!;
        dz[dc + i] = acc;
      }
    }
  };

  let Sat: Float64Array[];
  let Yat: Float64Array[];
  let steps: number;
  if (prob.sensitivity === 'simultaneous') {
    const z0 = new Float64Array(n + ns);
    z0.set(prob.y0);
    z0.set(S0, n);
    const atol = new Float64Array(n + ns).fill(prob.adjointAtol);
    atol.set(prob.atol);
    const fy = new Float64Array(n);
    const sol = solveSpan(
      {
        f(t, z, dz) {
          for (let i = 0; i < n; i++) yW[i] = z[i]!;
          model.f(t, yW, p, fy);
          for (let i = 0; i < n; i++) dz[i] = fy[i]!;
          sensRhs(t, z, n, dz, n);
        },
        y0: z0,
        tspan: [t0, tEnd],
      },
      {
        method: prob.method,
        rtol: prob.rtol,
        atol,
        saveAt: times,
        hmax: prob.hmax,
        maxSteps: prob.maxSteps,
        // The sensitivities are signed whatever their sign at t0: no positivity rescue (the state
        // part goes without it too: one option for the whole system).
        nonnegative: false,
        ...(prob.h0 !== undefined ? { h0: prob.h0 } : {}),
        ...(prob.tstops.length > 0 ? { tstops: prob.tstops } : {}),
      },
    );
    stats.nfev.forward += sol.stats.nfev;
    stats.steps.forward += sol.stats.naccept;
    if (sol.status !== 'success') return failResult(res, `forward sensitivity solve: ${sol.message}`);
    Yat = sol.y.map((z) => z.subarray(0, n));
    Sat = sol.y.map((z) => z.subarray(n));
    steps = sol.stats.naccept;
  } else {
    const fw = forwardSolve(prob, t0, prob.y0, tEnd, { saveAt: times, dense: true }, stats);
    if (fw.status !== 'success') return failResult(res, `forward solve: ${fw.message}`);
    const at = fw.at!;
    const m = ns;
    const sol = solveSpan(
      {
        f(t, z, dz) {
          at(t, yW);
          sensRhs(t, z, 0, dz, 0);
        },
        // The sensitivity system is linear with the block-diagonal Jacobian I ⊗ ∂f/∂y.
        jac(t, _z, JA) {
          at(t, yW);
          jacs.jy(t, yW, p, J);
          JA.fill(0);
          for (let k = 0; k < cols; k++) {
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) JA[(k * n + i) * m + k * n + j] = J[i * n + j]!;
          }
        },
        y0: S0,
        tspan: [t0, tEnd],
      },
      {
        method: prob.method,
        rtol: prob.rtol,
        atol: prob.adjointAtol,
        saveAt: times,
        hmax: prob.hmax,
        maxSteps: prob.maxSteps,
        // Sensitivities are signed whatever their sign at t0: no positivity rescue.
        nonnegative: false,
        ...(prob.h0 !== undefined ? { h0: prob.h0 } : {}),
        ...(prob.tstops.length > 0 ? { tstops: prob.tstops } : {}),
      },
    );
    stats.nfev.backward += sol.stats.nfev;
    stats.steps.backward += sol.stats.naccept;
    if (sol.status !== 'success') return failResult(res, `sensitivity solve: ${sol.message}`);
    Yat = fw.y;
    Sat = sol.y;
    steps = stats.steps.forward;
  }
  stats.peakStoredStates = nobs * (1 + cols);
  if (prob.sensitivity === 'staggered')
    stats.peakStoredStates += (steps + 1) * denseVectorsPerStep(prob.method);
  const w = observeWork(n);
  for (let i = 0; i < nobs; i++) {
    observe(prob, res, i, Yat[i]!, w);
    const S = Sat[i]!;
    for (let k = 0; k < cols; k++) {
      let d = 0;
      for (let j = 0; j < n; j++) d += w.g[j]! * S[k * n + j]!;
      if (k < np) res.dp[k]! += d;
      else res.dy0[k - np]! += d;
    }
  }
  return res;
}
