import type { ODEProblem, ReverseContext, Solution, StiffMethodName } from '@kinetica/ode-core';
import { describe, expect, it } from 'vitest';
import { e5, rescuesOf, rober, solve, solveTaped, vdpol } from '../src/index';

const STIFF: StiffMethodName[] = ['radau5', 'rodas5', 'ros23', 'bdf', 'auto'];

/**
 * The user tolerance at which bdf's error test runs where it ran at `tol` before its calibration
 * (a third of the user's tolerances then, a hundredth now): the scenarios below need those steps.
 */
const asBefore = (method: StiffMethodName, tol: number) => (method === 'bdf' ? (tol / 3) * 100 : tol);

function expectSameSolution(a: Solution, b: Solution, probe: number[] = []): void {
  expect(a.status).toBe(b.status);
  expect(a.message).toBe(b.message);
  expect(a.stats).toEqual(b.stats);
  expect(a.t).toEqual(b.t);
  expect(a.Y).toEqual(b.Y);
  expect(a.events).toEqual(b.events);
  for (const t of probe) expect(a.at!(t)).toEqual(b.at!(t));
}

describe('the positivity guard leaves untroubled solves alone', () => {
  it.each(
    STIFF,
  )('%s: VDPOL, whose y2 swings far below −atol, is the same bit for bit with the rescue off', (method) => {
    // y2 starts at 0 and is negative half the time: the guard holds output back on the first
    // swing (dense output and events then run on snapshots) and releases it unchanged.
    const options = {
      method,
      rtol: 1e-5,
      atol: 1e-5,
      dense: true,
      saveAt: [0.3, 0.81, 1.2, 2],
      events: [{ g: (_t: number, y: Float64Array) => y[1]! + 0.5, name: 'y2 = −0.5' }],
    };
    const guarded = solve(vdpol.problem, options);
    const off = solve(vdpol.problem, { ...options, nonnegative: false });
    expect(guarded.status).toBe('success');
    // y2 = −0.5 is crossed: y2 has been far below −atol.
    expect(guarded.events.length).toBeGreaterThan(0);
    expectSameSolution(guarded, off, [0.05, 0.5, 0.8105, 1.7]);
    expect(rescuesOf(guarded)).toEqual([]);
  });

  it.each(STIFF)('%s: a terminal event inside held output still ends the solve there', (method) => {
    const options = {
      method,
      rtol: 1e-6,
      atol: 1e-6,
      events: [{ g: (_t: number, y: Float64Array) => y[1]! + 1, terminal: true }],
    };
    const guarded = solve(vdpol.problem, options);
    const off = solve(vdpol.problem, { ...options, nonnegative: false });
    expect(guarded.events).toHaveLength(1);
    expect(guarded.t[guarded.t.length - 1]).toBe(guarded.events[0]!.t);
    expect(guarded.t).toEqual(off.t);
    expect(guarded.Y).toEqual(off.Y);
  });

  it.each(STIFF)('%s: a failure with no sign change behind it gets no positivity rescue', (method) => {
    // y' = y², y(0) = 1 leaves every float before t = 1; y never goes negative. bdf still restarts
    // once with a fresh Jacobian and 'auto' still changes method (both with the rescue off too).
    const blowUp: ODEProblem = { f: (_t, y, d) => void (d[0] = y[0]! * y[0]!), y0: [1], tspan: [0, 2] };
    const guarded = solve(blowUp, { method });
    expect(guarded.status).toBe('failed');
    expect(guarded.message).toMatch(
      /^(step size underflow|NaN or Inf in f|Newton iteration did not converge) at t=/,
    );
    expect(rescuesOf(guarded).filter((r) => r.kind === 'nonnegative')).toEqual([]);
    expectSameSolution(guarded, solve(blowUp, { method, nonnegative: false }));
  });

  it.each<StiffMethodName>(['radau5', 'rodas5', 'bdf', 'auto'])('%s: maxSteps is never rescued', (method) => {
    const sol = solve(e5.problem, { method, rtol: 1e-6, atol: 1e-6, maxSteps: 40 });
    expect(sol.status).toBe('failed');
    expect(sol.message).toMatch(/^maxSteps \(40\) reached at t=/);
    expect(sol.stats.nsteps).toBe(40);
  });
});

describe('the positivity rescue', () => {
  it.each<StiffMethodName>([
    'radau5',
    'bdf',
    'auto',
  ])('%s: ROBER at rtol = atol = 1e-3 (bdf: its former internal tolerance), which used to end in a step size underflow', (method) => {
    const t1 = rober.problem.tspan[1] as number;
    const tol = asBefore(method, 1e-3);
    const options = { method, rtol: tol, atol: tol, saveAt: [t1] };
    expect(solve(rober.problem, { ...options, nonnegative: false }).status).toBe('failed');
    const sol = solve(rober.problem, options);
    expect(sol.status).toBe('success');
    expect(rescuesOf(sol).some((r) => r.kind === 'nonnegative')).toBe(true);
    // Clamped from the rescue on: never negative again. The end state is within √n weights
    // (atol + rtol·|ref|) of the reference, the most one component may carry in an accepted step;
    // the clamps keep y1 + y2 + y3 = 1 only to about atol.
    const y = sol.y[0]!;
    for (let i = 0; i < 3; i++) {
      const ref = rober.reference[i]!;
      expect(y[i]!).toBeGreaterThanOrEqual(0);
      expect(Math.abs(y[i]! - ref) / (tol + tol * Math.abs(ref))).toBeLessThanOrEqual(Math.sqrt(3));
    }
  });
});

describe('a hold that never recovers', () => {
  // ROBER on diff-grok's span [0, 1e12] at loose tolerances: y2 goes below −atol late and, with
  // y2 < 0, y1 runs away while y1 + y2 + y3 stays 1. No step fails, so the rescue used to wait in
  // vain and the solve ended as a success with y1 ≈ −4.5e8. True end state: (2.08e-9, 8.3e-15, 1).
  const robertson1e12: ODEProblem = { ...rober.problem, tspan: [0, 1e12] };
  it.each<[StiffMethodName, number]>([
    ['radau5', 1e-4],
    ['radau5', 1e-5],
    ['bdf', asBefore('bdf', 1e-5)],
  ])('%s at rtol = atol = %s: ROBER to 1e12 ends near (0, 0, 1), not at y1 ≈ −4.5e8', (method, tol) => {
    const options = { method, rtol: tol, atol: tol };
    const off = solve(robertson1e12, { ...options, nonnegative: false });
    // The misleading success this guards against, still there with the rescue off.
    expect(off.status).toBe('success');
    expect(off.y[off.t.length - 1]![0]!).toBeLessThan(-1e6);
    const sol = solve(robertson1e12, options);
    expect(sol.status).toBe('success');
    expect(sol.t[sol.t.length - 1]).toBe(1e12);
    const end = sol.y[sol.t.length - 1]!;
    const truth = [2.0833e-9, 8.3e-15, 1];
    for (let i = 0; i < 3; i++) expect(Math.abs(end[i]! - truth[i]!)).toBeLessThanOrEqual(tol);
    for (const y of sol.y) for (const v of y) expect(v).toBeGreaterThanOrEqual(-tol);
    const rescue = rescuesOf(sol).find((r) => r.kind === 'nonnegative');
    expect(rescue?.reason).toMatch(/^y\[\d\] ran away to -[\d.e+]+ at t=1000000000000$/);
    expect(rescue!.discarded).toBeGreaterThan(0);
  });

  it.each(
    STIFF,
  )("%s: a component whose own field takes it below zero is left alone (y' = −1 from 0)", (method) => {
    const drain: ODEProblem = { f: (_t, _y, d) => void (d[0] = -1), y0: [0], tspan: [0, 3] };
    const sol = solve(drain, { method, rtol: 1e-6, atol: 1e-6, saveAt: [1, 2, 3] });
    expect(sol.status).toBe('success');
    expect(rescuesOf(sol)).toEqual([]);
    for (let k = 0; k < 3; k++) expect(sol.y[k]![0]!).toBeCloseTo(-(k + 1), 6);
  });

  it.each(STIFF)('%s: a component that starts at 0 and was never positive is no run-away', (method) => {
    // x' = −sin t from 0: x = cos t − 1 goes to −2 and f = 0 at the last good point (t = 0), so
    // only its never having been positive tells it from ROBER's y1 (a sensitivity or a deviation
    // from a steady state behaves the same way; the forward sensitivities of the adjoint package
    // were clamped by an earlier form of the rule).
    const dip: ODEProblem = { f: (t, _y, d) => void (d[0] = -Math.sin(t)), y0: [0], tspan: [0, 3] };
    const sol = solve(dip, { method, rtol: 1e-8, atol: 1e-10, saveAt: [1, 2, 3] });
    expect(sol.status).toBe('success');
    expect(rescuesOf(sol)).toEqual([]);
    [1, 2, 3].forEach((t, k) => {
      expect(sol.y[k]![0]!).toBeCloseTo(Math.cos(t) - 1, 4);
    });
  });

  it.each(STIFF)('%s: an oscillator that ends with x and v below zero is not clamped', (method) => {
    // x' = v, v' = −x from (1, 0) to t = 2.5: v < 0 from the first step, x < 0 after π/2, both
    // still negative at the end. At the last good point (t = 0) v' = −x = −1 at v = 0: the sign is
    // the solution's, not an error to clamp away.
    const oscillator: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = y[1]!;
        d[1] = -y[0]!;
      },
      y0: [1, 0],
      tspan: [0, 2.5],
    };
    const sol = solve(oscillator, { method, rtol: 1e-8, atol: 1e-8, saveAt: [1, 2, 2.5] });
    expect(sol.status).toBe('success');
    expect(rescuesOf(sol)).toEqual([]);
    ([1, 2, 2.5] as const).forEach((t, k) => {
      expect(sol.y[k]![0]!).toBeCloseTo(Math.cos(t), 5);
      expect(sol.y[k]![1]!).toBeCloseTo(-Math.sin(t), 5);
    });
  });
});

describe('the positivity rescue only integrates forwards', () => {
  it.each<StiffMethodName>([
    'radau5',
    'rodas5',
    'bdf',
  ])('%s: backwards in time a collapse after a sign change is not clamped away', (method) => {
    // The depletion below, mirrored in time: a' = +1 run from t = 1.5 down to 0 takes a through
    // zero at t = 1 and into the region where f is NaN. Backwards the non-negative orthant is not
    // invariant (an adjoint system's components are signed), so the solve fails as without the guard.
    const mirrored: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = y[0]! < -0.2 ? Number.NaN : 1;
        d[1] = -y[0]!;
      },
      y0: [0.5, 0.1],
      tspan: [1.5, 0],
    };
    const options = { method, rtol: 0.1, atol: 0.1, h0: 0.1, hmax: 0.1 };
    const sol = solve(mirrored, options);
    expect(sol.status).toBe('failed');
    expect(sol.y.some((y) => y[0]! < 0)).toBe(true);
    expect(rescuesOf(sol).filter((r) => r.kind === 'nonnegative')).toEqual([]);
    expectSameSolution(sol, solve(mirrored, { ...options, nonnegative: false }));
    // Forwards, the same depletion is rescued (see below).
    const forwards: ODEProblem = {
      f: (_t, y, d) => {
        d[0] = y[0]! < -0.2 ? Number.NaN : -1;
        d[1] = y[0]!;
      },
      y0: [0.5, 0.1],
      tspan: [0, 1.5],
    };
    expect(rescuesOf(solve(forwards, options)).map((r) => r.kind)).toContain('nonnegative');
  });
});

describe('taped solves with a positivity rescue', () => {
  // a' = −1 depletes a through zero; b' = a integrates it. f is NaN once a < −0.2 (kinetics that
  // blow up on a negative concentration). With steps pinned at 0.1: a(0.6) = −0.05 (within atol of
  // zero), a(0.7) = −0.15 starts a hold, the steps collapse towards a = −0.2, and the rescue goes
  // back to t = 0.6, clamps a there and after every step. So b(T) depends on a0 through the six
  // steps before the clamp only: ∂b(T)/∂a0 = 0.6, ∂b(T)/∂b0 = 1.
  const T = 1.5;
  const depletion = (a0: number, b0: number): ODEProblem => ({
    f: (_t, y, d) => {
      d[0] = y[0]! < -0.2 ? Number.NaN : -1;
      d[1] = y[0]!;
    },
    jac: (_t, _y, J) => J.set([0, 0, 1, 0]),
    y0: [a0, b0],
    tspan: [0, T],
  });
  // b's atol as bdf's error test had it before its calibration (a's steps are exact: a is linear).
  const pinned = (method: StiffMethodName) =>
    ({ method, rtol: 0.1, atol: [0.1, asBefore(method, 0.1)], h0: 0.1, hmax: 0.1, saveAt: [T] }) as const;

  function gradient(method: StiffMethodName, a0: number, b0: number) {
    const { solution, tape, reverse } = solveTaped(depletion(a0, b0), pinned(method));
    const lambda = new Float64Array(2);
    const ctx: ReverseContext = {
      n: 2,
      np: 0,
      p: new Float64Array(0),
      lambda,
      pbar: new Float64Array(0),
      vjpAdd(_t, _y, v, vJy) {
        vJy[0] = v[1]!;
        vJy[1] = 0;
      },
      jac: (_t, _y, J) => J.set([0, 0, 1, 0]),
      f(_t, y, out) {
        out[0] = -1;
        out[1] = y[0]!;
      },
      atStepEnd(t) {
        if (t === T) lambda[1]! += 1;
      },
    };
    return { solution, tape, why: reverse(tape, ctx), lambda };
  }

  it.each<StiffMethodName>([
    'radau5',
    'rodas5',
    'bdf',
  ])('%s: the tape is cut back to the rescue point and the reverse sweep is the exact derivative', (method) => {
    const a0 = 0.55;
    const b0 = 0.1;
    const { solution, tape, why, lambda } = gradient(method, a0, b0);
    expectSameSolution(solution, solve(depletion(a0, b0), pinned(method)));
    const rescues = rescuesOf(solution);
    expect(rescues).toHaveLength(1);
    expect(rescues[0]!.kind).toBe('nonnegative');
    expect(rescues[0]!.t).toBeCloseTo(0.6, 12);
    expect(rescues[0]!.discarded).toBeGreaterThan(0);
    // One record per step of the solution (0.1 each), back to back: the steps taken back are gone.
    expect(tape.steps).toBe(15);
    for (let k = 1; k < tape.steps; k++) expect(tape.t[k]).toBe(tape.tNew[k - 1]);
    expect(tape.tNew[tape.steps - 1]).toBe(T);
    expect(why).toBe('');
    expect(lambda[0]).toBeCloseTo(0.6, 9);
    expect(lambda[1]).toBeCloseTo(1, 12);
    // The same derivative from central differences of the computed solution.
    const d = 1e-6;
    const b = (x: number, y: number) => solve(depletion(x, y), pinned(method)).y[0]![1]!;
    expect(lambda[0]).toBeCloseTo((b(a0 + d, b0) - b(a0 - d, b0)) / (2 * d), 7);
    expect(lambda[1]).toBeCloseTo((b(a0, b0 + d) - b(a0, b0 - d)) / (2 * d), 7);
  });

  it.each<StiffMethodName>([
    'radau5',
    'rodas5',
    'bdf',
  ])('%s: a taped E5 solve at rtol = atol = 1e-6 (bdf: its former internal tolerance) is the rescued solve, and its reverse sweep runs', (method) => {
    const tol = asBefore(method, 1e-6);
    const options = { method, rtol: tol, atol: tol, saveAt: [1e13] };
    const { solution, tape, reverse } = solveTaped(e5.problem, options);
    expectSameSolution(solution, solve(e5.problem, options));
    expect(rescuesOf(solution).map((r) => r.kind)).toContain('nonnegative');
    for (let k = 1; k < tape.steps; k++) expect(tape.t[k]).toBe(tape.tNew[k - 1]);
    expect(tape.tNew[tape.steps - 1]).toBe(1e13);
    const J = new Float64Array(16);
    const lambda = new Float64Array(4);
    const ctx: ReverseContext = {
      n: 4,
      np: 0,
      p: new Float64Array(0),
      lambda,
      pbar: new Float64Array(0),
      vjpAdd(t, y, v, vJy) {
        e5.problem.jac!(t, y, J);
        for (let j = 0; j < 4; j++)
          vJy[j] = v[0]! * J[j]! + v[1]! * J[4 + j]! + v[2]! * J[8 + j]! + v[3]! * J[12 + j]!;
      },
      jac: (t, y, out) => e5.problem.jac!(t, y, out),
      f: (t, y, out) => e5.problem.f(t, y, out),
      atStepEnd(t) {
        if (t === 1e13) lambda[0]! += 1;
      },
    };
    expect(reverse(tape, ctx)).toBe('');
    for (let i = 0; i < 4; i++) expect(Number.isFinite(lambda[i]!)).toBe(true);
  });
});

describe("'auto' changes method before it fails", () => {
  it('hands over to radau5 when Rodas5P fails, and reports radau5’s failure only after that', () => {
    // A user Jacobian that is NaN on (1, 2): Rodas5P needs one at every step and fails with
    // singular matrices; radau5 takes over from Rodas5P's last point, already inside the interval,
    // and fails there too, but only after the attempt, which stats record.
    const problem: ODEProblem = {
      f: (t, y, d) => {
        d[0] = -1e4 * (y[0]! - Math.cos(t));
        d[1] = -1e3 * (y[1]! - y[0]!);
      },
      jac: (t, _y, J) => {
        const v = t > 1 && t < 2 ? Number.NaN : 1;
        J.set([-1e4 * v, 0, 1e3, -1e3]);
      },
      y0: [1, 1],
      tspan: [0, 3],
    };
    expect(solve(problem, { method: 'rodas5' }).message).toMatch(/^singular iteration matrix/);
    const sol = solve(problem, { method: 'auto' });
    expect(sol.status).toBe('failed');
    expect(sol.method).toBe('auto');
    const rescues = rescuesOf(sol);
    expect(rescues.at(-1)).toMatchObject({ kind: 'method', to: 'radau5' });
    expect(rescues.at(-1)!.reason).toMatch(/^singular iteration matrix/);
    expect(sol.stats.switches!.at(-1)).toEqual({ t: rescues.at(-1)!.t, to: 'radau5' });
    // radau5 (without a sign change to rescue) fails at the point it started from.
    expect(sol.message).toBe(`singular iteration matrix (5 times in a row) at t=${rescues.at(-1)!.t}`);
  });
});
