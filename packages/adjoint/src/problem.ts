import { DEFAULT_ATOL, DEFAULT_RTOL, type MethodName } from '@kinetica/ode-core';
import { GradientGuardError, guardModel, guardObservations } from './guards';
import type { GradientModel, GradientOptions, GradientStats, Observations } from './types';

/** The validated inputs every gradient mode works from: plain Float64Arrays and resolved options. */
export interface GradientProblem {
  /** The model with overwrite semantics for vjp's vJp, whatever `accumulateVjp` says. */
  model: GradientModel;
  /** The caller's model, for hot paths that exploit `accumulateVjp`. */
  userModel: GradientModel;
  obs: Observations;
  n: number;
  np: number;
  t0: number;
  y0: Float64Array;
  p: Float64Array;
  times: Float64Array;
  /** Sorted stop times strictly inside (t0, times[last]) that are not observation times. */
  tstops: Float64Array;
  method: MethodName;
  rtol: number;
  /** Per-state absolute tolerance. */
  atol: Float64Array;
  adjointRtol: number;
  adjointAtol: number;
  checkpoints: number;
  h0: number | undefined;
  hmax: number;
  maxSteps: number;
  seminorm: boolean;
  sensitivity: 'simultaneous' | 'staggered';
  maxDrift: number;
}

function finiteArray(name: string, a: ArrayLike<number> | undefined, len?: number): Float64Array {
  if (a === undefined || a === null || typeof a.length !== 'number') {
    throw new TypeError(`odeGradient: ${name} must be an array of numbers`);
  }
  if (len !== undefined && a.length !== len) {
    throw new RangeError(`odeGradient: ${name} has length ${a.length}, expected ${len}`);
  }
  const out = Float64Array.from(a);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new RangeError(`odeGradient: ${name}[${i}] is not a finite number`);
  }
  return out;
}

function positive(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`odeGradient: options.${name} must be a positive finite number, got ${v}`);
  }
  return v;
}

/** Check the inputs of `odeGradient` and bring them into one shape; throws a one-line TypeError/RangeError. */
export function resolveProblem(
  model: GradientModel,
  obs: Observations,
  options: GradientOptions = {},
): GradientProblem {
  if (!model || typeof model.f !== 'function') throw new TypeError('odeGradient: model.f must be a function');
  if (typeof model.vjp !== 'function') throw new TypeError('odeGradient: model.vjp must be a function');
  if (model.jac !== undefined && typeof model.jac !== 'function') {
    throw new TypeError('odeGradient: model.jac must be a function when given');
  }
  if (typeof model.t0 !== 'number' || !Number.isFinite(model.t0)) {
    throw new TypeError(`odeGradient: model.t0 must be a finite number, got ${model.t0}`);
  }
  const y0 = finiteArray('model.y0', model.y0);
  if (y0.length === 0) throw new RangeError('odeGradient: model.y0 is empty');
  const p = finiteArray('model.p', model.p);
  if (!obs || typeof obs.loss !== 'function' || typeof obs.lossGrad !== 'function') {
    throw new TypeError('odeGradient: observations.loss and observations.lossGrad must be functions');
  }
  const times = finiteArray('observations.times', obs.times);
  if (times.length === 0) throw new RangeError('odeGradient: observations.times is empty');
  if (times[0]! < model.t0) {
    throw new RangeError(`odeGradient: observations.times[0]=${times[0]} is before model.t0=${model.t0}`);
  }
  for (let i = 1; i < times.length; i++) {
    if (!(times[i]! > times[i - 1]!)) {
      throw new RangeError(
        `odeGradient: observations.times must increase strictly (times[${i}]=${times[i]})`,
      );
    }
  }
  const n = y0.length;
  const rtol = positive('rtol', options.rtol, DEFAULT_RTOL);
  const atol = new Float64Array(n);
  if (options.atol === undefined || typeof options.atol === 'number') {
    atol.fill(positive('atol', options.atol as number | undefined, DEFAULT_ATOL));
  } else {
    const a = finiteArray('options.atol', options.atol, n);
    for (let i = 0; i < n; i++)
      if (!(a[i]! > 0)) throw new RangeError(`odeGradient: options.atol[${i}] must be > 0`);
    atol.set(a);
  }
  const tEnd = times[times.length - 1]!;
  const stops: number[] = [];
  // The model's own tstops (a ParametricProblem's control knots) and the options' both count.
  for (const [name, given] of [
    ['model.tstops', model.tstops],
    ['options.tstops', options.tstops],
  ] as const) {
    if (given === undefined) continue;
    const ts = finiteArray(name, given);
    for (const s of ts) if (s > model.t0 && s < tEnd) stops.push(s);
  }
  stops.sort((a, b) => a - b);
  const checkpoints = options.checkpoints ?? 8;
  if (!Number.isInteger(checkpoints) || checkpoints < 1) {
    throw new RangeError(`odeGradient: options.checkpoints must be a positive integer, got ${checkpoints}`);
  }
  const maxSteps = options.maxSteps ?? 100_000;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`odeGradient: options.maxSteps must be a positive integer, got ${maxSteps}`);
  }
  const sensitivity = options.sensitivity ?? 'simultaneous';
  if (sensitivity !== 'simultaneous' && sensitivity !== 'staggered') {
    throw new RangeError(
      `odeGradient: options.sensitivity must be 'simultaneous' or 'staggered', got ${sensitivity}`,
    );
  }
  const maxDrift = options.maxDrift ?? 1000;
  if (typeof maxDrift !== 'number' || !(maxDrift > 0)) {
    throw new RangeError(`odeGradient: options.maxDrift must be a positive number, got ${maxDrift}`);
  }
  const accumulating = model.accumulateVjp === true;
  // Every mode calls the model and the loss through these guards (guards.ts).
  const guarded = guardModel(model);
  return {
    model: accumulating
      ? {
          ...model,
          accumulateVjp: false,
          vjp(t, y, q, v, vJy, vJp) {
            vJp.fill(0);
            guarded.vjp(t, y, q, v, vJy, vJp);
            for (let k = 0; k < vJp.length; k++) {
              if (!Number.isFinite(vJp[k]!))
                throw new GradientGuardError(`model.vjp: vJp[${k}] is not finite at t=${t}`);
            }
          },
        }
      : guarded,
    userModel: guarded,
    obs: guardObservations(obs),
    n,
    np: p.length,
    t0: model.t0,
    y0,
    p,
    times,
    tstops: Float64Array.from(new Set(stops)),
    method: options.method ?? 'dopri5',
    rtol,
    atol,
    adjointRtol: positive('adjointRtol', options.adjointRtol, rtol),
    adjointAtol: positive('adjointAtol', options.adjointAtol, Math.min(...atol)),
    checkpoints,
    h0: options.h0 === undefined ? undefined : positive('h0', options.h0, 0),
    hmax: options.hmax === undefined ? Number.POSITIVE_INFINITY : positive('hmax', options.hmax, 0),
    maxSteps,
    seminorm: options.seminorm ?? true,
    sensitivity,
    maxDrift,
  };
}

/** Fresh zeroed counters. */
export function emptyStats(): GradientStats {
  return {
    nfev: { forward: 0, backward: 0 },
    nvjp: 0,
    njev: 0,
    steps: { forward: 0, backward: 0 },
    peakStoredStates: 0,
  };
}
