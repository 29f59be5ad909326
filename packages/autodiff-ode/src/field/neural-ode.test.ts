import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { LinearControls } from './controls';
import { NeuralODE, type NonNegativity } from './neural-ode';
import { relErr, centralGradient } from '../../test/finite-difference';

const controls = {
  times: [0, 1, 2.5, 4],
  values: [
    [1, 0],
    [2, -1],
    [0.5, 0.5],
    [1, 1],
  ],
};

describe('LinearControls', () => {
  it('interpolates linearly, holds the end values and reports interior knots as tstops', () => {
    const c = new LinearControls(controls);
    const out = new Float64Array(2);
    c.evaluate(0.5, out);
    expect(Array.from(out)).toEqual([1.5, -0.5]);
    c.evaluate(3.25, out);
    expect(Array.from(out)).toEqual([0.75, 0.75]);
    c.evaluate(0.25, out); // backwards after a later lookup
    expect(Array.from(out)).toEqual([1.25, -0.25]);
    c.evaluate(-3, out);
    expect(Array.from(out)).toEqual([1, 0]);
    c.evaluate(9, out);
    expect(Array.from(out)).toEqual([1, 1]);
    expect(Array.from(c.tstops)).toEqual([1, 2.5]);
  });

  it('rejects unsorted times and ragged rows', () => {
    expect(() => new LinearControls({ times: [0, 0], values: [[1], [2]] })).toThrow(
      /increase strictly.*times\[1\]/,
    );
    expect(() => new LinearControls({ times: [0, 1], values: [[1], [2, 3]] })).toThrow(
      /values\[1\] has 2 entries/,
    );
  });
});

describe('NeuralField', () => {
  const modes: NonNegativity[] = ['none', 'multiplicative', 'production-degradation'];
  for (const nonnegative of modes) {
    it(`has VJP and Jacobian matching central differences (${nonnegative}, controls, t input)`, () => {
      const node = new NeuralODE({
        nStates: 3,
        nControls: 2,
        hidden: [8, 8],
        activation: 'softplus',
        timeInput: true,
        stateScale: [2, 0.5, 1],
        stateShift: [1, 0, -1],
        outputScale: [0.3, 2, 1],
        timeScale: 4,
        nonnegative,
      });
      const rng = createRng(2);
      const p = node.initParams(rng, 0.5);
      const field = node.field(controls);
      const t = 1.7;
      const y = Float64Array.of(0.8, 1.3, 0.4);
      const v = Float64Array.of(0.3, -1.1, 0.7);
      const vJy = new Float64Array(3);
      const vJp = new Float64Array(node.nParams);
      field.vjp(t, y, p, v, vJy, vJp);
      const h = 1e-6;
      const dot = (yy: Float64Array, pp: Float64Array) => {
        const d = new Float64Array(3);
        field.f(t, yy, pp, d);
        return d[0]! * v[0]! + d[1]! * v[1]! + d[2]! * v[2]!;
      };
      const gy = centralGradient((yy) => dot(yy, p), y, h);
      const gp = centralGradient((pp) => dot(y, pp), p, h);
      expect(relErr(vJy, gy)).toBeLessThan(1e-7);
      expect(relErr(vJp, gp)).toBeLessThan(1e-7);
      const J = new Float64Array(9);
      field.jac(t, y, p, J);
      const Jfd = new Float64Array(9);
      for (let j = 0; j < 3; j++) {
        const a = y.slice();
        const b = y.slice();
        a[j] += h;
        b[j] -= h;
        const fa = new Float64Array(3);
        const fb = new Float64Array(3);
        field.f(t, a, p, fa);
        field.f(t, b, p, fb);
        for (let i = 0; i < 3; i++) Jfd[i * 3 + j] = (fa[i]! - fb[i]!) / (2 * h);
      }
      expect(relErr(J, Jfd)).toBeLessThan(1e-7);
    });
  }

  it('keeps a zero state at rest under the multiplicative option and pushes it up under production-degradation', () => {
    for (const [nonnegative, check] of [
      ['multiplicative', (d: number) => d === 0],
      ['production-degradation', (d: number) => d > 0],
    ] as const) {
      const node = new NeuralODE({ nStates: 2, hidden: [6], nonnegative });
      const p = node.initParams(createRng(4), 1);
      const d = new Float64Array(2);
      node.field().f(0, Float64Array.of(0, 0), p, d);
      expect(check(d[0]!) && check(d[1]!)).toBe(true);
    }
  });

  it('names what is wrong with its configuration', () => {
    expect(() => new NeuralODE({ nStates: 2, stateScale: [1, 0] })).toThrow(
      /stateScale\[1\] must be a finite positive/,
    );
    expect(() => new NeuralODE({ nStates: 2, nControls: 1 }).field()).toThrow(/has 1 controls/);
    expect(() => new NeuralODE({ nStates: 2, nControls: 1 }).field(controls)).toThrow(/2 channels/);
  });
});
