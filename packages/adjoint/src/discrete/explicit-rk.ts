import { type ExplicitTableau, initialStepSize, PIController, scaledErrorNorm } from '@kinetica/ode-core';
import type { GradientProblem } from '../problem';
import { failResult, newResult } from '../result';
import { clampToStop, mergeStops } from '../stops';
import type { GradientResult } from '../types';
import { StepTape } from './step-tape';

/** Stages whose values reach y_{n+1}; FSAL's last stage only feeds the error estimate. */
function neededStages(tab: ExplicitTableau): number {
  const s = tab.stages;
  const need = new Array<boolean>(s).fill(false);
  for (let i = s - 1; i >= 0; i--) {
    need[i] = tab.b[i] !== 0;
    for (let j = i + 1; j < s; j++) if (need[j] && tab.a[j]![i] !== 0) need[i] = true;
  }
  return need.lastIndexOf(true) + 1;
}

/**
 * 'discrete' mode for explicit Runge–Kutta methods: a taped forward solve, then the transpose of
 * every accepted step applied in reverse. The step sizes of the forward solve are held fixed
 * (their dependence on y through the error controller is not differentiated, as in torchdiffeq,
 * diffrax and SciML), so the result is the exact gradient of the computed solution with its
 * step sizes treated as constants.
 *
 * Forward: Y_i = y_n + h Σ_j a_ij k_j, k_i = f(t_n + c_i h, Y_i), y_{n+1} = y_n + h Σ b_i k_i.
 * Reverse: k̄_i = h b_i λ + Σ_{j>i} h a_ji Ȳ_j, (Ȳ_i, p̄ += ·) = vjp(Y_i, k̄_i), λ_n = λ_{n+1} + Σ Ȳ_i.
 * Observation times are landed on exactly, so each loss gradient enters λ at a step boundary.
 */
export function discreteExplicit(prob: GradientProblem, tab: ExplicitTableau): GradientResult {
  const res = newResult(prob, 'discrete');
  const { model, obs, n, np, p, t0, rtol, atol } = prob;
  const { a, b, c } = tab;
  const e = tab.btilde;
  const s = tab.stages;
  const sNeed = neededStages(tab);
  const fixed = e === undefined;
  if (fixed && prob.h0 === undefined) {
    throw new RangeError(`odeGradient: method '${tab.name}' is fixed-step and needs options.h0`);
  }
  const stops = mergeStops(prob);
  const nobs = prob.times.length;
  const stats = res.stats;

  let y = Float64Array.from(prob.y0);
  let ynew = new Float64Array(n);
  const ys = new Float64Array(n);
  const err = new Float64Array(n);
  const g = new Float64Array(n);
  const K: Float64Array[] = [];
  for (let i = 0; i < s; i++) K.push(new Float64Array(n));
  const gObs = new Float64Array(nobs * n);
  const obsStep = new Int32Array(nobs);
  const stride = sNeed * n;
  const span = prob.times[nobs - 1]! - t0;
  const tape = new StepTape(
    stride,
    fixed ? Math.ceil(span / prob.h0! + 1e-6) + stops.t.length + 1 : Math.max(64, 4 * stops.t.length),
  );

  let t = t0;
  model.f(t, y, p, K[0]!);
  stats.nfev.forward++;
  if (nobs > 0 && prob.times[0] === t0) {
    res.loss += obs.loss(0, y);
    obs.lossGrad(0, y, g);
    gObs.set(g, 0);
    let d = 0;
    for (let i = 0; i < n; i++) d += g[i]! * K[0]![i]!;
    res.dtimes[0] = d;
  }

  const controller = fixed ? undefined : new PIController(tab.errorOrder);
  const countedF = (tt: number, yy: Float64Array, out: Float64Array) => {
    model.f(tt, yy, p, out);
    stats.nfev.forward++;
  };
  let h =
    prob.h0 ??
    initialStepSize(countedF, t, y, K[0]!, tab.errorOrder, rtol, atol, 1, Math.min(prob.hmax, span), {
      y1: err,
      f1: K[1]!,
    });
  let attempts = 0;
  let k = 0;

  while (k < stops.t.length) {
    const target = stops.t[k]!;
    const hStep = clampToStop(t, Math.min(h, prob.hmax), target);
    if (attempts >= prob.maxSteps) return failResult(res, `maxSteps (${prob.maxSteps}) reached at t=${t}`);
    if (!(hStep > 1e-14 * Math.max(1, Math.abs(t)))) return failResult(res, `step size underflow at t=${t}`);
    attempts++;
    const off = tape.reserve();
    const data = tape.data;
    for (let i = 0; i < n; i++) data[off + i] = y[i]!;
    for (let st = 1; st < s; st++) {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        const row = a[st]!;
        for (let j = 0; j < st; j++) acc += row[j]! * K[j]![i]!;
        ys[i] = y[i]! + hStep * acc;
      }
      if (st < sNeed) data.set(ys, off + st * n);
      model.f(t + c[st]! * hStep, ys, p, K[st]!);
      stats.nfev.forward++;
    }
    let finite = true;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < sNeed; j++) acc += b[j]! * K[j]![i]!;
      const v = y[i]! + hStep * acc;
      ynew[i] = v;
      if (!Number.isFinite(v)) finite = false;
    }
    if (!finite) return failResult(res, `non-finite state at t=${t + hStep}`);
    let errn = 0;
    if (controller) {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += e![j]! * K[j]![i]!;
        err[i] = hStep * acc;
      }
      errn = scaledErrorNorm(err, y, ynew, atol, rtol);
      if (Number.isNaN(errn)) return failResult(res, `NaN in f at t=${t}`);
      if (!controller.accept(errn)) {
        h = controller.propose(hStep, errn);
        continue;
      }
    }
    tape.commit(t, hStep);
    const landed = hStep === target - t;
    t = landed ? target : t + hStep;
    const tmp = y;
    y = ynew;
    ynew = tmp;
    if (tab.fsal) {
      const k0 = K[0]!;
      K[0] = K[s - 1]!;
      K[s - 1] = k0;
    } else {
      model.f(t, y, p, K[0]!);
      stats.nfev.forward++;
    }
    if (landed) {
      const oi = stops.obs[k]!;
      if (oi >= 0) {
        res.loss += obs.loss(oi, y);
        obs.lossGrad(oi, y, g);
        gObs.set(g, oi * n);
        obsStep[oi] = tape.length;
        let d = 0;
        for (let i = 0; i < n; i++) d += g[i]! * K[0]![i]!;
        res.dtimes[oi] = d;
      }
      k++;
    }
    if (controller) h = controller.propose(hStep, errn);
  }
  const N = tape.length;
  stats.steps.forward = N;
  stats.steps.backward = N;
  stats.peakStoredStates = N * sNeed + nobs;

  const lambda = res.dy0;
  const pbar = res.dp;
  const Ybar: Float64Array[] = [];
  for (let i = 0; i < sNeed; i++) Ybar.push(new Float64Array(n));
  const kbar = new Float64Array(n);
  const { userModel } = prob;
  const accumulate = userModel.accumulateVjp === true;
  const vJp = new Float64Array(accumulate ? 0 : np);
  let oi = nobs - 1;
  for (let step = N - 1; step >= 0; step--) {
    while (oi >= 0 && obsStep[oi] === step + 1) {
      for (let i = 0; i < n; i++) lambda[i]! += gObs[oi * n + i];
      oi--;
    }
    const ts = tape.t[step]!;
    const hs = tape.h[step]!;
    const off = step * stride;
    const data = tape.data;
    for (let st = sNeed - 1; st >= 0; st--) {
      const hb = hs * b[st]!;
      for (let i = 0; i < n; i++) {
        let acc = hb * lambda[i]!;
        for (let j = st + 1; j < sNeed; j++) acc += hs * a[j]![st]! * Ybar[j]![i]!;
        kbar[i] = acc;
        ys[i] = data[off + st * n + i]!;
      }
      if (accumulate) {
        userModel.vjp(ts + c[st]! * hs, ys, p, kbar, Ybar[st]!, pbar);
      } else {
        model.vjp(ts + c[st]! * hs, ys, p, kbar, Ybar[st]!, vJp);
        for (let i = 0; i < np; i++) pbar[i]! += vJp[i];
      }
      stats.nvjp++;
    }
    for (let st = 0; st < sNeed; st++) {
      const yb = Ybar[st]!;
      for (let i = 0; i < n; i++) lambda[i]! += yb[i];
    }
  }
  while (oi >= 0) {
    for (let i = 0; i < n; i++) lambda[i]! += gObs[oi * n + i];
    oi--;
  }
  return res;
}
