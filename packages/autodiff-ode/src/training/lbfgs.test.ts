import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { LBFGS, type LBFGSObjective } from './lbfgs';

/** Extended Rosenbrock (Moré, Garbow & Hillstrom 1981, problem 21): independent pairs, minimum at 1. */
const rosenbrock: LBFGSObjective = (x, g) => {
  let f = 0;
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const r = b - a * a;
    f += 100 * r * r + (1 - a) * (1 - a);
    g[i] = -400 * a * r - 2 * (1 - a);
    g[i + 1] = 200 * r;
  }
  return f;
};

const maxError = (x: Float64Array, want: number) => Math.max(...Array.from(x, (v) => Math.abs(v - want)));

describe('LBFGS', () => {
  it('minimises the 2-D Rosenbrock function from (−1.2, 1) to 1e-8', () => {
    const x = Float64Array.of(-1.2, 1);
    const r = new LBFGS(2, 5).minimize(rosenbrock, x, { iterations: 200, tolerance: 1e-10 });
    expect(r.status).toBe('converged');
    expect(maxError(x, 1)).toBeLessThan(1e-8);
    expect(r.iterations).toBeLessThan(60);
  });

  it('minimises the 10-D extended Rosenbrock function to 1e-8, and reruns identically on the same workspaces', () => {
    const x0 = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const opt = new LBFGS(10, 7);
    const x = x0.slice();
    const r = opt.minimize(rosenbrock, x, { iterations: 300, tolerance: 1e-10 });
    expect(r.status).toBe('converged');
    expect(maxError(x, 1)).toBeLessThan(1e-8);
    const again = x0.slice();
    const r2 = opt.minimize(rosenbrock, again, { iterations: 300, tolerance: 1e-10 });
    expect(Array.from(again)).toEqual(Array.from(x));
    expect(r2.evaluations).toBe(r.evaluations);
  });

  it('solves a convex quadratic (n = 20, condition number 100) in at most n + 3 iterations with near-exact line searches', () => {
    // f = ½(x − x*)ᵀA(x − x*) with A = QΛQᵀ, Q from Gram–Schmidt on Gaussian columns, Λ from 1
    // to 100. With exact line searches and memory ≥ n, L-BFGS makes the conjugate-gradient
    // steps and ends in n iterations; c2 = 0.01 is close to exact.
    const n = 20;
    const rng = createRng(5);
    const Q = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => rng.normal()));
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < k; j++) {
        let p = 0;
        for (let i = 0; i < n; i++) p += Q[k]![i]! * Q[j]![i]!;
        for (let i = 0; i < n; i++) Q[k]![i] -= p * Q[j]![i]!;
      }
      const norm = Math.hypot(...Q[k]!);
      for (let i = 0; i < n; i++) Q[k]![i] /= norm;
    }
    const A = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
      const lambda = 100 ** (k / (n - 1));
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] += lambda * Q[k]![i]! * Q[k]![j]!;
    }
    const xStar = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += A[i * n + j]! * xStar[j]!;
    const quadratic: LBFGSObjective = (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
        g[i] = s - b[i]!;
        f += 0.5 * (x[i]! - xStar[i]!) * g[i]!;
      }
      return f;
    };
    const opt = new LBFGS(n, n);
    const x = new Float64Array(n);
    const r = opt.minimize(quadratic, x, { iterations: 100, tolerance: 1e-9, c2: 0.01 });
    expect(r.status).toBe('converged');
    expect(r.iterations).toBeLessThanOrEqual(n + 3);
    expect(Math.max(...Array.from(x, (v, i) => Math.abs(v - xStar[i]!)))).toBeLessThan(1e-10);
    // The default (loose) curvature condition converges as well, in more iterations.
    x.fill(0);
    expect(opt.minimize(quadratic, x, { iterations: 100, tolerance: 1e-9 }).status).toBe('converged');
  });

  it('treats a NaN value at a trial point as a rejected point and shrinks the step', () => {
    // Σ wᵢ(xᵢ − log xᵢ) is NaN for xᵢ < 0, where the quasi-Newton steps from x = 5 first land.
    const w = Float64Array.of(1, 2, 0.5);
    let nanTrials = 0;
    const barrier: LBFGSObjective = (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        f += w[i]! * (x[i]! - Math.log(x[i]!));
        g[i] = w[i]! * (1 - 1 / x[i]!);
      }
      if (Number.isNaN(f)) nanTrials++;
      return f;
    };
    const x = Float64Array.of(5, 5, 5);
    const r = new LBFGS(3).minimize(barrier, x, { iterations: 100, tolerance: 1e-8 });
    expect(nanTrials).toBeGreaterThan(0);
    expect(r.status).toBe('converged');
    expect(maxError(x, 1)).toBeLessThan(1e-7);
  });

  it('reports a non-finite start as a failed result, and bad sizes as RangeErrors', () => {
    const x = Float64Array.of(1, 2);
    const r = new LBFGS(2).minimize(() => Number.NaN, x);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/starting point/);
    expect(Array.from(x)).toEqual([1, 2]);
    expect(() => new LBFGS(0)).toThrow(RangeError);
    expect(() => new LBFGS(3).minimize(rosenbrock, x)).toThrow(/x has length 2, the minimiser 3/);
    expect(() => new LBFGS(2).minimize(rosenbrock, x, { c1: 0.5, c2: 0.1 })).toThrow(/0 < c1 < c2 < 1/);
  });
});
