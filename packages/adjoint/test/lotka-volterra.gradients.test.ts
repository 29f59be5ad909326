import { describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import { finiteDifferences, maxRelErr } from './compare';
import { lotkaVolterra, quadraticLoss } from './models';

const P = [1.5, 1, 1, 3];
const Y0 = [1, 1];
const obs = quadraticLoss([0.5, 1, 2, 3.5, 5], 2);
const reference = odeGradient(lotkaVolterra(P, Y0), obs, {
  method: 'dopri5',
  mode: 'forward',
  rtol: 1e-12,
  atol: 1e-14,
});
const fd = finiteDifferences((p, y0) => lotkaVolterra(p, y0), P, Y0, obs, {
  method: 'dopri5',
  mode: 'forward',
  rtol: 1e-13,
  atol: 1e-15,
});

describe('gradients on Lotka–Volterra (4 parameters)', () => {
  it('the forward-sensitivity reference agrees with central finite differences', () => {
    expect(reference.status).toBe('success');
    expect(maxRelErr(reference.dp, fd.dp)).toBeLessThan(1e-6);
    expect(maxRelErr(reference.dy0, fd.dy0)).toBeLessThan(1e-6);
  });

  for (const method of ['dopri5', 'tsit5'] as const) {
    for (const mode of ['discrete', 'backsolve', 'interpolating', 'checkpointed', 'forward'] as const) {
      it(`${method} ${mode} at rtol 1e-10 matches forward sensitivities at rtol 1e-12 to 1e-6`, () => {
        const g = odeGradient(lotkaVolterra(P, Y0), obs, { method, mode, rtol: 1e-10, atol: 1e-12 });
        expect(g.status).toBe('success');
        expect(g.mode).toBe(mode);
        expect(maxRelErr(g.dp, reference.dp)).toBeLessThan(1e-6);
        expect(maxRelErr(g.dy0, reference.dy0)).toBeLessThan(1e-6);
        expect(Math.abs(g.loss - reference.loss) / reference.loss).toBeLessThan(1e-8);
        // Only backsolve reconstructs the state backwards; on this conservative system it stays
        // within a few tolerances of the forward one.
        if (mode === 'backsolve') expect(g.stats.backsolveDrift).toBeLessThan(10);
        else expect(g.stats.backsolveDrift).toBeUndefined();
      });
    }
  }

  it('with staggered forward sensitivities as well', () => {
    const g = odeGradient(lotkaVolterra(P, Y0), obs, {
      method: 'dopri5',
      mode: 'forward',
      sensitivity: 'staggered',
      rtol: 1e-10,
      atol: 1e-12,
    });
    expect(maxRelErr(g.dp, reference.dp)).toBeLessThan(1e-6);
    expect(maxRelErr(g.dy0, reference.dy0)).toBeLessThan(1e-6);
  });

  it('continuous adjoints have a bias that shrinks with the tolerance', () => {
    const err = (rtol: number) => {
      const g = odeGradient(lotkaVolterra(P, Y0), obs, {
        method: 'dopri5',
        mode: 'backsolve',
        rtol,
        atol: rtol * 1e-2,
      });
      return maxRelErr(g.dp, reference.dp);
    };
    const loose = err(1e-4);
    const tight = err(1e-8);
    expect(loose).toBeGreaterThan(1e-7);
    expect(tight).toBeLessThan(loose / 100);
  });

  it('dL/dtimes is ∂loss/∂y · f, checked by moving each observation time', () => {
    const g = odeGradient(lotkaVolterra(P, Y0), obs, {
      method: 'dopri5',
      mode: 'interpolating',
      rtol: 1e-12,
      atol: 1e-14,
    });
    const times = [0.5, 1, 2, 3.5, 5];
    for (let i = 0; i < times.length; i++) {
      const shifted = (d: number) => {
        const t2 = times.slice();
        t2[i]! += d;
        const o = { ...obs, times: t2 };
        return odeGradient(lotkaVolterra(P, Y0), o, {
          method: 'dopri5',
          mode: 'forward',
          rtol: 1e-12,
          atol: 1e-14,
        }).loss;
      };
      const fdT = (shifted(1e-5) - shifted(-1e-5)) / 2e-5;
      expect(Math.abs(g.dtimes[i]! - fdT)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdT)));
    }
  });
});
