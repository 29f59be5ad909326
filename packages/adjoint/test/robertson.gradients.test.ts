import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import { finiteDifferences, maxRelErr } from './compare';
import { quadraticLoss, robertson } from './models';

const P = [0.04, 3e7, 1e4];
const Y0 = [1, 0, 0];
const times = [1, 10, 100, 1000, 1e4];
// y2 is ~1e-5: weight it so that it matters in the loss.
const obs = quadraticLoss(times, 3, [1, 1e4, 1]);
const tight = { rtol: 1e-12, atol: 1e-16, adjointAtol: 1e-12 };
const reference = odeGradient(robertson(P), obs, { method: 'radau5', mode: 'forward', ...tight });
const make = (p: number[], y0: number[]) => robertson(p, y0);
const fd = finiteDifferences(make, P, Y0, obs, { method: 'radau5', mode: 'forward', ...tight }, 1e-4);

describe('gradients on Robertson (3 rate constants, observations at 1 … 1e4)', () => {
  it('the forward-sensitivity reference at rtol 1e-12 agrees with central finite differences', () => {
    expect(reference.status).toBe('success');
    expect(maxRelErr(reference.dp, fd.dp)).toBeLessThan(1e-6);
    expect(maxRelErr(reference.dy0.subarray(0, 1), fd.dy0.slice(0, 1))).toBeLessThan(1e-6);
    // y2(0) = y3(0) = 0 admit only absolute steps, which the fast k2·y2² transient makes nonlinear
    // at any step that rises above the solver's noise: finite differences are good to ~1e-3 there.
    expect(maxRelErr(reference.dy0.subarray(1), fd.dy0.slice(1))).toBeLessThan(1e-3);
  });

  for (const method of ['radau5', 'bdf', 'rodas5'] as const) {
    for (const mode of ['discrete', 'interpolating', 'checkpointed', 'forward'] as const) {
      it(`${method} ${mode} at rtol 1e-10 matches the reference to 1e-6`, () => {
        const g = odeGradient(robertson(P), obs, {
          method,
          mode,
          rtol: 1e-10,
          atol: 1e-14,
          adjointAtol: 1e-10,
        });
        expect(g.status).toBe('success');
        expect(maxRelErr(g.dp, reference.dp)).toBeLessThan(1e-6);
        expect(maxRelErr(g.dy0, reference.dy0)).toBeLessThan(1e-6);
      });
    }

    it(`${method} backsolve reports the backward instability of the stiff state as a failure`, () => {
      const g = odeGradient(robertson(P), obs, { method, mode: 'backsolve', rtol: 1e-10, atol: 1e-14 });
      expect(g.status).toBe('failed');
      expect(g.message).toMatch(/backward solve: .*t=/);
      expect(Number.isNaN(g.dp[0]!)).toBe(true);
    });
  }
});
