import {
  initialStepSize,
  isFiniteVector,
  PIController,
  type PreparedSolve,
  RungeKuttaInterpolant,
  RungeKuttaStepper,
  type Solution,
  tsit5,
} from '@kinetica/ode-core';
import { reachesStop } from './landing';
import type { JacobianLayout } from './linalg/linear-solver';
import { RosenbrockIntegrator } from './rosenbrock/integrate';
import { rodas5Stepper } from './rosenbrock/rodas5';

/** Tuning of the stiffness switch; the step counts follow Hairer's DOPRI5 test. */
export interface AutoOptions {
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
  const { n, f, stats, recorder, direction: dir, hmax, maxSteps, rtol, atol, t1 } = prep;
  stats.nswitch = 0;
  stats.switches = [];
  const tableau = tsit5;
  const s = tableau.stages;
  const rk = new RungeKuttaStepper(tableau, n, f);
  const interp = new RungeKuttaInterpolant(rk);
  const controller = new PIController(tableau.errorOrder, prep.controller);
  let stiff: RosenbrockIntegrator | undefined;

  let y = prep.y0.slice();
  let yNew = new Float64Array(n);
  const yStage = new Float64Array(n);
  let t = prep.t0;
  const fail = (why: string) => recorder.finish('failed', `${why} at t=${t}`, method);

  f(t, y, rk.k[0]!);
  if (!isFiniteVector(rk.k[0]!)) return fail('NaN or Inf in f');
  let h = Math.min(
    prep.h0 ??
      initialStepSize(f, t, y, rk.k[0]!, tableau.errorOrder, rtol, atol, dir, hmax, { y1: yNew, f1: yStage }),
    hmax,
  );
  let stop = recorder.nextStop(t);
  let stiffCount = 0;
  let nonstiffCount = 0;
  let nonFinite = 0;

  for (;;) {
    // Explicit phase.
    if (stats.nsteps >= maxSteps) return fail(`maxSteps (${maxSteps}) reached`);
    let tNew = t + dir * h;
    const landing = reachesStop(t, dir * h, stop, dir);
    if (landing) tNew = stop;
    const hStep = tNew - t;
    if (!(Math.abs(hStep) > 16 * Number.EPSILON * Math.abs(t)) || tNew === t)
      return recorder.finish(
        'failed',
        `step size underflow at t=${t}${nonFinite > 0 ? ' (NaN or Inf in f)' : ''}`,
        method,
      );
    stats.nsteps++;
    rk.step(t, y, tNew, yNew);
    const finite = isFiniteVector(yNew) && isFiniteVector(rk.k[s - 1]!);
    const errNorm = finite ? rk.errorNorm(hStep, y, yNew, atol, rtol) : Number.NaN;
    const ok = finite && controller.accept(errNorm);
    const hNext = Math.min(controller.propose(Math.abs(hStep), errNorm), hmax);
    if (!ok) {
      stats.nreject++;
      if (!finite && ++nonFinite > 12) return fail('NaN or Inf in f');
      h = hNext;
      continue;
    }
    nonFinite = 0;
    h = hNext;
    stats.naccept++;
    const hLambda =
      Math.abs(hStep) * stiffnessRatio(tableau.a[s - 2]!, hStep, y, yNew, rk.k, yStage, n, atol, rtol);
    const fNew = rk.k[s - 1]!;
    if (prep.nonnegative && clampNegative(yNew)) {
      // The FSAL derivative belongs to the unclamped state.
      f(tNew, yNew, fNew);
      if (!isFiniteVector(fNew)) return fail('NaN or Inf in f');
    }
    interp.set(t, hStep, y, yNew, fNew);
    const goOn = recorder.step(t, tNew, yNew, interp);
    const yOld = y;
    y = yNew;
    yNew = yOld;
    rk.k[s - 1] = rk.k[0]!;
    rk.k[0] = fNew;
    t = tNew;
    if (!goOn) break;
    if (landing) {
      if (t === t1) break;
      f(t, y, rk.k[0]!);
      if (!isFiniteVector(rk.k[0]!)) return fail('NaN or Inf in f');
      controller.reset();
      stop = recorder.nextStop(t);
    }
    if (hLambda > threshold) {
      nonstiffCount = 0;
      if (++stiffCount < stiffSteps) continue;
    } else {
      if (++nonstiffCount >= 6) stiffCount = 0;
      continue;
    }

    // Stiff phase: hand (t, y, f(t, y), h) to Rodas5P.
    stats.nswitch++;
    stats.switches.push({ t, to: 'rodas5' });
    stiff ??= new RosenbrockIntegrator(prep, rodas5Stepper);
    stiff.resume(t, y, rk.k[0]!, h);
    let calm = 0;
    for (;;) {
      const outcome = stiff.step();
      if (outcome === 'done') return recorder.finish('success', '', method);
      if (typeof outcome === 'object') {
        t = stiff.t;
        return recorder.finish('failed', outcome.failed, method);
      }
      if (outcome === 'rejected') continue;
      // The Jacobian of the step just taken bounds the spectral radius (Gershgorin).
      const rho = gershgorinRadius(stiff.jacobian.J, stiff.jacobian.layout);
      calm = stiff.h * rho <= threshold ? calm + 1 : 0;
      if (calm >= nonstiffSteps) break;
    }
    t = stiff.t;
    y.set(stiff.y);
    rk.k[0]!.set(stiff.fy);
    h = stiff.h;
    stop = recorder.nextStop(t);
    controller.reset();
    stiffCount = 0;
    nonstiffCount = 0;
    stats.nswitch++;
    stats.switches.push({ t, to: 'tsit5' });
  }
  return recorder.finish('success', '', method);
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

/** Set negative components to zero; true when any was. */
function clampNegative(y: Float64Array): boolean {
  let any = false;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! < 0) {
      y[i] = 0;
      any = true;
    }
  }
  return any;
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
