import type { TrainedModel } from '../src/index';

/**
 * Read the polynomial coefficients off a trained model whose field is an exact quadratic
 * (quadratic activation, one hidden layer, no time input or controls): for each output, the
 * constant 'c', the linear terms named by the states ('A') and the products named by both
 * states in order ('AA', 'AB'). Differences at the origin with unit steps are exact for a
 * quadratic.
 */
export function quadraticCoefficients(
  model: TrainedModel,
  names: readonly string[],
): Record<string, number>[] {
  const n = names.length;
  const field = model.node.field();
  const x = new Float64Array(n);
  const d = new Float64Array(n);
  const at = (o: number, i: number, si: number, j = -1, sj = 0) => {
    x.fill(0);
    if (i >= 0) x[i] = si;
    if (j >= 0) x[j] = sj;
    field.f(0, x, model.params, d);
    return d[o]!;
  };
  return names.map((_, o) => {
    const c = at(o, -1, 0);
    const coef: Record<string, number> = { c };
    for (let i = 0; i < n; i++) {
      const plus = at(o, i, 1);
      const minus = at(o, i, -1);
      coef[names[i]!] = (plus - minus) / 2;
      coef[names[i]! + names[i]!] = (plus - 2 * c + minus) / 2;
      for (let j = i + 1; j < n; j++)
        coef[names[i]! + names[j]!] =
          (at(o, i, 1, j, 1) - at(o, i, 1, j, -1) - at(o, i, -1, j, 1) + at(o, i, -1, j, -1)) / 4;
    }
    return coef;
  });
}

/**
 * Largest relative error of the coefficients present in `truth` and largest magnitude of the
 * others (terms absent from the true field), over all outputs.
 */
export function coefficientErrors(
  got: Record<string, number>[],
  truth: Record<string, number>[],
): { trueRel: number; spurious: number } {
  let trueRel = 0;
  let spurious = 0;
  got.forEach((coef, o) => {
    for (const [k, v] of Object.entries(coef)) {
      const want = truth[o]![k];
      if (want === undefined) spurious = Math.max(spurious, Math.abs(v));
      else trueRel = Math.max(trueRel, Math.abs(v - want) / Math.abs(want));
    }
  });
  return { trueRel, spurious };
}

/** Reversible binding A + B ⇌ C by mass action: rate k1·A·B − k2·C. */
export const BINDING = { k1: 0.8, k2: 0.3 };

/** Coefficients of the binding field, per output (A, B, C). */
export const BINDING_TRUTH = [
  { AB: -BINDING.k1, C: BINDING.k2 },
  { AB: -BINDING.k1, C: BINDING.k2 },
  { AB: BINDING.k1, C: -BINDING.k2 },
];

/** Reference trajectory of A + B ⇌ C (rk4 with 40 substeps per output interval). */
export function reversibleBinding(y0: readonly number[], times: readonly number[]): Float64Array[] {
  const { k1, k2 } = BINDING;
  const y = Float64Array.from(y0);
  const out = [y.slice()];
  const rate = (a: number, b: number, c: number) => k1 * a * b - k2 * c;
  for (let k = 1; k < times.length; k++) {
    const m = 40;
    const h = (times[k]! - times[k - 1]!) / m;
    // The state moves along (−1, −1, 1) at the reaction rate, so rk4 on the rate is enough.
    for (let q = 0; q < m; q++) {
      const r1 = rate(y[0]!, y[1]!, y[2]!);
      const r2 = rate(y[0]! - (h / 2) * r1, y[1]! - (h / 2) * r1, y[2]! + (h / 2) * r1);
      const r3 = rate(y[0]! - (h / 2) * r2, y[1]! - (h / 2) * r2, y[2]! + (h / 2) * r2);
      const r4 = rate(y[0]! - h * r3, y[1]! - h * r3, y[2]! + h * r3);
      const dr = (h / 6) * (r1 + 2 * r2 + 2 * r3 + r4);
      y[0] -= dr;
      y[1] -= dr;
      y[2] += dr;
    }
    out.push(y.slice());
  }
  return out;
}

/** Eight A + B ⇌ C trajectories (the recovery test's and benchmark's), each observed at `times`. */
export function bindingTrainingSet(times: readonly number[]) {
  return [
    [2, 1, 0],
    [1, 2, 0.5],
    [3, 0.5, 0],
    [0.5, 1.5, 2],
    [1.5, 1.5, 0],
    [2.5, 2, 1],
    [1, 0.5, 1.5],
    [0.2, 3, 0.3],
  ].map((ic) => ({ times: [...times], states: reversibleBinding(ic, times) }));
}
