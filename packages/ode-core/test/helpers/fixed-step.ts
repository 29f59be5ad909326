import { RungeKuttaInterpolant, RungeKuttaStepper } from '../../src/explicit/runge-kutta';
import type { ExplicitTableau } from '../../src/explicit/tableau';
import type { RhsFunction } from '../../src/types';

/** Integrate with N equal steps of any tableau (adaptive ones too), bypassing error control. */
export function fixedStepSolve(
  tableau: ExplicitTableau,
  f: RhsFunction,
  y0: ArrayLike<number>,
  t0: number,
  t1: number,
  N: number,
): Float64Array {
  const n = y0.length;
  const stepper = new RungeKuttaStepper(tableau, n, f);
  let y = Float64Array.from(y0);
  let yNew = new Float64Array(n);
  const h = (t1 - t0) / N;
  for (let i = 0; i < N; i++) {
    const t = t0 + i * h;
    const tNew = i === N - 1 ? t1 : t0 + (i + 1) * h;
    f(t, y, stepper.k[0]!);
    stepper.step(t, y, tNew, yNew);
    [y, yNew] = [yNew, y];
  }
  return y;
}

/** One step of size h from the exact state at t0; the step's interpolant evaluated at t0 + θh. */
export function interpolateOneStep(
  tableau: ExplicitTableau,
  f: RhsFunction,
  y0: ArrayLike<number>,
  t0: number,
  h: number,
  theta: number,
): Float64Array {
  const n = y0.length;
  const stepper = new RungeKuttaStepper(tableau, n, f);
  const interp = new RungeKuttaInterpolant(stepper);
  const y = Float64Array.from(y0);
  const yNew = new Float64Array(n);
  const fNew = new Float64Array(n);
  f(t0, y, stepper.k[0]!);
  stepper.step(t0, y, t0 + h, yNew);
  f(t0 + h, yNew, fNew);
  interp.set(t0, h, y, yNew, fNew);
  const out = new Float64Array(n);
  interp.evaluate(t0 + theta * h, out);
  return out;
}

/** Least-squares slope of log(err) against log(h). */
export function observedOrder(hs: number[], errs: number[]): number {
  const x = hs.map(Math.log);
  const y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return num / den;
}
