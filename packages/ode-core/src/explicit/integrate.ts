import { PIController } from '../controllers/pi';
import type { PreparedSolve } from '../problem/prepare';
import { initialStepSize } from '../step-size/initial-step';
import type { Solution } from '../types';
import { isFiniteVector } from '../vector/finite';
import { RungeKuttaInterpolant, RungeKuttaStepper } from './runge-kutta';
import type { ExplicitTableau } from './tableau';

/** Consecutive non-finite trial steps tolerated (each shrinks h by facmin) before giving up. */
const MAX_NONFINITE_RETRIES = 12;

/**
 * Integrate a prepared problem with an explicit Runge–Kutta tableau: adaptive (PI-controlled)
 * when the tableau has an error estimate, fixed-step (h = options.h0) otherwise. Lands exactly
 * on tstops and restarts there (fresh f, controller reset); failures come back as values.
 */
export function integrateExplicit(prep: PreparedSolve, tableau: ExplicitTableau): Solution {
  const { n, f, recorder, direction: d, rtol, atol, hmax, maxSteps, stats, t1 } = prep;
  const name = tableau.name;
  const adaptive = tableau.btilde !== undefined;
  if (!adaptive && prep.h0 === undefined) {
    throw new RangeError(`solve: method '${name}' is fixed-step and needs options.h0`);
  }
  const stepper = new RungeKuttaStepper(tableau, n, f);
  const interp = new RungeKuttaInterpolant(stepper);
  const controller = adaptive ? new PIController(tableau.errorOrder, prep.controller) : undefined;
  const s = tableau.stages;

  let y: Float64Array = prep.y0.slice();
  let yNew: Float64Array = new Float64Array(n);
  // f at the current point lives in k[0]; non-FSAL methods compute f(tNew, yNew) into fSpare.
  let fSpare: Float64Array = new Float64Array(n);
  let t = prep.t0;
  const fail = (why: string) => recorder.finish('failed', `${why} at t=${t}`, name);

  f(t, y, stepper.k[0]!);
  if (!isFiniteVector(stepper.k[0]!)) return fail('NaN or Inf in f');

  let h = Math.min(
    prep.h0 ??
      initialStepSize(
        f,
        t,
        y,
        stepper.k[0]!,
        tableau.errorOrder,
        rtol,
        atol,
        d,
        Math.min(hmax, Math.abs(t1 - t)),
        {
          y1: yNew,
          f1: fSpare,
        },
      ),
    hmax,
  );
  let stop = recorder.nextStop(t);
  let nonFinite = 0;
  // A step that underflows while stepping back from non-finite trial values failed because of f.
  let lastRejectNonFinite = false;

  for (;;) {
    if (stats.nsteps >= maxSteps) return fail(`maxSteps (${maxSteps}) reached`);
    let tNew = t + d * h;
    // Land exactly on the next stop, also when round-off would leave a sliver of a step before it.
    const landing = d * (tNew - stop) >= -100 * Number.EPSILON * Math.max(Math.abs(stop), Math.abs(t));
    if (landing) tNew = stop;
    const hStep = tNew - t;
    if (!(Math.abs(hStep) > 16 * Number.EPSILON * Math.abs(t)) || tNew === t) {
      return fail(lastRejectNonFinite ? 'NaN or Inf in f' : 'step size underflow');
    }
    stats.nsteps++;
    stepper.step(t, y, tNew, yNew);
    const finite = isFiniteVector(yNew) && (!tableau.fsal || isFiniteVector(stepper.k[s - 1]!));

    if (controller !== undefined) {
      const errNorm = finite ? stepper.errorNorm(hStep, y, yNew, atol, rtol) : Number.NaN;
      const ok = finite && controller.accept(errNorm);
      const hNext = Math.min(controller.propose(Math.abs(hStep), errNorm), hmax);
      if (!ok) {
        stats.nreject++;
        lastRejectNonFinite = !finite;
        if (!finite && ++nonFinite > MAX_NONFINITE_RETRIES) return fail('NaN or Inf in f');
        h = hNext;
        continue;
      }
      h = hNext;
    } else if (!finite) {
      return fail('NaN or Inf in f');
    }
    nonFinite = 0;
    stats.naccept++;

    let fNew: Float64Array;
    if (tableau.fsal) {
      fNew = stepper.k[s - 1]!;
    } else {
      fNew = fSpare;
      f(tNew, yNew, fNew);
      if (!isFiniteVector(fNew)) {
        t = tNew;
        return fail('NaN or Inf in f');
      }
    }
    interp.set(t, hStep, y, yNew, fNew);
    const goOn = recorder.step(t, tNew, yNew, interp);

    // Rotate buffers: the new point becomes current and f there becomes the next k[0].
    const yOld = y;
    y = yNew;
    yNew = yOld;
    const k0 = stepper.k[0]!;
    if (tableau.fsal) {
      stepper.k[0] = fNew;
      stepper.k[s - 1] = k0;
    } else {
      stepper.k[0] = fNew;
      fSpare = k0;
    }
    t = tNew;

    if (!goOn) break;
    if (landing) {
      if (t === t1) break;
      // f may jump at a tstop: restart from a fresh f (FSAL reset) and a fresh error history.
      f(t, y, stepper.k[0]!);
      if (!isFiniteVector(stepper.k[0]!)) return fail('NaN or Inf in f');
      controller?.reset();
      stop = recorder.nextStop(t);
    }
  }
  return recorder.finish('success', '', name);
}
