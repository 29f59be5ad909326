import {
  ExplicitIntegrator,
  isFiniteVector,
  type OutputRecorder,
  type PreparedSolve,
  type Solution,
  type SolveStatus,
  tsit5,
} from '@kinetica/ode-core';
import { radau5 } from './implicit/radau5';
import type { JacobianLayout } from './linalg/linear-solver';
import { guardFor, type PositivitySettings, type RestartPoint, restartStep } from './positivity';
import { RosenbrockIntegrator } from './rosenbrock/integrate';
import { rodas5Stepper } from './rosenbrock/rodas5';

/** Tuning of the stiffness switch; the step counts follow Hairer's DOPRI5 test. */
export interface AutoOptions extends PositivitySettings {
  /**
   * |h·λ| above which a Tsit5 step counts as stability-limited (default 2.5). Tsit5's real
   * stability boundary is 3.5, but its PI-controlled steps settle at |h·λ| ≈ 2–3 on stiff
   * stretches, so DOPRI5's 3.25 switched late at tight tolerances (ROBER at rtol 1e-10: 109 317
   * f evaluations against 48 036); the non-stiff Lorenz system at rtol 1e-3 reaches 2.25 without
   * being stiff.
   */
  stiffnessThreshold?: number;
  /** Stability-limited steps (without 6 unlimited ones in between) before switching to Rodas5P. */
  stiffSteps?: number;
  /** Consecutive Rodas5P steps with |h·ρ(J)| below the threshold before switching back. */
  nonstiffSteps?: number;
}

/**
 * 'auto': Tsit5 while the problem is non-stiff, Rodas5P while it is stiff (in the spirit of LSODA
 * and OrdinaryDiffEq's AutoTsit5(Rodas5P)). Stiffness is detected as in Hairer's DOPRI5
 * (Hairer & Wanner II, IV.2): |h·λ| ≈ |h|·‖k7 − k6‖/‖y7 − y6‖ from the two last stages, which
 * sit at the same time, but in the tolerance-weighted norm of the error control: that is the
 * norm in which a stability-limited step shows its stiff mode (on ROBER at rtol 1e-9 the plain
 * Euclidean ratio, dominated by the O(1) species, detected stiffness only after 25 000 steps). Back in the stiff phase the Gershgorin bound on the spectral radius of
 * the Jacobian Rodas5P already has tells when Tsit5's stability would no longer limit the step.
 * Every switch is logged in `stats.switches`.
 *
 * A method that fails is not the end (method change, logged in `stats.switches` and
 * `stats.rescues`): when Tsit5 fails, Rodas5P takes over; when Rodas5P fails (after its own
 * positivity rescue), Radau IIA 5 runs the rest of the span. Each takes over from the last point
 * the positivity guard vouches for: the last accepted one, or the one before a watched component
 * went below −atol. maxSteps ends the solve. After Tsit5 has failed, or once the guard enforces
 * positivity (the explicit loop does not clamp), the solve stays with Rodas5P: handing back to
 * Tsit5 would only repeat the failure.
 */
export function auto(prep: PreparedSolve, options: AutoOptions = {}): Solution {
  const threshold = options.stiffnessThreshold ?? 2.5;
  const stiffSteps = options.stiffSteps ?? 15;
  const nonstiffSteps = options.nonstiffSteps ?? 10;
  if (!(threshold > 0 && Number.isFinite(threshold)))
    throw new RangeError(`auto: stiffnessThreshold must be a positive number, got ${threshold}`);
  for (const [name, v] of [
    ['stiffSteps', stiffSteps],
    ['nonstiffSteps', nonstiffSteps],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`auto: ${name} must be a positive integer, got ${v}`);
  }
  const method = 'auto';
  const { n, stats, rtol, atol } = prep;
  stats.nswitch = 0;
  stats.switches = [];
  const switches = stats.switches;
  const guard = guardFor(prep, options);
  const finish = (status: SolveStatus, message: string) => guard.finish(status, message, method);
  const outOfSteps = () => stats.nsteps >= prep.maxSteps;
  const tableau = tsit5;
  const s = tableau.stages;
  // ode-core's explicit loop records through `prep.recorder`: it gets the guard in its place (the
  // guard has the recorder's `nextStop` and `step`, all that loop calls).
  const rk = new ExplicitIntegrator({ ...prep, recorder: guard as unknown as OutputRecorder }, tableau);
  const yStage = new Float64Array(n);
  const fAt = new Float64Array(n);
  let hLambda = 0;
  rk.onAccept = (_t, h, y, yNew) => {
    hLambda =
      Math.abs(h) * stiffnessRatio(tableau.a[s - 2]!, h, y, yNew, rk.stepper.k, yStage, n, atol, rtol);
  };
  let stiff: RosenbrockIntegrator | undefined;
  if (!rk.start()) return finish('failed', `NaN or Inf in f at t=${prep.t0}`);
  let stiffCount = 0;
  let nonstiffCount = 0;
  let explicitFailed = false;

  /** The step to go on with from a restart point: the one that worked there, else an estimate. */
  const stepFrom = (point: RestartPoint): number => {
    if (point.h > 0) return point.h;
    return restartStep(prep, point.t, point.y, fAt, 4, { y1: yStage, f1: rk.stepper.k[1]! });
  };

  /** Rodas5P failed for good: Radau IIA 5 runs the rest of the span from the guard's point. */
  const radau5Rest = (reason: string): Solution => {
    const point = guard.rewind(reason, 'method', 'radau5');
    stats.nswitch!++;
    switches.push({ t: point.t, to: 'radau5' });
    const rest: PreparedSolve = { ...prep, t0: point.t, y0: point.y.slice() };
    // The user's h0 was for t0: radau5 takes the step that worked here, or estimates one.
    if (point.h > 0) rest.h0 = point.h;
    else delete rest.h0;
    const sol = radau5(rest, { guard });
    sol.method = method;
    return sol;
  };

  for (;;) {
    // Explicit phase: Tsit5 steps, counting the stability-limited ones.
    let outcome = rk.step();
    if (outcome === 'done') {
      // The end, a terminal event, or a positivity rescue the guard asks for: then as a failure
      // (Rodas5P goes on from the guard's point, and asks again if it must).
      const due = guard.takeRescue();
      if (due === undefined) return finish('success', '');
      outcome = { failed: due };
    }
    let from: Float64Array;
    let tFrom: number;
    let hFrom: number;
    let fFrom: Float64Array;
    if (typeof outcome === 'object') {
      if (outOfSteps()) return finish('failed', outcome.failed);
      // Method change: Rodas5P takes over from the last sound point, for good.
      explicitFailed = true;
      const point = guard.rewind(outcome.failed, 'method', 'rodas5');
      prep.f(point.t, point.y, fAt);
      if (!isFiniteVector(fAt)) return finish('failed', outcome.failed);
      tFrom = point.t;
      from = point.y;
      fFrom = fAt;
      hFrom = stepFrom(point);
    } else {
      if (outcome === 'rejected') continue;
      if (hLambda > threshold) {
        nonstiffCount = 0;
        if (++stiffCount < stiffSteps) continue;
      } else {
        if (++nonstiffCount >= 6) stiffCount = 0;
        continue;
      }
      tFrom = rk.t;
      from = rk.y;
      fFrom = rk.fy;
      hFrom = rk.h;
    }

    // Stiff phase: hand (t, y, f(t, y), h) to Rodas5P.
    stats.nswitch++;
    switches.push({ t: tFrom, to: 'rodas5' });
    stiff ??= new RosenbrockIntegrator(prep, rodas5Stepper, { guard });
    stiff.resume(tFrom, from, fFrom, hFrom);
    let calm = 0;
    for (;;) {
      const o = stiff.step();
      if (o === 'done') return finish('success', '');
      if (typeof o === 'object') return outOfSteps() ? finish('failed', o.failed) : radau5Rest(o.failed);
      if (o === 'rejected') continue;
      // The Jacobian of the step just taken bounds the spectral radius (Gershgorin).
      const rho = gershgorinRadius(stiff.jacobian.J, stiff.jacobian.layout);
      calm = stiff.h * rho <= threshold ? calm + 1 : 0;
      if (calm >= nonstiffSteps && !explicitFailed && !guard.enforcing) break;
    }
    rk.resume(stiff.t, stiff.y, stiff.fy, stiff.h);
    stiffCount = 0;
    nonstiffCount = 0;
    stats.nswitch++;
    stats.switches.push({ t: rk.t, to: 'tsit5' });
  }
}

/**
 * ‖k_s − k_{s−1}‖ / ‖y_new − y_{s−1}‖ for the last two stages, both at t + h (an estimate of |λ|),
 * both norms weighted by 1/(atol_i + rtol·|y_new,i|).
 */
function stiffnessRatio(
  aPrev: Float64Array,
  h: number,
  y: Float64Array,
  yNew: Float64Array,
  k: Float64Array[],
  yStage: Float64Array,
  n: number,
  atol: Float64Array,
  rtol: number,
): number {
  yStage.set(y);
  for (let j = 0; j < aPrev.length; j++) {
    const w = h * aPrev[j]!;
    if (w === 0) continue;
    const kj = k[j]!;
    for (let i = 0; i < n; i++) yStage[i]! += w * kj[i]!;
  }
  const kLast = k[aPrev.length + 1]!;
  const kPrev = k[aPrev.length]!;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const w = 1 / (atol[i]! + rtol * Math.abs(yNew[i]!));
    const dk = (kLast[i]! - kPrev[i]!) * w;
    const dy = (yNew[i]! - yStage[i]!) * w;
    num += dk * dk;
    den += dy * dy;
  }
  return den > 0 ? Math.sqrt(num / den) : 0;
}

/** max_i Σ_j |J_ij|, an upper bound of the spectral radius. */
function gershgorinRadius(J: Float64Array, layout: JacobianLayout): number {
  const n = layout.n;
  let rho = 0;
  if (layout.kind === 'dense') {
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += Math.abs(J[i * n + j]!);
      if (r > rho) rho = r;
    }
  } else {
    const { rowPtr } = layout.pattern;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) r += Math.abs(J[k]!);
      if (r > rho) rho = r;
    }
  }
  return rho;
}
