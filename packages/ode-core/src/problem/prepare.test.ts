import { describe, expect, it } from 'vitest';
import { solve } from '../solve';
import type { ODEProblem, SolveOptions } from '../types';
import { prepareSolve } from './prepare';

const f = (_t: number, y: Float64Array, d: Float64Array) => void d.set(y);
const ok: ODEProblem = { f, y0: [1, 2], tspan: [0, 1] };

function throws(
  problem: ODEProblem,
  options: SolveOptions,
  type: typeof TypeError | typeof RangeError,
  what: RegExp,
) {
  expect(() => solve(problem, options)).toThrow(type);
  expect(() => solve(problem, options)).toThrow(what);
  try {
    solve(problem, options);
  } catch (e) {
    expect((e as Error).message).not.toContain('\n');
  }
}

describe('invalid arguments throw one-line TypeError/RangeError at the call', () => {
  it('problem shape', () => {
    throws({ ...ok, f: 3 as never }, {}, TypeError, /problem\.f/);
    throws({ ...ok, y0: 'ab' as never }, {}, TypeError, /problem\.y0/);
    throws({ ...ok, y0: [1, '2' as never] }, {}, TypeError, /problem\.y0\[1\]/);
    throws({ ...ok, y0: [] }, {}, RangeError, /at least one component/);
    throws({ ...ok, y0: [1, Number.NaN] }, {}, RangeError, /y0 must be finite.*component 1/);
    throws({ ...ok, tspan: [0] }, {}, TypeError, /tspan/);
    throws({ ...ok, tspan: [0, Number.POSITIVE_INFINITY] }, {}, RangeError, /tspan must be finite/);
    throws({ ...ok, tspan: [1, 1] }, {}, RangeError, /zero length/);
    throws({ ...ok, jac: 1 as never }, {}, TypeError, /problem\.jac/);
  });

  it('tolerances', () => {
    throws(ok, { rtol: -1e-6 }, RangeError, /rtol/);
    throws(ok, { rtol: Number.NaN }, RangeError, /rtol/);
    throws(ok, { atol: -1 }, RangeError, /atol/);
    throws(ok, { atol: [1e-6] }, RangeError, /atol has length 1, expected 2/);
    throws(ok, { atol: [1e-6, -1] }, RangeError, /atol\[1\]/);
    throws(ok, { rtol: 0, atol: [1e-6, 0] }, RangeError, /no tolerance/);
  });

  it('steps, output times and events', () => {
    throws(ok, { h0: 0 }, RangeError, /h0/);
    throws(ok, { h0: -0.1 }, RangeError, /h0 = -0.1 points backwards/);
    throws(ok, { hmax: 0 }, RangeError, /hmax/);
    throws(ok, { maxSteps: 2.5 }, RangeError, /maxSteps/);
    throws(ok, { saveAt: [0, 1.5] }, RangeError, /saveAt\[1\] = 1.5 is outside tspan/);
    throws(ok, { saveAt: [0.5, 0.2] }, RangeError, /monotone: saveAt\[1\] = 0.2 comes after 0.5/);
    throws(ok, { saveAt: [-0.1, 0.5] }, RangeError, /saveAt\[0\] = -0.1 is outside tspan/);
    throws(ok, { saveAt: new Float64Array([0.2, Number.NaN]) }, RangeError, /saveAt\[1\] = NaN is outside/);
    throws(ok, { saveAt: [0.2, 0.4, 0.4, 0.3] }, RangeError, /saveAt\[3\] = 0.3 comes after 0.4/);
    throws({ ...ok, tspan: [1, 0] }, { saveAt: [0.2, 0.5] }, RangeError, /monotone/);
    throws(ok, { tstops: [Number.NaN] }, RangeError, /tstops\[0\]/);
    throws(ok, { events: [{ g: 1 as never }] }, TypeError, /events\[0\]\.g/);
    throws(ok, { events: [{ g: () => 0, direction: 2 as never }] }, RangeError, /direction/);
  });

  it('methods', () => {
    throws(
      ok,
      // @ts-expect-error: an unknown method name, rejected at run time
      { method: 'rk5' },
      RangeError,
      /unknown method 'rk5' \(known: euler, rk4, bs3, dopri5, tsit5, dop853\)/,
    );
    throws(ok, { method: 'radau5' }, RangeError, /stiff method; use solve from @kinetica\/solvers-stiff/);
    throws(ok, { method: 'rk4' }, RangeError, /fixed-step and needs options\.h0/);
    throws(ok, { method: 7 as never }, TypeError, /method must be a string/);
    throws(ok, { controller: { safety: 2 } }, RangeError, /safety/);
  });
});

describe('prepareSolve', () => {
  it('normalises options and counts evaluations through the wrapped f and jac', () => {
    const p = prepareSolve(
      { f, y0: Float64Array.of(1, 2), tspan: [2, 0], jac: (_t, _y, J) => J.fill(0) },
      { atol: 1e-3, h0: 0.5, tstops: [1] },
    );
    expect(p.direction).toBe(-1);
    expect(p.n).toBe(2);
    expect(Array.from(p.atol)).toEqual([1e-3, 1e-3]);
    expect(p.rtol).toBe(1e-6);
    expect(p.h0).toBe(0.5);
    expect(p.hmax).toBe(2);
    expect(p.maxSteps).toBe(100000);
    const d = new Float64Array(2);
    p.f(0, p.y0, d);
    p.jac!(0, p.y0, new Float64Array(4));
    expect(p.stats).toMatchObject({ nfev: 1, njev: 1, nlu: 0, nsteps: 0 });
    expect(p.recorder.nextStop(2)).toBe(1);
    expect(p.recorder.nextStop(1)).toBe(0);
  });

  it('copies y0 so that the caller’s array is never written', () => {
    const y0 = Float64Array.of(1, 2);
    const p = prepareSolve({ f, y0, tspan: [0, 1] }, {});
    p.y0[0] = 99;
    expect(y0[0]).toBe(1);
  });
});

describe('parametric problems', () => {
  it('a problem written as a class keeps its `this` (f and jac are called on the instance)', () => {
    class Decay {
      readonly y0 = [1];
      readonly p = [0.5];
      readonly tspan = [0, 2] as const;
      private readonly scale = 1;
      f(_t: number, y: Float64Array, p: Float64Array, d: Float64Array): void {
        d[0] = -this.scale * p[0]! * y[0]!;
      }
      jac(_t: number, _y: Float64Array, p: Float64Array, J: Float64Array): void {
        J[0] = -this.scale * p[0]!;
      }
    }
    const prep = prepareSolve(new Decay());
    const d = new Float64Array(1);
    prep.f(0, Float64Array.of(2), d);
    expect(d[0]).toBe(-1);
    const J = new Float64Array(1);
    prep.jac!(0, Float64Array.of(2), J);
    expect(J[0]).toBe(-0.5);
    expect(prep.stats.nfev).toBe(1);
    expect(prep.stats.njev).toBe(1);
  });

  it('names the source of a non-finite tstop, and merges problem and option tstops', () => {
    const problem = { f: () => {}, y0: [1], tspan: [0, 10] as const, tstops: [2, Number.NaN] };
    expect(() => prepareSolve(problem)).toThrow(/problem\.tstops\[1\] must be finite/);
    expect(() => prepareSolve({ ...problem, tstops: [2] }, { tstops: [Number.POSITIVE_INFINITY] })).toThrow(
      /options\.tstops\[0\] must be finite/,
    );
    const prep = prepareSolve({ ...problem, tstops: [5, 2] }, { tstops: [3, 5] });
    expect(prep.recorder.nextStop(0)).toBe(2);
    expect(prep.recorder.nextStop(2)).toBe(3);
    expect(prep.recorder.nextStop(3)).toBe(5);
    expect(prep.recorder.nextStop(5)).toBe(10);
  });
});
