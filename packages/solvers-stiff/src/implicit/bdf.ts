import {
  firstStep,
  isFiniteVector,
  type PreparedSolve,
  reachesStop,
  type Solution,
  type StepInterpolant,
} from '@kinetica/ode-core';
import { setupNewtonAlgebra } from '../jacobian/setup';
import { guardFor, noteRescue, type PositivitySettings, restartStep } from '../positivity';
import { BDF_MAX_ORDER, BdfOpLog, RescaleWork, rescaleMatrix } from './bdf-reverse';

/** Options of the variable-order BDF/NDF method beyond the common `SolveOptions`. */
export interface BdfSettings extends PositivitySettings {
  /** Highest order used, 1 … 5 (default 5). */
  maxOrder?: number;
  /**
   * Run at this order only (after the start-up ramp from order 1). With `fixedStep` this is the
   * textbook k-step formula, used to verify the order of convergence.
   */
  order?: number;
  /** Keep the step at `h0` throughout (requires `h0`; no error control). Default false. */
  fixedStep?: boolean;
  /** 'ndf' (default): Klopfenstein–Shampine numerical differentiation formulas; 'bdf': κ = 0. */
  formula?: 'ndf' | 'bdf';
}

const MAX_ORDER = BDF_MAX_ORDER;
const NEWTON_MAXITER = 4;
// Newton stops once its estimated remaining error is below this fraction of the local error
// tolerance (CVODE's NLSCOEF; scipy's BDF uses min(0.03, √rtol), which costs ~35 % more f calls on
// the test set for no measurable gain in accuracy).
const NEWTON_TOL = 0.1;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
// Step increases smaller than this keep h (and the factored Newton matrix): CVODE's rule.
const MIN_GROWTH = 1.2;
// Reuse the Newton matrix while h/α changes by less than 30 % (CVODE's dgmax).
const GAMMA_REUSE = 0.3;
// Refresh a Jacobian older than this many steps at the next refactorisation (CVODE's msbj).
const JAC_MAX_AGE = 50;
// The local error test runs at a hundredth of the user's tolerances (the spirit of RADAU5's
// tolerance transformation): BDF's local errors on a smooth stretch share one sign, so its global
// error is their sum over many short steps, and on the test set at rtol 1e-7 a third of the
// tolerances (this constant until 2026-12) gave 4.7 significant digits on VDPOL just before a
// relaxation jump (phase error 3e-7 amplified by the steep slow manifold) and 5.0 on OREGO. At a
// hundredth every test-set problem reaches ≥ 6.1 digits at intermediate output times
// (bench/testset-intermediate.ts) for ~1.7× the f calls at the same rtol; work against achieved
// accuracy is unchanged (VDPOL: a third of rtol 1e-8 and a thirtieth of 1e-7 gave the same digits
// for the same f calls; docs/benchmarks/stiff.md, "Tolerance calibration").
const TOLERANCE_SCALE = 1 / 100;
// …but not below 3e-11 where a third of the user's rtol is above it (and never looser than a
// third): near round-off the backward differences of the error estimate turn to noise. The
// adjoint package's continuous backward solves of ROBER at rtol 1e-10 (run before at 3.3e-11)
// ended in a step size underflow at an internal 1e-12, and with a weight of 1e10 on y2 at 1e-11.
const MIN_INTERNAL_RTOL = 3e-11;
// NDF coefficients κ_k (Shampine & Reichelt, SIAM J. Sci. Comput. 18 (1997) 1, table 1).
const KAPPA_NDF = [0, -0.185, -1 / 9, -0.0823, -0.0415, 0];

/**
 * Variable-order (1–5), quasi-constant-step BDF/NDF in the difference form of Shampine & Reichelt
 * (MATLAB's ode15s) and scipy's `BDF`: the backward differences D⁰y … D^{k+2}y of the
 * interpolating polynomial are rescaled on every step change, the corrector is solved by a
 * simplified Newton iteration whose Jacobian and factored matrix are reused across steps
 * (refreshed on convergence failure, after 50 steps, or when h/α drifts by more than 30 %, as in
 * CVODE), and the order moves by at most one after k+1 steps of equal size, choosing the order
 * whose error estimate permits the largest step. The interpolating polynomial is the dense output.
 *
 * Failures are values: Newton failure at the smallest step, NaN/Inf in f, step-size underflow,
 * singular iteration matrix, or maxSteps, each with the time reached. Before one of them (not
 * maxSteps, not with `fixedStep`) the loop first restarts at order 1 from the last accepted point
 * with a fresh Jacobian, when the one it has is older than that point (error-test failures never
 * refresh it), and then asks its `PositivityGuard` for a rescue.
 *
 * With `prep.tape` set, each accepted step's record logs every operation on the difference array
 * since the previous accepted step (the rescalings of rejected attempts, landings and hmax, a
 * restart, then the step itself: see `BdfOpLog`), for `bdfReverse`. Recording only reads values:
 * the solution is the same bit for bit.
 */
export function bdf(prep: PreparedSolve, settings: BdfSettings = {}): Solution {
  const { n, direction: dir, t1, stats, f } = prep;
  const tolScale =
    prep.rtol > 0
      ? Math.min(1 / 3, Math.max(TOLERANCE_SCALE, MIN_INTERNAL_RTOL / prep.rtol))
      : TOLERANCE_SCALE;
  const rtol = prep.rtol * tolScale;
  const atol = prep.atol.map((a) => a * tolScale);
  const maxOrder = settings.maxOrder ?? MAX_ORDER;
  if (!Number.isInteger(maxOrder) || maxOrder < 1 || maxOrder > MAX_ORDER) {
    throw new RangeError(`bdf: maxOrder must be an integer in [1, 5], got ${maxOrder}`);
  }
  const fixedOrder = settings.order;
  if (
    fixedOrder !== undefined &&
    (!Number.isInteger(fixedOrder) || fixedOrder < 1 || fixedOrder > maxOrder)
  ) {
    throw new RangeError(`bdf: order must be an integer in [1, ${maxOrder}], got ${fixedOrder}`);
  }
  const fixedStep = settings.fixedStep === true;
  if (fixedStep && prep.h0 === undefined) throw new RangeError('bdf: fixedStep needs options.h0');
  // Fixed steps cannot restart: no rescue, so no output held back for one either.
  const guard = guardFor(prep, fixedStep ? { ...settings, positivityRescue: false } : settings);
  const topOrder = fixedOrder ?? maxOrder;
  const formula = settings.formula ?? 'ndf';
  if (formula !== 'ndf' && formula !== 'bdf') {
    throw new RangeError(`bdf: formula must be 'ndf' or 'bdf', got ${String(formula)}`);
  }

  // γ_k = Σ_{j≤k} 1/j, α_k = (1 − κ_k) γ_k, error constant κ_k γ_k + 1/(k+1) (Shampine–Reichelt).
  const gamma = new Float64Array(MAX_ORDER + 1);
  const alpha = new Float64Array(MAX_ORDER + 1);
  const errorConst = new Float64Array(MAX_ORDER + 2);
  for (let k = 1; k <= MAX_ORDER; k++) gamma[k] = gamma[k - 1]! + 1 / k;
  for (let k = 0; k <= MAX_ORDER + 1; k++) {
    const kappa = formula === 'ndf' && k <= MAX_ORDER ? KAPPA_NDF[k]! : 0;
    if (k <= MAX_ORDER) alpha[k] = (1 - kappa) * gamma[k]!;
    errorConst[k] = kappa * (k <= MAX_ORDER ? gamma[k]! : 0) + 1 / (k + 1);
  }

  const rows = MAX_ORDER + 3;
  const D = new Float64Array(rows * n);
  const D0 = D.subarray(0, n);
  const dTmp = new Float64Array((MAX_ORDER + 1) * n);
  const rescale = new RescaleWork();
  const yPred = new Float64Array(n);
  const yNew = new Float64Array(n);
  const psi = new Float64Array(n);
  const scale = new Float64Array(n);
  const d = new Float64Array(n);
  const dy = new Float64Array(n);
  const fv = new Float64Array(n);
  const { algebra, jacobian } = setupNewtonAlgebra(prep);
  const linear = algebra.real();
  const interp = new BdfInterpolant(D, n);
  const tape = prep.tape;
  const log = tape === undefined ? undefined : new BdfOpLog(n);
  /** Rescale D to the step factor·h at the current order (and log it for the adjoint). */
  const rescaleD = (factor: number) => {
    changeD(D, dTmp, n, order, factor, rescale);
    log?.rescale(order, factor);
  };

  let t = prep.t0;
  D.set(prep.y0, 0);
  f(t, prep.y0, fv);
  if (!isFiniteVector(fv)) return guard.finish('failed', `NaN or Inf in f at t=${t}`, 'bdf');

  // ode-core's first step at bdf's tolerances: no less than its first-step floor (a state that is
  // a round-off residue of 0, as on a restart at an event's time, makes the estimate a few ulps of
  // t: an immediate underflow).
  let hAbs = firstStep(prep, t, prep.y0, fv, 1, { y1: yNew, f1: dy }, { rtol, atol });
  for (let i = 0; i < n; i++) D[n + i] = fv[i]! * hAbs * dir;
  log?.start(t, hAbs * dir, prep.y0);

  let order = 1;
  let nEqualSteps = 0;
  // Newton need not go below round-off: corrections of 10 ulps of y, relative to rtol (scipy's floor).
  const roundOff = rtol > 0 ? (10 * Number.EPSILON) / rtol : 0;
  const newtonTol = Math.max(roundOff, NEWTON_TOL);
  // The Jacobian and the factored matrix γI − J with γ = 1/cLU (c = h/α_k of that factorisation).
  jacobian.evaluate(t, D.subarray(0, n), fv, dir * hAbs);
  let jacFresh = true;
  let jacAge = 0;
  let luValid = false;
  let cLU = 0;
  // Whether the loop restarted with a fresh Jacobian since the last accepted step.
  let refreshed = false;
  /** A first step from (t, D⁰), as at t0 (f(t, D⁰) in fv): the steps had collapsed. */
  const freshStep = (): number => restartStep(prep, t, D0, fv, 1, { y1: yNew, f1: dy }, { rtol, atol });

  /**
   * Order 1 from (t, D⁰) with a fresh Jacobian and step hAbs, or a fresh estimate when `h` is 0
   * (D¹ = h·f(t, D⁰), as after a tstop).
   */
  const restart = (h: number): boolean => {
    f(t, D0, fv);
    if (!isFiniteVector(fv)) return false;
    hAbs = h > 0 ? Math.min(h, prep.hmax) : freshStep();
    for (let i = 0; i < n; i++) D[n + i] = fv[i]! * hAbs * dir;
    log?.start(t, hAbs * dir, D0);
    order = 1;
    nEqualSteps = 0;
    jacobian.evaluate(t, D0, fv, dir * hAbs);
    jacFresh = true;
    jacAge = 0;
    luValid = false;
    return true;
  };

  /**
   * The loop is about to fail with `message`: restart with a fresh Jacobian when the one it has
   * predates the last accepted point, else from the guard's rescue point (clamped); false when
   * neither applies.
   */
  const rescue = (message: string, positivityOnly = false): boolean => {
    if (fixedStep) return false;
    if (!positivityOnly && !refreshed && !jacFresh) {
      refreshed = true;
      if (!restart(0)) return false;
      noteRescue(stats, { t, kind: 'jacobian', reason: message, discarded: 0 });
      return true;
    }
    const point = guard.rescue(message);
    if (point === undefined) return false;
    // Back to the rescue point (the guard has cut the tape there): the pending operations
    // belonged to steps taken back; the restart keeps D⁰ only (the reverse sweep zeroes the
    // cotangents of the other rows), clamps and starts at order 1.
    t = point.t;
    D.fill(0);
    D0.set(point.y);
    if (log !== undefined) {
      log.discard();
      log.zeroHistory();
      for (let k = 0; k < point.clampedCount; k++) log.clampPending(guard.clampedAtRestart[k]!);
    }
    refreshed = true;
    return restart(point.h);
  };

  outer: while (dir * (t1 - t) > 0) {
    const tStop = guard.nextStop(t);
    const minStep = 10 * Number.EPSILON * Math.max(Math.abs(t), Number.MIN_VALUE);

    if (!fixedStep && hAbs > prep.hmax) {
      rescaleD(prep.hmax / hAbs);
      hAbs = prep.hmax;
      nEqualSteps = 0;
    }

    let accepted = false;
    let failure = '';
    let nIter = 0;
    let tNew = t;
    let errNorm = 0;
    let hStep = 0;
    let cStep = 0;
    while (!accepted) {
      if (stats.nsteps >= prep.maxSteps) {
        failure = `maxSteps (${prep.maxSteps}) reached at t=${t}`;
        break;
      }
      if (hAbs < minStep) {
        // A sliver of span up to the next stop (a piece that starts a few ulps before an event's
        // time or t1) is one step that lands on it, not an underflow.
        const rest = Math.abs(tStop - t);
        if (!(rest <= minStep)) {
          failure = `step size underflow at t=${t}`;
          break;
        }
        if (hAbs < rest) {
          rescaleD(rest / hAbs);
          hAbs = rest;
        }
      }
      stats.nsteps++;
      tNew = t + dir * hAbs;
      if (reachesStop(t, tNew - t, tStop, dir)) tNew = tStop;
      // The differences must describe the step actually taken: far from t = 0 a small step is only
      // a few ulps of t, and the rounding of t + h would otherwise enter the predictor as an error
      // of relative size ulp(t)/h (enough to stall tight-tolerance solves late in the span).
      const factor = Math.abs(tNew - t) / hAbs;
      if (Math.abs(factor - 1) > 1e-12) {
        rescaleD(factor);
        if (Math.abs(factor - 1) > 1e-3) nEqualSteps = 0;
      }
      hAbs = Math.abs(tNew - t);
      const h = tNew - t;

      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j <= order; j++) s += D[j * n + i]!;
        yPred[i] = s;
        scale[i] = atol[i]! + rtol * Math.abs(s);
        let p = 0;
        for (let j = 1; j <= order; j++) p += gamma[j]! * D[j * n + i]!;
        psi[i] = p / alpha[order]!;
      }
      const c = h / alpha[order]!;
      hStep = h;
      cStep = c;

      let converged = false;
      let nonFinite = false;
      let singular = false;
      for (;;) {
        if (!luValid || Math.abs(c / cLU - 1) > GAMMA_REUSE) {
          if (!jacFresh && jacAge >= JAC_MAX_AGE) {
            f(tNew, yPred, fv);
            jacobian.evaluate(tNew, yPred, fv, dir * hAbs);
            jacFresh = true;
            jacAge = 0;
          }
          stats.nlu++;
          if (!linear.factor(1 / c, jacobian.J)) {
            luValid = false;
            // A singular γI − J (or a Jacobian with NaN/Inf) fails this step like a Newton
            // divergence: refresh a stale Jacobian once, then retry with a smaller step.
            if (jacFresh) {
              singular = true;
              nonFinite ||= !isFiniteVector(jacobian.J);
              break;
            }
            f(tNew, yPred, fv);
            jacobian.evaluate(tNew, yPred, fv, dir * hAbs);
            jacFresh = true;
            jacAge = 0;
            continue;
          }
          luValid = true;
          cLU = c;
        }
        // (I − cJ)Δ = c f − ψ − d is solved as (I/cLU − J)Δ = (c f − ψ − d)/cLU, then scaled by
        // 2/(1 + c/cLU) to correct for the stale γ (CVODE, Hindmarsh et al. 2005, eq. 2.5).
        const ratio = c / cLU;
        const corr = ratio === 1 ? 1 / cLU : 2 / (1 + ratio) / cLU;
        yNew.set(yPred);
        d.fill(0);
        let dyNormOld = 0;
        for (let k = 0; k < NEWTON_MAXITER; k++) {
          nIter = k + 1;
          f(tNew, yNew, fv);
          if (!isFiniteVector(fv)) {
            nonFinite = true;
            break;
          }
          for (let i = 0; i < n; i++) dy[i] = c * fv[i]! - psi[i]! - d[i]!;
          linear.solve(dy);
          let sum = 0;
          for (let i = 0; i < n; i++) {
            dy[i]! *= corr;
            const r = dy[i]! / scale[i]!;
            sum += r * r;
          }
          const dyNorm = Math.sqrt(sum / n);
          // Convergence is judged only on a contraction rate measured within this step (scipy's
          // rule). A rate carried over from earlier steps would accept a single correction made with
          // a stale Jacobian whose stiff entries have the wrong sign: on E5 that let a step land
          // below zero, past which y2' = −c·y2·y3 blows up.
          let rate = 1;
          if (k > 0) {
            rate = dyNorm / dyNormOld;
            // At very tight tolerances the corrections reach round-off and stop contracting; one at
            // round-off is then accepted rather than called divergent. Above round-off a rate ≥ 1
            // is divergence even for a small correction: a stale Jacobian can creep towards a point
            // that is no root of the corrector (on E5, again with y2, y3 carried below zero).
            const stalled = dyNorm < roundOff;
            if (!stalled && (rate >= 1 || (rate ** (NEWTON_MAXITER - k) / (1 - rate)) * dyNorm > newtonTol))
              break;
            if (stalled && rate >= 1) rate = 0;
          }
          for (let i = 0; i < n; i++) {
            yNew[i]! += dy[i];
            d[i]! += dy[i];
          }
          if (dyNorm === 0 || (k > 0 && (rate / (1 - rate)) * dyNorm < newtonTol)) {
            converged = true;
            break;
          }
          dyNormOld = dyNorm;
        }
        if (converged || jacFresh) break;
        // A stale Jacobian may be why Newton failed: refresh it at the predictor and retry.
        f(tNew, yPred, fv);
        jacobian.evaluate(tNew, yPred, fv, dir * hAbs);
        jacFresh = true;
        jacAge = 0;
        luValid = false;
      }

      if (!converged) {
        const why = nonFinite
          ? `NaN or Inf in f at t=${tNew}`
          : singular
            ? `singular iteration matrix at t=${t}`
            : `Newton iteration did not converge at t=${tNew}`;
        if (fixedStep || hAbs * 0.5 < minStep) {
          if (rescue(why)) continue outer;
          return fail(why);
        }
        stats.nreject++;
        // A Jacobian taken where f is not finite must not outlive the step that produced it.
        if (nonFinite && !isFiniteVector(jacobian.J)) jacFresh = false;
        rescaleD(0.5);
        hAbs *= 0.5;
        nEqualSteps = 0;
        continue;
      }

      let sum = 0;
      for (let i = 0; i < n; i++) {
        const r = (errorConst[order]! * d[i]!) / (atol[i]! + rtol * Math.abs(yNew[i]!));
        sum += r * r;
      }
      errNorm = Math.sqrt(sum / n);
      if (fixedStep || errNorm <= 1) {
        accepted = true;
      } else {
        stats.nreject++;
        const safety = (0.9 * (2 * NEWTON_MAXITER + 1)) / (2 * NEWTON_MAXITER + nIter);
        // A non-finite error (an overflowing corrector) shrinks the step as much as allowed.
        const factor = Number.isFinite(errNorm)
          ? Math.max(MIN_FACTOR, safety * errNorm ** (-1 / (order + 1)))
          : MIN_FACTOR;
        rescaleD(factor);
        hAbs *= factor;
        nEqualSteps = 0;
      }
    }
    if (failure !== '') {
      if (stats.nsteps < prep.maxSteps && rescue(failure)) continue;
      return fail(failure);
    }

    stats.naccept++;
    refreshed = false;
    nEqualSteps++;
    jacFresh = false;
    jacAge++;
    const tOld = t;
    t = tNew;
    // The Newton iterate yNew is where the corrector's Jacobian is taken in the reverse sweep.
    if (log !== undefined) log.step(tape!, tOld, hStep, order, cStep, alpha[order]!, yNew);

    // D^{k+1}y_n = d and D^{j}y_n = D^{j}y_{n−1} + D^{j+1}y_n: the new differences from the old.
    const o1 = (order + 1) * n;
    const o2 = (order + 2) * n;
    for (let i = 0; i < n; i++) {
      D[o2 + i] = d[i]! - D[o1 + i]!;
      D[o1 + i] = d[i]!;
    }
    for (let j = order; j >= 0; j--) {
      const oj = j * n;
      const oj1 = oj + n;
      for (let i = 0; i < n; i++) D[oj + i]! += D[oj1 + i];
    }
    if (prep.nonnegative) {
      for (let i = 0; i < n; i++) {
        if (D[i]! < 0) {
          D[i] = 0;
          if (log !== undefined) log.clamp(tape!, i);
        }
      }
    } else {
      const clamped = guard.project(D0);
      if (log !== undefined) for (let k = 0; k < clamped; k++) log.clamp(tape!, guard.clamped[k]!);
    }
    tape?.end(t);

    interp.set(t, dir * hAbs, order);
    yNew.set(D0);
    if (!guard.step(tOld, t, yNew, interp)) {
      // A terminal event, or a positivity rescue the guard asks for (see PositivityGuard.unresolved):
      // straight to the guard's rescue point (a Jacobian refresh would not undo the sign change).
      const due = guard.takeRescue();
      if (due === undefined) break;
      if (rescue(due, true)) continue;
      return fail(due);
    }

    if (t === tStop && tStop !== t1) {
      // A tstop marks a discontinuity of f: restart at order 1 from the current state.
      f(t, yNew, fv);
      if (!isFiniteVector(fv)) {
        const message = `NaN or Inf in f at t=${t}`;
        if (rescue(message)) continue;
        return fail(message);
      }
      order = 1;
      nEqualSteps = 0;
      for (let i = 0; i < n; i++) D[n + i] = fv[i]! * hAbs * dir;
      log?.start(t, hAbs * dir, yNew);
      luValid = false;
      continue;
    }

    if (fixedStep) {
      if (order < topOrder && nEqualSteps >= order + 1) {
        order++;
        nEqualSteps = 0;
      }
      continue;
    }
    if (nEqualSteps < order + 1) continue;

    // Choose among orders k−1, k, k+1 the one whose error estimate allows the largest step.
    const safety = (0.9 * (2 * NEWTON_MAXITER + 1)) / (2 * NEWTON_MAXITER + nIter);
    const errM =
      order > 1 ? weightedNorm(D, order * n, errorConst[order - 1]!, yNew, atol, rtol, n) : Infinity;
    const errP =
      order < topOrder
        ? weightedNorm(D, (order + 2) * n, errorConst[order + 1]!, yNew, atol, rtol, n)
        : Infinity;
    const facM = errM ** (-1 / order);
    const facK = errNorm ** (-1 / (order + 1));
    const facP = errP ** (-1 / (order + 2));
    let best = facK;
    let delta = 0;
    if (facM > best) {
      best = facM;
      delta = -1;
    }
    if (facP > best) {
      best = facP;
      delta = 1;
    }
    let factor = Math.min(MAX_FACTOR, safety * best);
    if (delta === 0 && factor >= 1 && factor < MIN_GROWTH) factor = 1;
    if (delta === 0 && factor === 1) continue;
    order += delta;
    rescaleD(factor);
    hAbs *= factor;
    nEqualSteps = 0;
  }
  return guard.finish('success', '', 'bdf');

  function fail(message: string): Solution {
    return guard.finish('failed', message, 'bdf');
  }
}

function weightedNorm(
  D: Float64Array,
  offset: number,
  c: number,
  y: Float64Array,
  atol: Float64Array,
  rtol: number,
  n: number,
): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = (c * D[offset + i]!) / (atol[i]! + rtol * Math.abs(y[i]!));
    sum += r * r;
  }
  return Math.sqrt(sum / n);
}

/** Rescale the differences D⁰ … D^order in place to the step factor·h. */
function changeD(
  D: Float64Array,
  tmp: Float64Array,
  n: number,
  order: number,
  factor: number,
  w: RescaleWork,
): void {
  const m = order + 1;
  const RU = rescaleMatrix(order, factor, w);
  tmp.set(D.subarray(0, m * n));
  // D[j] ← Σ_k RU[k][j] D[k]; row 0 is unchanged (RU[0][0] = 1, RU[k][0] = 0).
  for (let j = 1; j < m; j++) {
    const oj = j * n;
    for (let i = 0; i < n; i++) D[oj + i] = 0;
    for (let k = 0; k < m; k++) {
      const c = RU[k * m + j]!;
      if (c === 0) continue;
      const ok = k * n;
      for (let i = 0; i < n; i++) D[oj + i]! += c * tmp[ok + i]!;
    }
  }
}

/**
 * The BDF interpolating polynomial through the last order+1 solution points, in Newton form on
 * the backward differences: y(t) = D⁰ + Σ_{j=1..k} D^j Π_{m<j} (t − (t_n − m h)) / ((m + 1) h).
 */
class BdfInterpolant implements StepInterpolant {
  private tN = 0;
  private h = 0;
  private order = 1;

  constructor(
    private readonly D: Float64Array,
    private readonly n: number,
  ) {}

  set(tN: number, h: number, order: number): void {
    this.tN = tN;
    this.h = h;
    this.order = order;
  }

  evaluate(t: number, out: Float64Array): void {
    evaluateBdf(this.D, this.n, this.tN, this.h, this.order, t, out, 0);
  }

  evaluateRows(ts: Float64Array, from: number, to: number, out: Float64Array, off: number): void {
    const { D, n, tN, h, order } = this;
    for (let k = from, o = off; k < to; k++, o += n) evaluateBdf(D, n, tN, h, order, ts[k]!, out, o);
  }

  snapshot(): (t: number, out: Float64Array) => void {
    const D = this.D.slice(0, (this.order + 1) * this.n);
    const { n, tN, h, order } = this;
    return (t, out) => evaluateBdf(D, n, tN, h, order, t, out, 0);
  }
}

function evaluateBdf(
  D: Float64Array,
  n: number,
  tN: number,
  h: number,
  order: number,
  t: number,
  out: Float64Array,
  off: number,
): void {
  for (let i = 0; i < n; i++) out[off + i] = D[i]!;
  let p = 1;
  for (let j = 0; j < order; j++) {
    p *= (t - (tN - h * j)) / (h * (j + 1));
    const o = (j + 1) * n;
    for (let i = 0; i < n; i++) out[off + i]! += D[o + i]! * p;
  }
}
