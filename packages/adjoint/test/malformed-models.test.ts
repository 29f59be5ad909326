import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type { MethodName } from '@kinetica/ode-core';
import type { GradientMode, GradientModel, Observations } from '../src/types';
import { lotkaVolterra, quadraticLoss } from './models';

/**
 * Models and losses that break their contract (issue 17): each must give `status: 'failed'` with
 * a message naming what and when, in every mode, never `success` with a wrong gradient and never
 * a throw.
 */
const good = lotkaVolterra();
const obs = quadraticLoss([0.5, 1, 2], 2);
const MODES: Exclude<GradientMode, 'auto'>[] = [
  'discrete',
  'backsolve',
  'interpolating',
  'checkpointed',
  'forward',
];

/** The good model with one output entry put back to what the buffer held before the call. */
function leaving(output: 'vJy' | 'vJp', index: number): GradientModel {
  return {
    ...good,
    vjp(t, y, p, v, vy, vp) {
      const out = output === 'vJy' ? vy : vp;
      const keep = out[index]!;
      good.vjp(t, y, p, v, vy, vp);
      out[index] = keep;
    },
  };
}

const malformedModels: [string, GradientModel, RegExp][] = [
  [
    'a vjp that leaves vJp[2] unwritten',
    leaving('vJp', 2),
    /model\.vjp: vJp\[2\] left unwritten or set to NaN at t=/,
  ],
  [
    'a vjp that leaves vJy[1] unwritten',
    leaving('vJy', 1),
    /model\.vjp: vJy\[1\] left unwritten or set to NaN at t=/,
  ],
  [
    'a vjp that returns new arrays instead of writing',
    {
      ...good,
      vjp(t, y, p, v) {
        const vy = new Float64Array(2);
        const vp = new Float64Array(4);
        good.vjp(t, y, p, v, vy, vp);
        return [vy, vp] as never;
      },
    },
    /model\.vjp: vJy\[0\] left unwritten .*it returned a value instead: write the result into vJy/,
  ],
  [
    'a vjp that writes NaN',
    {
      ...good,
      vjp(t, y, p, v, vy, vp) {
        good.vjp(t, y, p, v, vy, vp);
        vp[0] = Number.NaN;
      },
    },
    /model\.vjp: vJp\[0\] left unwritten or set to NaN at t=/,
  ],
];

const malformedLosses: [string, Observations, RegExp][] = [
  [
    'a loss that returns NaN',
    { ...obs, loss: (i, y) => (i === 1 ? Number.NaN : obs.loss(i, y)) },
    /observations\.loss\(1\) returned NaN at t=1/,
  ],
  [
    'a loss gradient that leaves out[1] unwritten',
    {
      ...obs,
      lossGrad(i, y, out) {
        const keep = out[1]!;
        obs.lossGrad(i, y, out);
        out[1] = keep;
      },
    },
    /observations\.lossGrad\(\d\): out\[1\] left unwritten or set to NaN at t=/,
  ],
];

function expectFailed(
  model: GradientModel,
  o: Observations,
  mode: Exclude<GradientMode, 'auto'>,
  method: MethodName,
  message: RegExp,
): void {
  const g = odeGradient(model, o, { mode, method, rtol: 1e-8, atol: 1e-10 });
  expect(g.status, `${mode}/${method}`).toBe('failed');
  expect(g.message, `${mode}/${method}`).toMatch(message);
  expect(g.message.includes('\n')).toBe(false);
  expect(Number.isNaN(g.loss)).toBe(true);
  expect(Array.from(g.dp).every(Number.isNaN)).toBe(true);
}

describe('malformed models and losses fail cleanly in every mode', () => {
  it('the well-formed model succeeds in every mode (the checks do not flag it)', () => {
    for (const mode of MODES) {
      for (const method of ['dopri5', 'radau5'] as const) {
        const g = odeGradient(good, obs, { mode, method, rtol: 1e-8, atol: 1e-10 });
        expect(g.status, `${mode}/${method}: ${g.message}`).toBe('success');
      }
    }
  });

  for (const [what, model, message] of malformedModels) {
    it(`${what}: failed, naming the entry and t`, () => {
      for (const mode of MODES)
        for (const method of ['dopri5', 'radau5'] as const) expectFailed(model, obs, mode, method, message);
    });
  }

  for (const [what, o, message] of malformedLosses) {
    it(`${what}: failed, naming the observation`, () => {
      for (const mode of MODES)
        for (const method of ['dopri5', 'radau5'] as const) expectFailed(good, o, mode, method, message);
    });
  }

  it('an accumulating vjp that writes NaN gives a failed gradient, not a NaN success', () => {
    const acc: GradientModel = {
      ...good,
      accumulateVjp: true,
      vjp(t, y, p, v, vy, vp) {
        const tmp = new Float64Array(4);
        good.vjp(t, y, p, v, vy, tmp);
        for (let k = 0; k < 4; k++) vp[k]! += k === 3 ? Number.NaN : tmp[k]!;
      },
    };
    for (const mode of MODES) {
      const g = odeGradient(acc, obs, { mode, method: 'dopri5' });
      expect(g.status, mode).toBe('failed');
      expect(g.message, mode).toMatch(/vJp\[3\]|dp\[3\]/);
    }
  });
});
