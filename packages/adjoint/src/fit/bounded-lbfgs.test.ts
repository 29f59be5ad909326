import { describe, expect, it } from 'vitest';
import { type BoundedObjective, type BoundedIterationInfo, minimizeBounded } from './bounded-lbfgs';

const INF = Number.POSITIVE_INFINITY;

function filled(n: number, v: number): Float64Array {
  return new Float64Array(n).fill(v);
}

/** Rosenbrock in 2-D. */
const rosen2: BoundedObjective = (x, g) => {
  const a = x[0]!;
  const b = x[1]!;
  const t = b - a * a;
  g[0] = -400 * a * t - 2 * (1 - a);
  g[1] = 200 * t;
  return 100 * t * t + (1 - a) * (1 - a);
};

/** Extended Rosenbrock: independent pairs (x[2i], x[2i+1]). */
const rosenExtended: BoundedObjective = (x, g) => {
  let f = 0;
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const t = b - a * a;
    f += 100 * t * t + (1 - a) * (1 - a);
    g[i] = -400 * a * t - 2 * (1 - a);
    g[i + 1] = 200 * t;
  }
  return f;
};

/** Chained Rosenbrock: Σ 100(x[i+1] − x[i]²)² + (1 − x[i])² (coupled, unlike the extended one). */
const rosenChained: BoundedObjective = (x, g) => {
  g.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i]!;
    const t = x[i + 1]! - a * a;
    f += 100 * t * t + (1 - a) * (1 - a);
    g[i]! += -400 * a * t - 2 * (1 - a);
    g[i + 1]! += 200 * t;
  }
  return f;
};

/** Wraps f to record every point it is asked for and the value it returned. */
function recording(f: BoundedObjective): { f: BoundedObjective; points: Float64Array[]; values: number[] } {
  const points: Float64Array[] = [];
  const values: number[] = [];
  return {
    points,
    values,
    f: (x, g) => {
      points.push(Float64Array.from(x));
      const v = f(x, g);
      values.push(v);
      return v;
    },
  };
}

/** KKT residual of a box-constrained point: free |g| ≤ tolFree, g ≥ −tolBound at lower, ≤ at upper. */
function expectKkt(
  x: Float64Array,
  g: Float64Array,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  tolFree: number,
  tolBound: number,
): void {
  for (let i = 0; i < x.length; i++) {
    expect(x[i]).toBeGreaterThanOrEqual(lo[i]!);
    expect(x[i]).toBeLessThanOrEqual(hi[i]!);
    if (x[i] === lo[i] && x[i] === hi[i]) continue;
    if (x[i] === lo[i]) expect(g[i]).toBeGreaterThanOrEqual(-tolBound);
    else if (x[i] === hi[i]) expect(g[i]).toBeLessThanOrEqual(tolBound);
    else expect(Math.abs(g[i]!)).toBeLessThanOrEqual(tolFree);
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let r = 0;
  for (let i = 0; i < a.length; i++) r = Math.max(r, Math.abs(a[i]! - b[i]!));
  return r;
}

describe('minimizeBounded: unconstrained Rosenbrock', () => {
  it('2-D from (−1.2, 1) converges to (1, 1) to 1e-6 in < 200 iterations', () => {
    const infos: BoundedIterationInfo[] = [];
    const r = minimizeBounded(rosen2, [-1.2, 1], [-INF, -INF], [INF, INF], {
      onIteration: (i) => infos.push(i),
    });
    expect(r.status).toBe('converged');
    expect(r.iterations).toBeLessThan(200);
    expect(maxAbsDiff(r.x, [1, 1])).toBeLessThan(1e-6);
    // onIteration: once per iteration, f strictly decreasing, consistent with the result.
    expect(infos.length).toBe(r.iterations);
    for (let k = 1; k < infos.length; k++) expect(infos[k]!.f).toBeLessThan(infos[k - 1]!.f);
    expect(infos.at(-1)!.f).toBe(r.f);
    expect(infos.at(-1)!.evaluations).toBe(r.evaluations);
    // The reported f and grad are those of the returned x.
    const g = new Float64Array(2);
    expect(rosen2(Float64Array.from(r.x), g)).toBe(r.f);
    expect(Array.from(r.grad)).toEqual(Array.from(g));
  });

  it('10-D extended Rosenbrock from (−1.2, 1, …) converges to the ones to 1e-6', () => {
    const n = 10;
    const x0 = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const r = minimizeBounded(rosenExtended, x0, filled(n, -INF), filled(n, INF));
    expect(r.status).toBe('converged');
    expect(r.iterations).toBeLessThan(200);
    expect(maxAbsDiff(r.x, filled(n, 1))).toBeLessThan(1e-6);
    // x0 is not modified.
    expect(x0[0]).toBe(-1.2);
  });

  it('10-D chained Rosenbrock from (−1.2, 1, …) converges to the ones to 1e-6', () => {
    const n = 10;
    const x0 = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const r = minimizeBounded(rosenChained, x0, filled(n, -INF), filled(n, INF));
    expect(r.status).toBe('converged');
    expect(r.iterations).toBeLessThan(200);
    expect(maxAbsDiff(r.x, filled(n, 1))).toBeLessThan(1e-6);
  });

  it('stops on ftol when gtol cannot be met, and reports max-iterations / max-evaluations', () => {
    const byF = minimizeBounded(rosen2, [-1.2, 1], [-INF, -INF], [INF, INF], { gtol: 0 });
    expect(byF.status).toBe('converged');
    expect(byF.reason).toMatch(/ftol/);
    expect(maxAbsDiff(byF.x, [1, 1])).toBeLessThan(1e-6);

    const byIt = minimizeBounded(rosen2, [-1.2, 1], [-INF, -INF], [INF, INF], { maxIterations: 3 });
    expect(byIt.status).toBe('max-iterations');
    expect(byIt.iterations).toBe(3);
    expect(byIt.f).toBeLessThan(24.2); // f(−1.2, 1) = 24.2

    const byEv = minimizeBounded(rosen2, [-1.2, 1], [-INF, -INF], [INF, INF], { maxEvaluations: 7 });
    expect(byEv.status).toBe('max-evaluations');
    expect(byEv.evaluations).toBeLessThanOrEqual(7);
    expect(byEv.reason).not.toContain('\n');
  });

  it.each([
    1e-3, 1, 1e3,
  ])('the initial scaling γ = sᵀy/yᵀy adapts to the curvature scale (diagonal quadratic × %s)', (scale) => {
    // ½ Σ c_i (x_i − 1)², c_i = scale·(1 + i): with H₀ = I instead of γI this takes 3–6 times the
    // iterations at scale 1e-3 and does not finish in 200 at scale 1e3.
    const n = 20;
    const q: BoundedObjective = (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        const c = scale * (1 + i);
        g[i] = c * (x[i]! - 1);
        f += 0.5 * c * (x[i]! - 1) ** 2;
      }
      return f;
    };
    const r = minimizeBounded(q, new Float64Array(n), filled(n, -INF), filled(n, INF), { memory: 5 });
    expect(r.status).toBe('converged');
    expect(r.iterations).toBeLessThanOrEqual(60);
    expect(maxAbsDiff(r.x, filled(n, 1))).toBeLessThan(1e-3);
  });

  it('a memory of 1 still converges (the two-loop recursion with a single pair)', () => {
    const r = minimizeBounded(rosen2, [-1.2, 1], [-INF, -INF], [INF, INF], {
      memory: 1,
      maxIterations: 2000,
      maxEvaluations: 20000,
    });
    expect(r.status).toBe('converged');
    expect(maxAbsDiff(r.x, [1, 1])).toBeLessThan(1e-6);
  });
});

/** Solve the n×n system M z = r in place (Gaussian elimination with partial pivoting). */
function solveLinear(M: number[][], r: number[]): number[] {
  const n = r.length;
  const A = M.map((row, i) => [...row, r[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(A[i]![c]!) > Math.abs(A[p]![c]!)) p = i;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let i = c + 1; i < n; i++) {
      const fct = A[i]![c]! / A[c]![c]!;
      for (let j = c; j <= n; j++) A[i]![j]! -= fct * A[c]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = A[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= A[i]![j]! * z[j]!;
    z[i] = s / A[i]![i]!;
  }
  return z;
}

describe('minimizeBounded: convex quadratic with active bounds', () => {
  const n = 5;
  // A = MᵀM + ½I (SPD), b large enough that the unconstrained minimiser leaves the box.
  const M = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(5 * i + j + 1)));
  const A = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += M[k]![i]! * M[k]![j]!;
      return s;
    }),
  );
  // b = A·x* − g* for x* = (0.3, −1, 0.5, 1, −0.2) with g* = (0, 0.7, 0, −1.3, 0): x₁ at its lower
  // bound and x₃ at its upper bound with strictly complementary multipliers, three variables free.
  const xStar = [0.3, -1, 0.5, 1, -0.2];
  const gStar = [0, 0.7, 0, -1.3, 0];
  const b = A.map((row, i) => row.reduce((s, a, j) => s + a * xStar[j]!, 0) - gStar[i]!);
  const lo = [-1, -1, -1, -1, -1];
  const hi = [1, 1, 1, 1, 1];
  const quad: BoundedObjective = (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i]![j]! * x[j]!;
      g[i] = ax - b[i]!;
      f += 0.5 * x[i]! * ax - b[i]! * x[i]!;
    }
    return f;
  };

  /** The exact minimiser: the one choice of (free / at lower / at upper) per variable that is KKT. */
  function exact(): { x: number[]; active: number } {
    for (let code = 0; code < 3 ** n; code++) {
      const state: number[] = [];
      for (let i = 0, c = code; i < n; i++, c = Math.floor(c / 3)) state.push(c % 3); // 0 free, 1 lower, 2 upper
      const x = state.map((s, i) => (s === 1 ? lo[i]! : s === 2 ? hi[i]! : 0));
      const F = state.flatMap((s, i) => (s === 0 ? [i] : []));
      const rhs = F.map((i) => {
        let s = b[i]!;
        for (let j = 0; j < n; j++) if (state[j] !== 0) s -= A[i]![j]! * x[j]!;
        return s;
      });
      const z =
        F.length > 0
          ? solveLinear(
              F.map((i) => F.map((j) => A[i]![j]!)),
              rhs,
            )
          : [];
      F.forEach((i, k) => {
        x[i] = z[k]!;
      });
      const g = new Float64Array(n);
      quad(Float64Array.from(x), g);
      const ok = state.every((s, i) =>
        s === 0 ? x[i]! >= lo[i]! && x[i]! <= hi[i]! : s === 1 ? g[i]! >= -1e-12 : g[i]! <= 1e-12,
      );
      if (ok) return { x, active: n - F.length };
    }
    throw new Error('no KKT point found');
  }

  it('matches the solution found by enumerating active sets, and satisfies KKT', () => {
    const sol = exact();
    expect(sol.active).toBe(2); // the test exercises both kinds of bound and free variables
    expect(maxAbsDiff(sol.x, xStar)).toBeLessThan(1e-12);
    const rec = recording(quad);
    const r = minimizeBounded(rec.f, new Float64Array(n), lo, hi);
    expect(r.status).toBe('converged');
    expect(maxAbsDiff(r.x, sol.x)).toBeLessThan(1e-6);
    expectKkt(r.x, r.grad, lo, hi, 1e-6, 1e-8);
    // Active variables land exactly on their bounds, and every evaluated point is in the box.
    let onBound = 0;
    for (let i = 0; i < n; i++) if (r.x[i] === lo[i] || r.x[i] === hi[i]) onBound++;
    expect(onBound).toBe(sol.active);
    for (const p of rec.points)
      for (let i = 0; i < n; i++) expect(p[i]! >= lo[i]! && p[i]! <= hi[i]!).toBe(true);
  });

  it('reaches the same solution from a start in the opposite corner', () => {
    const sol = exact();
    const r = minimizeBounded(quad, [-1, 1, -1, -1, 1], lo, hi);
    expect(r.status).toBe('converged');
    expect(maxAbsDiff(r.x, sol.x)).toBeLessThan(1e-6);
  });
});

describe('minimizeBounded: Rosenbrock with bounds excluding (1, 1)', () => {
  function gridMin(lo: number[], hi: number[], k: number): number {
    const g = new Float64Array(2);
    const x = new Float64Array(2);
    let best = INF;
    for (let i = 0; i <= k; i++) {
      for (let j = 0; j <= k; j++) {
        x[0] = lo[0]! + ((hi[0]! - lo[0]!) * i) / k;
        x[1] = lo[1]! + ((hi[1]! - lo[1]!) * j) / k;
        best = Math.min(best, rosen2(x, g));
      }
    }
    return best;
  }

  it.each([
    {
      name: 'x ∈ [−2, 0.5]² (upper bound of x₀ active)',
      lo: [-2, -2],
      hi: [0.5, 0.5],
      x0: [-1.2, 1],
      active: 1,
    },
    {
      name: 'x₀ ∈ [1.5, 3], x₁ ∈ [−2, 2] (both bounds active)',
      lo: [1.5, -2],
      hi: [3, 2],
      x0: [2.5, -1],
      active: 2,
    },
  ])('$name: KKT to 1e-6 and f ≤ a fine grid search', ({ lo, hi, x0, active }) => {
    const rec = recording(rosen2);
    const r = minimizeBounded(rec.f, x0, lo, hi);
    expect(r.status).toBe('converged');
    expectKkt(r.x, r.grad, lo, hi, 1e-6, 1e-6);
    let onBound = 0;
    for (let i = 0; i < 2; i++) if (r.x[i] === lo[i] || r.x[i] === hi[i]) onBound++;
    expect(onBound).toBe(active);
    expect(r.f).toBeLessThanOrEqual(gridMin(lo, hi, 500) + 1e-12);
    for (const p of rec.points)
      for (let i = 0; i < 2; i++) expect(p[i]! >= lo[i]! && p[i]! <= hi[i]!).toBe(true);
  });

  it('10-D chained Rosenbrock in [−0.5, 0.7]¹⁰ satisfies KKT to 1e-6', () => {
    const n = 10;
    const x0 = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const lo = filled(n, -0.5);
    const hi = filled(n, 0.7);
    const r = minimizeBounded(rosenChained, x0, lo, hi);
    expect(r.status).toBe('converged');
    expectKkt(r.x, r.grad, lo, hi, 1e-6, 1e-6);
    expect(r.x.some((v) => v === 0.7)).toBe(true);
  });

  it('the [−2, 0.5]² solution is (0.5, 0.25)', () => {
    const r = minimizeBounded(rosen2, [-1.2, 1], [-2, -2], [0.5, 0.5]);
    expect(r.x[0]).toBe(0.5);
    expect(Math.abs(r.x[1]! - 0.25)).toBeLessThan(1e-8);
    expect(Math.abs(r.f - 0.25)).toBeLessThan(1e-12);
  });
});

describe('minimizeBounded: rejected points', () => {
  // log cosh(3(x₀ − 1.5)) + (x₁ − 1)²: nearly linear tails make the secant steps overshoot into
  // the NaN region x₀ > 2.
  const logcosh = (z: number) => Math.abs(z) + Math.log1p(Math.exp(-2 * Math.abs(z))) - Math.LN2;
  const partlyNaN: BoundedObjective = (x, g) => {
    if (x[0]! > 2) return Number.NaN;
    g[0] = 3 * Math.tanh(3 * (x[0]! - 1.5));
    g[1] = 2 * (x[1]! - 1);
    return logcosh(3 * (x[0]! - 1.5)) + (x[1]! - 1) ** 2;
  };

  it('converges to x₀ = 1.5 past a NaN region, never accepting a NaN point', () => {
    const rec = recording(partlyNaN);
    const infos: BoundedIterationInfo[] = [];
    const r = minimizeBounded(rec.f, [-6, 3], [-INF, -INF], [INF, INF], {
      onIteration: (i) => infos.push(i),
    });
    expect(rec.values.filter((v) => Number.isNaN(v)).length).toBeGreaterThan(0); // the NaN region was hit
    expect(r.status).toBe('converged');
    expect(Math.abs(r.x[0]! - 1.5)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-6);
    expect(Number.isFinite(r.f)).toBe(true);
    // Every accepted iterate is finite and decreases f.
    for (const info of infos) expect(Number.isFinite(info.f)).toBe(true);
    for (let k = 1; k < infos.length; k++) expect(infos[k]!.f).toBeLessThan(infos[k - 1]!.f);
    // The returned point is an evaluated finite point, not a rejected trial.
    let k = -1;
    rec.points.forEach((p, j) => {
      if (p[0] === r.x[0] && p[1] === r.x[1]) k = j;
    });
    expect(k).toBeGreaterThanOrEqual(0);
    expect(rec.values[k]).toBe(r.f);
  });

  it('a gradient entry that is NaN rejects the point just as a NaN value does', () => {
    const rec = recording((x, g) => {
      const v = partlyNaN(x, g);
      if (x[0]! > 2) {
        g[1] = Number.NaN;
        return 0; // a finite value with a NaN gradient is still rejected
      }
      return v;
    });
    const r = minimizeBounded(rec.f, [-6, 3], [-INF, -INF], [INF, INF]);
    expect(r.status).toBe('converged');
    expect(Math.abs(r.x[0]! - 1.5)).toBeLessThan(1e-6);
    expect(r.f).toBeGreaterThanOrEqual(0);
  });

  it("a start where f is not finite gives status 'failed', not an exception", () => {
    const r = minimizeBounded(() => Number.NaN, [1, 2], [-INF, -INF], [INF, INF]);
    expect(r.status).toBe('failed');
    expect(r.evaluations).toBe(1);
    expect(r.reason).toMatch(/start point/);
    expect(r.reason).not.toContain('\n');

    // A gradient entry left unwritten is named.
    const r2 = minimizeBounded(
      (x, g) => {
        g[0] = 1;
        return x[0]!;
      },
      [1, 2],
      [-INF, -INF],
      [INF, INF],
    );
    expect(r2.status).toBe('failed');
    expect(r2.reason).toMatch(/gradient entry 1/);
  });

  it("finite only at the start: 'failed' with a reason naming the line search", () => {
    let calls = 0;
    const r = minimizeBounded(
      (x, g) => {
        if (calls++ > 0) return Number.NaN;
        g[0] = 2 * x[0]!;
        return x[0]! ** 2;
      },
      [3],
      [-INF],
      [INF],
    );
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/line search.*finite/);
    expect(r.x[0]).toBe(3);
    expect(r.f).toBe(9);
  });

  it("a gradient of the wrong sign: 'failed' (no decrease), never an exception", () => {
    const r = minimizeBounded(
      (x, g) => {
        g[0] = -2 * (x[0]! - 1);
        return (x[0]! - 1) ** 2;
      },
      [3],
      [-INF],
      [INF],
    );
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/line search/);
    expect(r.x[0]).toBe(3);
  });
});

describe('minimizeBounded: arguments', () => {
  it('projects an x0 outside the box before the first evaluation', () => {
    const rec = recording(rosen2);
    const r = minimizeBounded(rec.f, [-5, 9], [-2, -2], [0.5, 0.5]);
    expect(Array.from(rec.points[0]!)).toEqual([-2, 0.5]);
    expect(r.status).toBe('converged');
    expect(r.x[0]).toBe(0.5);
  });

  it('throws a one-line RangeError for malformed arguments', () => {
    const bad: [string, () => unknown, RegExp][] = [
      ['NaN start', () => minimizeBounded(rosen2, [Number.NaN, 1], [-1, -1], [1, 1]), /x0\[0\]/],
      ['infinite start', () => minimizeBounded(rosen2, [0, INF], [-1, -1], [INF, INF]), /x0\[1\]/],
      [
        'lower > upper',
        () => minimizeBounded(rosen2, [0, 0], [-1, 2], [1, 1]),
        /lower\[1\] = 2 exceeds upper\[1\] = 1/,
      ],
      ['NaN bound', () => minimizeBounded(rosen2, [0, 0], [-1, -1], [1, Number.NaN]), /upper\[1\]/],
      ['length mismatch', () => minimizeBounded(rosen2, [0, 0], [-1], [1, 1]), /same length/],
      ['empty box', () => minimizeBounded(rosen2, [0, 0], [INF, -1], [INF, 1]), /no finite value/],
      ['bad memory', () => minimizeBounded(rosen2, [0, 0], [-1, -1], [1, 1], { memory: 0 }), /memory/],
      ['bad gtol', () => minimizeBounded(rosen2, [0, 0], [-1, -1], [1, 1], { gtol: Number.NaN }), /gtol/],
    ];
    for (const [name, call, message] of bad) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught, name).toBeInstanceOf(RangeError);
      expect((caught as Error).message, name).toMatch(message);
      expect((caught as Error).message, name).not.toContain('\n');
    }
  });
});

describe('minimizeBounded: infinite and degenerate bounds', () => {
  it('±Infinity bounds behave exactly like finite bounds that never become active', () => {
    const x0 = [-1.2, 1, -1.2, 1];
    const a = minimizeBounded(rosenExtended, x0, filled(4, -INF), filled(4, INF));
    const b = minimizeBounded(rosenExtended, x0, filled(4, -1e10), filled(4, 1e10));
    expect(a.status).toBe('converged');
    expect(a.iterations).toBe(b.iterations);
    expect(a.evaluations).toBe(b.evaluations);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    // One-sided infinite bounds: x₀ ≥ 0 inactive at (1, 1), x₁ ≤ ∞.
    const c = minimizeBounded(rosen2, [-1.2, 1], [0, -INF], [INF, INF]);
    expect(c.status).toBe('converged');
    expect(maxAbsDiff(c.x, [1, 1])).toBeLessThan(1e-6);
  });

  it('lower = upper fixes a variable at that value in every evaluation', () => {
    const rec = recording(rosen2);
    const r = minimizeBounded(rec.f, [-1.2, 0], [-INF, 2], [INF, 2]);
    expect(r.status).toBe('converged');
    for (const p of rec.points) expect(p[1]).toBe(2);
    // x₀ minimises 100(2 − x₀²)² + (1 − x₀)² (a minimiser near ±√2).
    expect(Math.abs(r.grad[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[0]! ** 2 - 2)).toBeLessThan(0.01);
    // Fixed variables contribute nothing to the projected-gradient norm.
    expect(r.projectedGradientNorm).toBeLessThanOrEqual(1e-8);
  });

  it('every variable fixed: converged at once, one evaluation', () => {
    const r = minimizeBounded(rosen2, [0, 0], [0.3, 0.7], [0.3, 0.7]);
    expect(r.status).toBe('converged');
    expect(r.iterations).toBe(0);
    expect(r.evaluations).toBe(1);
    expect(Array.from(r.x)).toEqual([0.3, 0.7]);
  });
});
