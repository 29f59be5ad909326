import {
  firstStep,
  isFiniteVector,
  type PreparedSolve,
  type Solution,
  reachesStop,
} from '@kinetica/ode-core';
import { setupNewtonAlgebra } from '../jacobian/setup';
import { guardFor, type PositivitySettings, restartStep } from '../positivity';
import { pushClamps } from '../tape-clamps';
import { StepPolynomial } from '../step-polynomial';
import * as tableau from './radau5-tableau';

// Module-local copies: bundlers may turn imported bindings into property getters in hot loops.
const {
  ALPH,
  BETA,
  C1,
  C1M1,
  C1MC2,
  C2,
  C2M1,
  DD1,
  DD2,
  DD3,
  T11,
  T12,
  T13,
  T21,
  T22,
  T23,
  T31,
  TI11,
  TI12,
  TI13,
  TI21,
  TI22,
  TI23,
  TI31,
  TI32,
  TI33,
  U1,
} = tableau;

/** Tuning of RADAU5; the defaults are those of Hairer's radau5.f. */
export interface Radau5Options extends PositivitySettings {
  /** Largest number of Newton iterations per step (NIT, default 7). */
  maxNewtonIterations?: number;
  /** Reuse the Jacobian while the Newton contraction rate stays below this (THET, default 0.001). */
  jacobianReuseThreshold?: number;
  /** Gustafsson's predictive controller (default true); false gives the classical one. */
  predictive?: boolean;
}

const UROUND = Number.EPSILON;
const SAFE = 0.9;
// Step ratio bounds: h_new/h in [1/FACL, 1/FACR].
const FACL = 5;
const FACR = 1 / 8;
// Keep h (and the LU) when the proposed ratio lies in [QUOT1, QUOT2].
const QUOT1 = 1;
const QUOT2 = 1.2;
const MAX_SINGULAR = 5;
// rtol' = RTOL_FACTOR·rtol^(2/3) (radau5.f: 0.1); see the tolerance mapping in `radau5`.
const RTOL_FACTOR = 0.03;

/**
 * Three-stage Radau IIA (order 5, stiffly accurate, L-stable) after Hairer's RADAU5
 * (Hairer & Wanner, Solving ODEs II, IV.8): simplified Newton on the transformed stage system
 * (one real and one complex LU per factorisation), Jacobian reuse while Newton contracts fast,
 * Gustafsson's predictive step-size controller, and the collocation polynomial as dense output
 * (order 3 uniformly). Tolerances are mapped as in radau5.f (rtol' = c·rtol^(2/3)), with
 * c = 0.03 instead of 0.1 and atol never loosened.
 *
 * Before it fails (not at maxSteps) it asks its `PositivityGuard` for a rescue. A Jacobian refresh
 * is not tried first because there is nothing to refresh: after a rejection radau5.f's rule
 * re-evaluates a Jacobian that was not computed at the current point, so the steps only collapse
 * with a fresh one.
 */
export function radau5(prep: PreparedSolve, options: Radau5Options = {}): Solution {
  const nit = options.maxNewtonIterations ?? 7;
  const thet = options.jacobianReuseThreshold ?? 0.001;
  const predictive = options.predictive ?? true;
  if (!Number.isInteger(nit) || nit < 2)
    throw new RangeError(`radau5: maxNewtonIterations must be an integer ≥ 2, got ${nit}`);
  if (!(thet >= 0 && thet < 1))
    throw new RangeError(`radau5: jacobianReuseThreshold must be in [0, 1), got ${thet}`);

  const { n, f, stats, direction: dir, hmax, maxSteps, t1 } = prep;
  const guard = guardFor(prep, options);
  const tape = prep.tape;
  const method = 'radau5';
  const { algebra, jacobian } = setupNewtonAlgebra(prep);
  const E1 = algebra.real();
  const E2 = algebra.complex();
  const J = jacobian.J;

  // radau5.f maps the user's tolerances to ones suited to its error estimator: rtol' = 0.1·rtol^(2/3)
  // and atol' = atol·rtol'/rtol. Here the factor is 0.03: with 0.1 the collocation polynomial
  // between steps gave 5.95 significant digits on the test set's VDPOL at rtol 1e-7 (t = 1.6, just
  // before a relaxation jump; 6.64 where steps land on the output times) and 6.03 on OREGO; with
  // 0.03, 6.60 and 6.75 for ~1.3× the f calls, the same work for the same achieved accuracy
  // (docs/benchmarks/stiff.md, "Tolerance calibration"). Unlike radau5.f, atol is never loosened
  // (rtol'/rtol > 1 at loose rtol): trace species below atol' may change sign unchecked, and on E5
  // the negative branch blows up in finite time.
  const rtolUser = Math.max(prep.rtol, 10 * UROUND);
  const rtol = RTOL_FACTOR * rtolUser ** (2 / 3);
  const atol = new Float64Array(n);
  for (let i = 0; i < n; i++) atol[i] = Math.min(1, rtol / rtolUser) * prep.atol[i]!;
  const fnewt = Math.max((10 * UROUND) / rtol, Math.min(0.03, Math.sqrt(rtol)));
  const cfac = SAFE * (1 + 2 * nit);

  const y = prep.y0.slice();
  const f0 = new Float64Array(n);
  const scal = new Float64Array(n);
  const z1 = new Float64Array(n);
  const z2 = new Float64Array(n);
  const z3 = new Float64Array(n);
  const w1 = new Float64Array(n);
  const w2 = new Float64Array(n);
  const w3 = new Float64Array(n);
  const d1 = new Float64Array(n);
  const d2 = new Float64Array(n);
  const d3 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const est = new Float64Array(n);
  const e2 = new Float64Array(n);
  // Collocation polynomial of the last accepted step, in s = (t − x_new)/h_old ∈ [−1, 0]
  // (Hairer's CONTR5; cont0 = y at its end), as the step's interpolant.
  const interpolant = new StepPolynomial(4, n, evalContThetas);
  const cont = interpolant.data;

  let x = prep.t0;
  const fail = (message: string) => guard.finish('failed', message, method);

  f(x, y, f0);
  if (!isFiniteVector(f0)) return fail(`NaN or Inf in f at t=${x}`);
  const setScale = () => {
    for (let i = 0; i < n; i++) scal[i] = atol[i]! + rtol * Math.abs(y[i]!);
  };
  setScale();

  let h = dir * firstStep(prep, x, y, f0, 3, { y1: tmp, f1: d1 });
  let xend = guard.nextStop(x);
  let last = false;
  if (reachesStop(x, h, xend, dir)) {
    h = xend - x;
    last = true;
  }

  let first = true;
  let reject = false;
  let needJac = true;
  let needLU = true;
  let caljac = false;
  let faccon = 1;
  let theta = thet;
  let hold = h;
  let hacc = h;
  let erracc = 1e-2;
  let naccpt = 0;
  let nsing = 0;
  let fac1 = 0;
  let alphn = 0;
  let betan = 0;
  let why = '';
  // Newton starts from zeros until a step has been accepted (again, after a rescue).
  let cold = true;
  // Components clamped at a rescue's restart point, for the next tape record.
  let preClamps = 0;

  /**
   * The loop is about to fail: restart from the guard's rescue point (clamped) as at t0, or return
   * false. maxSteps is never rescued.
   */
  const rescue = (message: string): boolean => {
    const point = guard.rescue(message);
    if (point === undefined) return false;
    f(point.t, point.y, tmp);
    if (!isFiniteVector(tmp)) return false;
    x = point.t;
    y.set(point.y);
    f0.set(tmp);
    setScale();
    xend = guard.nextStop(x);
    const hAbs = point.h > 0 ? point.h : restartStep(prep, x, y, f0, 3, { y1: tmp, f1: d1 });
    h = dir * Math.min(hAbs, hmax);
    last = false;
    if (reachesStop(x, h, xend, dir)) {
      h = xend - x;
      last = true;
    }
    first = true;
    reject = false;
    needJac = true;
    needLU = true;
    caljac = false;
    faccon = 1;
    theta = thet;
    hold = h;
    hacc = h;
    erracc = 1e-2;
    naccpt = 0;
    nsing = 0;
    why = '';
    cold = true;
    preClamps = point.clampedCount;
    return true;
  };

  for (;;) {
    if (needJac) {
      jacobian.evaluate(x, y, f0, h);
      caljac = true;
      needJac = false;
      needLU = true;
    }
    if (needLU) {
      fac1 = U1 / h;
      alphn = ALPH / h;
      betan = BETA / h;
      stats.nlu += 2;
      needLU = false;
      if (!E1.factor(fac1, J) || !E2.factor(alphn, betan, J)) {
        nsing++;
        if (nsing >= MAX_SINGULAR) {
          const message = `singular iteration matrix (${nsing} times in a row) at t=${x}`;
          if (rescue(message)) continue;
          return fail(message);
        }
        h *= 0.5;
        reject = true;
        last = false;
        needLU = true;
        if (!caljac) needJac = true;
        continue;
      }
      nsing = 0;
    }

    if (stats.nsteps >= maxSteps) return fail(`maxSteps (${maxSteps}) reached at t=${x}`);
    // A step that lands on the next stop is taken however short (a sliver of span left before an
    // event's time or t1 is one step, not an underflow).
    if (h === 0 || (!last && 0.1 * Math.abs(h) <= Math.abs(x) * UROUND)) {
      const message = `step size underflow at t=${x}${why ? ` (${why})` : ''}`;
      if (rescue(message)) continue;
      return fail(message);
    }
    stats.nsteps++;
    // Land exactly on a stop: x + (xend − x) need not round to xend.
    const xph = last ? xend : x + h;

    // Starting values for Newton: extrapolate the previous collocation polynomial (zeros before the
    // first accepted step). After a restart at a tstop the polynomial is extrapolated too: zeros with
    // the step the controller had reached let the contraction estimate of the first two iterates
    // accept an unconverged iterate (on an enzyme model at rtol 1e-8: 232 tolerance units of error
    // against 0.1), and the root is the same whatever the start.
    if (cold) {
      z1.fill(0);
      z2.fill(0);
      z3.fill(0);
      w1.fill(0);
      w2.fill(0);
      w3.fill(0);
    } else {
      const c3q = h / hold;
      const c1q = C1 * c3q;
      const c2q = C2 * c3q;
      for (let i = 0; i < n; i++) {
        const ak1 = cont[n + i]!;
        const ak2 = cont[2 * n + i]!;
        const ak3 = cont[3 * n + i]!;
        const z1i = c1q * (ak1 + (c1q - C2M1) * (ak2 + (c1q - C1M1) * ak3));
        const z2i = c2q * (ak1 + (c2q - C2M1) * (ak2 + (c2q - C1M1) * ak3));
        const z3i = c3q * (ak1 + (c3q - C2M1) * (ak2 + (c3q - C1M1) * ak3));
        z1[i] = z1i;
        z2[i] = z2i;
        z3[i] = z3i;
        w1[i] = TI11 * z1i + TI12 * z2i + TI13 * z3i;
        w2[i] = TI21 * z1i + TI22 * z2i + TI23 * z3i;
        w3[i] = TI31 * z1i + TI32 * z2i + TI33 * z3i;
      }
    }

    // Simplified Newton iteration on the transformed system.
    faccon = Math.max(faccon, UROUND) ** 0.8;
    theta = Math.abs(thet);
    let newt = 0;
    let dynold = 0;
    let thqold = 0;
    let outcome: 'converged' | 'slow' | 'diverged' = 'converged';
    for (;;) {
      if (newt >= nit) {
        outcome = 'diverged';
        break;
      }
      for (let i = 0; i < n; i++) tmp[i] = y[i]! + z1[i]!;
      f(x + C1 * h, tmp, d1);
      for (let i = 0; i < n; i++) tmp[i] = y[i]! + z2[i]!;
      f(x + C2 * h, tmp, d2);
      for (let i = 0; i < n; i++) tmp[i] = y[i]! + z3[i]!;
      f(xph, tmp, d3);
      for (let i = 0; i < n; i++) {
        const a1 = d1[i]!;
        const a2 = d2[i]!;
        const a3 = d3[i]!;
        const s2 = -w2[i]!;
        const s3 = -w3[i]!;
        d1[i] = TI11 * a1 + TI12 * a2 + TI13 * a3 - w1[i]! * fac1;
        d2[i] = TI21 * a1 + TI22 * a2 + TI23 * a3 + s2 * alphn - s3 * betan;
        d3[i] = TI31 * a1 + TI32 * a2 + TI33 * a3 + s3 * alphn + s2 * betan;
      }
      E1.solve(d1);
      E2.solve(d2, d3);
      newt++;
      let dyno = 0;
      for (let i = 0; i < n; i++) {
        const s = 1 / scal[i]!;
        const a = d1[i]! * s;
        const b = d2[i]! * s;
        const c = d3[i]! * s;
        dyno += a * a + b * b + c * c;
      }
      dyno = Math.sqrt(dyno / (3 * n));
      if (!Number.isFinite(dyno)) {
        why = 'NaN or Inf in f or in the Newton iterate';
        outcome = 'diverged';
        break;
      }
      if (newt > 1 && newt < nit) {
        const thq = dyno / dynold;
        theta = newt === 2 ? thq : Math.sqrt(thq * thqold);
        thqold = thq;
        if (theta < 0.99) {
          faccon = theta / (1 - theta);
          const dyth = (faccon * dyno * theta ** (nit - 1 - newt)) / fnewt;
          if (dyth >= 1) {
            // Convergence predicted too slow: restart with the step the rate allows.
            const qnewt = Math.max(1e-4, Math.min(20, dyth));
            h *= 0.8 * qnewt ** (-1 / (4 + nit - 1 - newt));
            outcome = 'slow';
            break;
          }
        } else {
          outcome = 'diverged';
          break;
        }
      }
      dynold = Math.max(dyno, UROUND);
      for (let i = 0; i < n; i++) {
        const a1 = (w1[i] = w1[i]! + d1[i]!);
        const a2 = (w2[i] = w2[i]! + d2[i]!);
        const a3 = (w3[i] = w3[i]! + d3[i]!);
        z1[i] = T11 * a1 + T12 * a2 + T13 * a3;
        z2[i] = T21 * a1 + T22 * a2 + T23 * a3;
        z3[i] = T31 * a1 + a2;
      }
      // Unlike radau5.f, a single iterate is never accepted on the previous step's contraction
      // estimate (scipy's Radau does the same): doing so cost up to two digits of accuracy on
      // POLLU and HIRES at loose tolerances for a few percent fewer f evaluations.
      if (newt > 1 && faccon * dyno <= fnewt) break;
    }

    if (outcome !== 'converged') {
      stats.nreject++;
      if (outcome === 'diverged') {
        if (why === '') why = 'Newton iteration diverging';
        h *= 0.5;
      } else {
        why = 'Newton iteration converging too slowly';
      }
      reject = true;
      last = false;
      needLU = true;
      if (!caljac) needJac = true;
      continue;
    }

    // Error estimate (Hairer–Wanner II, IV.8, eq. 8.20), filtered through E1 for stiff components.
    const hee1 = DD1 / h;
    const hee2 = DD2 / h;
    const hee3 = DD3 / h;
    for (let i = 0; i < n; i++) {
      e2[i] = hee1 * z1[i]! + hee2 * z2[i]! + hee3 * z3[i]!;
      est[i] = e2[i]! + f0[i]!;
    }
    E1.solve(est);
    let err = rms(est, scal, n);
    if (err >= 1 && (first || reject)) {
      // After a rejection the estimate is refined with one more f evaluation (Hairer's remedy for stiff overshoot).
      for (let i = 0; i < n; i++) tmp[i] = y[i]! + est[i]!;
      f(x, tmp, d1);
      for (let i = 0; i < n; i++) est[i] = d1[i]! + e2[i]!;
      E1.solve(est);
      err = rms(est, scal, n);
    }
    if (!Number.isFinite(err)) err = 1e6;
    err = Math.max(err, 1e-10);

    const fac = Math.min(SAFE, cfac / (newt + 2 * nit));
    let quot = Math.max(FACR, Math.min(FACL, err ** 0.25 / fac));
    let hnew = h / quot;

    if (err < 1) {
      first = false;
      naccpt++;
      if (predictive) {
        if (naccpt > 1) {
          let facgus = ((hacc / h) * ((err * err) / erracc) ** 0.25) / SAFE;
          facgus = Math.max(FACR, Math.min(FACL, facgus));
          quot = Math.max(quot, facgus);
          hnew = h / quot;
        }
        hacc = h;
        erracc = Math.max(1e-2, err);
      }
      if (tape !== undefined) {
        // What the transposed step needs (radau5-reverse.ts): y_n and the converged stage
        // increments z_j; the stage values y_n + z_j sit at x + C1·h, x + C2·h and xph. The
        // clamps follow once the new state is known.
        tape.begin(x, h);
        tape.push(y);
        tape.push(z1);
        tape.push(z2);
        tape.push(z3);
      }
      const xold = x;
      hold = h;
      x = xph;
      for (let i = 0; i < n; i++) {
        y[i] = y[i]! + z3[i]!;
        const z1i = z1[i]!;
        const z2i = z2[i]!;
        const c1 = (z2i - z3[i]!) / C2M1;
        const ak = (z1i - z2i) / C1MC2;
        const acont3 = (ak - z1i / C1) / C2;
        const c2 = (ak - c1) / C1M1;
        cont[n + i] = c1;
        cont[2 * n + i] = c2;
        cont[3 * n + i] = c2 - acont3;
      }
      let clamped = 0;
      if (prep.nonnegative) {
        for (let i = 0; i < n; i++) if (y[i]! < 0) y[i] = 0;
      } else {
        clamped = guard.project(y);
      }
      if (tape !== undefined) {
        pushClamps(tape, guard, preClamps, clamped);
        tape.end(x);
      }
      preClamps = 0;
      cold = false;
      cont.set(y, 0);
      interpolant.set(x, hold);
      stats.naccept++;
      why = '';
      setScale();
      if (!guard.step(xold, x, y, interpolant)) {
        // A terminal event, or a positivity rescue the guard asks for (see PositivityGuard.unresolved).
        const due = guard.takeRescue();
        if (due === undefined) break;
        if (rescue(due)) continue;
        return fail(due);
      }
      f(x, y, f0);
      if (!isFiniteVector(f0)) {
        const message = `NaN or Inf in f at t=${x}`;
        if (rescue(message)) continue;
        return fail(message);
      }
      caljac = false;

      hnew = dir * Math.min(Math.abs(hnew), hmax);
      if (reject) hnew = dir * Math.min(Math.abs(hnew), Math.abs(h));
      reject = false;
      if (last) {
        if (x === t1) break;
        // Landed on a tstop: f may jump here, so restart as at t0.
        first = true;
        naccpt = 0;
        faccon = 1;
        xend = guard.nextStop(x);
        last = false;
        h = hnew;
        if (reachesStop(x, h, xend, dir)) {
          h = xend - x;
          last = true;
        }
        needJac = true;
        continue;
      }
      if (reachesStop(x, hnew / QUOT1, xend, dir)) {
        h = xend - x;
        last = true;
      } else {
        const qt = hnew / h;
        if (theta <= thet && qt >= QUOT1 && qt <= QUOT2) continue;
        h = hnew;
      }
      needLU = true;
      if (theta > thet) needJac = true;
    } else {
      stats.nreject++;
      reject = true;
      last = false;
      why = 'error test failed repeatedly';
      h = first ? h * 0.1 : hnew;
      needLU = true;
      if (!caljac) needJac = true;
    }
  }
  return guard.finish('success', '', method);
}

function rms(v: Float64Array, scal: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const r = v[i]! / scal[i]!;
    s += r * r;
  }
  return Math.sqrt(s / n);
}

/**
 * Hairer's CONTR5, the collocation polynomial at s = (t − x_new)/h_old ∈ [−1, 0], at s = theta[j],
 * j < m, into rows off, off + n, … of out (`StepPolynomial.atThetas`), component by component.
 * A module function (n from the data's length): as a closure inside `radau5` it ran at 12 ns a
 * row against 9 (ROBER's 400,001 rows).
 */
function evalContThetas(
  cont: Float64Array,
  theta: Float64Array,
  m: number,
  out: Float64Array,
  off: number,
): void {
  const n = cont.length >> 2;
  for (let i = 0; i < n; i++) {
    const c0 = cont[i]!;
    const c1 = cont[n + i]!;
    const c2 = cont[2 * n + i]!;
    const c3 = cont[3 * n + i]!;
    for (let j = 0, o = off + i; j < m; j++, o += n) {
      const s = theta[j]!;
      out[o] = c0 + s * (c1 + (s - C2M1) * (c2 + (s - C1M1) * c3));
    }
  }
}
