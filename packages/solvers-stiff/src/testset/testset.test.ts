import { describe, expect, it } from 'vitest';
import { blockRober, e5, massAction, mescd, rober, scd, testProblems, vdpolUnscaled } from './index';

/** Central differences of f at (t, y), column by column, row-major. */
function numericJacobian(
  f: (t: number, y: Float64Array, dy: Float64Array) => void,
  t: number,
  y: Float64Array,
) {
  const n = y.length;
  const J = new Float64Array(n * n);
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const yj = y[j]!;
    const d = 1e-6 * Math.max(Math.abs(yj), 1e-6);
    y[j] = yj + d;
    f(t, y, fp);
    y[j] = yj - d;
    f(t, y, fm);
    y[j] = yj;
    for (let i = 0; i < n; i++) J[i * n + j] = (fp[i]! - fm[i]!) / (2 * d);
  }
  return J;
}

// States where every species is present, so that no Jacobian entry vanishes by accident.
function samplePoints(y0: ArrayLike<number>, reference: Float64Array): Float64Array[] {
  const n = y0.length;
  return [
    Float64Array.from({ length: n }, (_, i) => Math.abs(y0[i]!) + 0.1 * (i + 1)),
    Float64Array.from(reference, (r, i) => Math.abs(r) + 1e-3 * (i + 1)),
  ];
}

describe('stiff test set problems', () => {
  for (const tp of Object.values(testProblems)) {
    it(`${tp.name}: the analytic Jacobian matches central differences of f`, () => {
      const { f, jac, y0 } = tp.problem;
      for (const y of samplePoints(y0, tp.reference)) {
        const n = y.length;
        const J = new Float64Array(n * n);
        jac(0, y, J);
        const Jn = numericJacobian(f, 0, y);
        let scale = 0;
        for (const v of Jn) scale = Math.max(scale, Math.abs(v));
        for (let k = 0; k < n * n; k++) expect(Math.abs(J[k]! - Jn[k]!)).toBeLessThan(1e-6 * scale + 1e-9);
      }
    });

    if (tp.problem.jacSparsity !== undefined) {
      it(`${tp.name}: the sparsity pattern covers every nonzero of the Jacobian`, () => {
        const { jac, y0, jacSparsity } = tp.problem;
        for (const y of samplePoints(y0, tp.reference)) {
          const n = y.length;
          const J = new Float64Array(n * n);
          jac(0, y, J);
          for (let i = 0; i < n; i++) {
            const cols = new Set(Array.from(jacSparsity![i]!));
            for (let j = 0; j < n; j++)
              if (J[i * n + j] !== 0) expect(cols.has(j), `(${i}, ${j})`).toBe(true);
          }
        }
      });
    }

    it(`${tp.name}: the reference has one finite value per state and cites its source`, () => {
      expect(tp.reference.length).toBe(tp.problem.y0.length);
      for (const r of tp.reference) expect(Number.isFinite(r)).toBe(true);
      expect(tp.citation).toMatch(/Test Set|Hairer|Verwer/);
    });
  }

  it('E5 conserves y2 − y3 − y4 (its corrected reference has y2 = y3 with y4 = 0)', () => {
    const dy = new Float64Array(4);
    e5.problem.f(0, Float64Array.of(1e-3, 2e-10, 1e-10, 1e-10), dy);
    expect(Math.abs(dy[1]! - dy[2]! - dy[3]!)).toBeLessThan(1e-20);
    expect(e5.reference[1]).toBe(e5.reference[2]);
  });

  it('vdpolUnscaled has a Jacobian consistent with its f', () => {
    const { f, jac } = vdpolUnscaled();
    const y = Float64Array.of(-0.7, 1.3);
    const J = new Float64Array(4);
    jac(0, y, J);
    const Jn = numericJacobian(f, 0, y);
    for (let k = 0; k < 4; k++) expect(Math.abs(J[k]! - Jn[k]!)).toBeLessThan(1e-5 * (1 + Math.abs(Jn[k]!)));
  });
});

describe('blockRober', () => {
  it('is ROBER repeated block by block, with a block-diagonal pattern', () => {
    const copies = 4;
    const p = blockRober(copies);
    const n = 3 * copies;
    const y = Float64Array.from({ length: n }, (_, i) => 0.1 + 0.05 * i);
    const dy = new Float64Array(n);
    p.f(0, y, dy);
    const J = new Float64Array(n * n);
    p.jac(0, y, J);
    const dyr = new Float64Array(3);
    const Jr = new Float64Array(9);
    for (let b = 0; b < copies; b++) {
      const yb = y.slice(3 * b, 3 * b + 3);
      rober.problem.f(0, yb, dyr);
      rober.problem.jac(0, yb, Jr);
      for (let i = 0; i < 3; i++) {
        expect(dy[3 * b + i]).toBe(dyr[i]);
        for (let j = 0; j < n; j++) {
          const inBlock = j >= 3 * b && j < 3 * b + 3;
          const v = J[(3 * b + i) * n + j]!;
          expect(v).toBe(inBlock ? Jr[i * 3 + (j - 3 * b)]! : 0);
          if (v !== 0) expect(p.jacSparsity[3 * b + i]).toContain(j);
        }
      }
    }
    expect(Array.from(p.y0).slice(0, 6)).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('rejects a non-positive number of copies', () => {
    expect(() => blockRober(0)).toThrow(RangeError);
  });
});

describe('massAction', () => {
  it('builds f and the Jacobian of A + B -> C, C -> A from the reaction list', () => {
    const { f, jac, jacSparsity } = massAction(3, [
      {
        k: 2,
        reactants: [0, 1],
        changes: [
          [0, -1],
          [1, -1],
          [2, 1],
        ],
      },
      {
        k: 0.5,
        reactants: [2],
        changes: [
          [2, -1],
          [0, 1],
        ],
      },
    ]);
    const y = Float64Array.of(3, 5, 7);
    const dy = new Float64Array(3);
    f(0, y, dy);
    expect(Array.from(dy)).toEqual([-30 + 3.5, -30, 30 - 3.5]);
    const J = new Float64Array(9);
    jac(0, y, J);
    expect(Array.from(J)).toEqual([-10, -6, 0.5, -10, -6, 0, 10, 6, -0.5]);
    expect(jacSparsity).toEqual([
      [0, 1, 2],
      [0, 1],
      [0, 1, 2],
    ]);
  });
});

describe('accuracy scores', () => {
  it('mescd counts mixed-error digits and scd relative digits', () => {
    const ref = Float64Array.of(1, 1e-3);
    expect(mescd(Float64Array.of(1 + 1e-6, 1e-3), ref, 1e-16, 1e-6)).toBeCloseTo(6, 6);
    // A 1e-9 error on a 1e-3 component against atol/rtol = 1e-3: 1e-9 / 2e-3.
    expect(mescd(Float64Array.of(1, 1e-3 + 1e-9), ref, 1e-7, 1e-4)).toBeCloseTo(-Math.log10(5e-7), 6);
    expect(scd(Float64Array.of(1, 1e-3 * (1 + 1e-5)), ref)).toBeCloseTo(5, 6);
    expect(scd(Float64Array.of(1, 1e-12), Float64Array.of(1, 0))).toBeCloseTo(12, 6);
    expect(scd(Float64Array.of(1, 1e-12), Float64Array.of(1, 1e-300), [1])).toBeCloseTo(12, 6);
  });

  it('mescd is −∞ for NaN results and throws on a length mismatch', () => {
    expect(mescd([Number.NaN], [1], 1, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(() => mescd([1, 2], [1], 1, 1)).toThrow(RangeError);
  });
});
