import { afterAll, describe, expect, it } from 'vitest';
import { odeGradient } from '../src/index';
import type {
  GradientMode,
  GradientModel,
  GradientOptions,
  GradientResult,
  Observations,
} from '../src/types';
import { enzyme, robertson } from './models';

/**
 * Every gradient mode × stiff method on two stiff models (Robertson, an enzyme E + S ⇌ C → E + P),
 * each with three losses that stress different parts of the adjoint: all states at log-spaced
 * times, a heavy weight on a component far below the others, one state at irregular times with
 * one close to t0. At rtol 1e-10 every result is within 1e-5 (max over entries, relative to the
 * largest magnitude) of forward sensitivities at rtol 1e-13; backsolve may instead fail cleanly
 * (its backward state is unstable on stiff problems). Nothing throws.
 * `STIFF_MODES_REPORT=1` prints the measured errors.
 */

const MODES = ['discrete', 'backsolve', 'interpolating', 'checkpointed', 'forward'] as const;
const METHODS = ['radau5', 'bdf', 'rodas5'] as const;
const TOL = 1e-5;

/** L = Σᵢ Σⱼ wⱼ (y_j(tᵢ) − target_j)² / 2. */
function weightedLoss(times: number[], w: number[], target: number[]): Observations {
  return {
    times,
    loss(_i, y) {
      let s = 0;
      for (let j = 0; j < w.length; j++) s += 0.5 * w[j]! * (y[j]! - target[j]!) ** 2;
      return s;
    },
    lossGrad(_i, y, out) {
      for (let j = 0; j < w.length; j++) out[j] = w[j]! * (y[j]! - target[j]!);
    },
  };
}

interface Case {
  name: string;
  model: () => GradientModel;
  obs: Observations;
  /** Tolerances etc. of the runs under test (rtol 1e-10 is added). */
  opts: GradientOptions;
  /** atol of the reference (rtol 1e-13). */
  refAtol: number;
}

const logSpaced = Array.from({ length: 9 }, (_, k) => 10 ** (k / 2));
const CASES: Case[] = [
  {
    name: 'Robertson, all states at 1…1e4 log-spaced, 8 checkpoints',
    model: () => robertson(),
    obs: weightedLoss(logSpaced, [1, 1, 1], [0.5, 1e-5, 0.5]),
    opts: { atol: 1e-14, checkpoints: 8 },
    refAtol: 1e-16,
  },
  {
    name: 'Robertson, weight 1e10 on y2 ≈ 1e-5 at 0.3…3000, 64 checkpoints',
    model: () => robertson(),
    obs: weightedLoss([0.3, 3, 40, 400, 3000], [1, 1e10, 1], [0.3, 2e-5, 0.4]),
    opts: { atol: 1e-14, checkpoints: 64 },
    refAtol: 1e-16,
  },
  {
    name: 'Robertson, y3 alone at irregular times from 1e-5, 3 checkpoints',
    model: () => robertson(),
    obs: weightedLoss([1e-5, 0.02, 7.3, 55, 2000], [0, 0, 1], [0, 0, 0.5]),
    opts: { atol: 1e-14, checkpoints: 3 },
    refAtol: 1e-16,
  },
  {
    name: 'enzyme, all states at [0.5, 5, 5.5, 6], 8 checkpoints',
    model: () => enzyme(),
    obs: weightedLoss([0.5, 5, 5.5, 6], [1, 1, 1], [5, 0.5, 5]),
    opts: { atol: 1e-12, checkpoints: 8 },
    refAtol: 1e-14,
  },
  {
    name: 'enzyme, P alone at [0.5, 5, 5.5, 6], 64 checkpoints',
    model: () => enzyme(),
    obs: weightedLoss([0.5, 5, 5.5, 6], [0, 0, 1], [0, 0, 3]),
    opts: { atol: 1e-12, checkpoints: 64 },
    refAtol: 1e-14,
  },
  {
    name: 'enzyme, weight 1e4 on C at irregular times from 2e-4, 8 checkpoints',
    model: () => enzyme(),
    obs: weightedLoss([2e-4, 0.013, 0.7, 2.9, 6], [1, 1e4, 0], [8, 0.8, 0]),
    opts: { atol: 1e-12, checkpoints: 8 },
    refAtol: 1e-14,
  },
];

/** max |a − b| / max |b|: the error relative to the largest entry. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

const references = new Map<string, GradientResult>();
function reference(c: Case): GradientResult {
  let ref = references.get(c.name);
  if (!ref) {
    ref = odeGradient(c.model(), c.obs, { method: 'radau5', mode: 'forward', rtol: 1e-13, atol: c.refAtol });
    references.set(c.name, ref);
  }
  return ref;
}

const measured: string[] = [];
afterAll(() => {
  if (process.env.STIFF_MODES_REPORT) console.log(measured.join('\n'));
});

describe('the enzyme model', () => {
  it('has a vjp that matches central differences of f', () => {
    const m = enzyme();
    const y = Float64Array.of(3.7, 0.42, 1.9);
    const p = Float64Array.from(m.p);
    const v = Float64Array.of(0.3, -1.2, 0.7);
    const vy = new Float64Array(3);
    const vp = new Float64Array(3);
    m.vjp(0, y, p, v, vy, vp);
    const vf = (yy: Float64Array, pp: Float64Array) => {
      const d = new Float64Array(3);
      m.f(0, yy, pp, d);
      return d[0]! * v[0]! + d[1]! * v[1]! + d[2]! * v[2]!;
    };
    const central = (x: Float64Array, k: number, g: (x: Float64Array) => number) => {
      const e = 1e-6 * Math.max(1, Math.abs(x[k]!));
      const up = x.slice();
      up[k]! += e;
      const dn = x.slice();
      dn[k]! -= e;
      return (g(up) - g(dn)) / (2 * e);
    };
    const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
    for (let k = 0; k < 3; k++) {
      expect(
        near(
          vy[k]!,
          central(y, k, (yy) => vf(yy, p)),
        ),
      ).toBe(true);
      expect(
        near(
          vp[k]!,
          central(p, k, (pp) => vf(y, pp)),
        ),
      ).toBe(true);
    }
  });
});

describe('stiff gradients: every mode × radau5/bdf/rodas5 at rtol 1e-10 against forward sensitivities at 1e-13', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      it('the reference succeeds and agrees with rodas5 forward sensitivities at rtol 1e-12', () => {
        const ref = reference(c);
        expect(ref.status, ref.message).toBe('success');
        const other = odeGradient(c.model(), c.obs, {
          method: 'rodas5',
          mode: 'forward',
          rtol: 1e-12,
          atol: c.refAtol,
        });
        expect(other.status, other.message).toBe('success');
        expect(relErr(other.dp, ref.dp)).toBeLessThan(1e-7);
        expect(relErr(other.dy0, ref.dy0)).toBeLessThan(1e-7);
      });

      for (const method of METHODS) {
        for (const mode of MODES) {
          it(`${method} ${mode}`, () => {
            const ref = reference(c);
            const g = odeGradient(c.model(), c.obs, { ...c.opts, rtol: 1e-10, method, mode });
            const tag = `${c.name} | ${method} ${mode}:`;
            if (g.status !== 'success') {
              measured.push(`${tag} failed: ${g.message}`);
              // Only backsolve may give up, and then as a value with a message and NaN gradient.
              expect(mode satisfies GradientMode, `${tag} ${g.message}`).toBe('backsolve');
              expect(g.message).toMatch(/t=/);
              expect(Number.isNaN(g.dp[0]!)).toBe(true);
              return;
            }
            const eDp = relErr(g.dp, ref.dp);
            const eDy0 = relErr(g.dy0, ref.dy0);
            measured.push(`${tag} dp ${eDp.toExponential(2)}, dy0 ${eDy0.toExponential(2)}`);
            expect(eDp).toBeLessThan(TOL);
            expect(eDy0).toBeLessThan(TOL);
            expect(Math.abs(g.loss - ref.loss) / Math.abs(ref.loss)).toBeLessThan(1e-6);
          });
        }
      }
    });
  }
});

describe('a single observation at t0', () => {
  it('gives dy0 = ∂loss/∂y(y0) and dp = 0 in every mode and method', () => {
    const obs = weightedLoss([0], [1, 2, 3], [0.5, 0.5, 0.5]);
    const m = robertson();
    for (const method of METHODS) {
      for (const mode of MODES) {
        const g = odeGradient(m, obs, { method, mode, rtol: 1e-8, atol: 1e-12 });
        expect(g.status, `${method} ${mode}: ${g.message}`).toBe('success');
        expect(Array.from(g.dy0)).toEqual([0.5, -1, -1.5]);
        expect(Array.from(g.dp, Math.abs)).toEqual([0, 0, 0]);
      }
    }
  });
});
