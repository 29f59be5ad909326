/**
 * What the explicit 'discrete' pass itself costs at B1's size (rk4, 199 steps, 200 observations,
 * n = 6, p = 5574), with a vector field that costs next to nothing, and what `accumulateVjp`
 * saves: one pass over p per stage (796 passes per gradient).
 * Run from the repository root: npx tsx --conditions=source packages/adjoint/bench/overhead-b1.ts
 */
import { odeGradient } from '../src/index';
import type { GradientModel } from '../src/types';
import { GRID, NP } from './mlp-field';

/** A linear decay whose vjp writes (or adds) all p entries, or only one (`touchAll` false). */
function cheapModel(accumulate: boolean, touchAll: boolean): GradientModel {
  return {
    t0: 0,
    y0: new Float64Array(6).fill(0.5),
    p: new Float64Array(NP).fill(0.01),
    accumulateVjp: accumulate,
    f(_t, y, _p, d) {
      for (let i = 0; i < 6; i++) d[i] = -0.1 * y[i]!;
    },
    vjp(_t, _y, _p, v, vy, vp) {
      for (let i = 0; i < 6; i++) vy[i] = -0.1 * v[i]!;
      const m = touchAll ? NP : 1;
      if (accumulate) for (let k = 0; k < m; k++) vp[k]! += 1e-3 * v[k % 6]!;
      else for (let k = 0; k < m; k++) vp[k] = 1e-3 * v[k % 6]!;
    },
  };
}

const obs = {
  times: GRID,
  loss: (_i: number, y: Float64Array) => y[0]!,
  lossGrad: (_i: number, _y: Float64Array, out: Float64Array) => {
    out.fill(0);
    out[0] = 1;
  },
};
const variants: Array<[string, GradientModel]> = [
  ['machinery only (vjp touches one parameter, accumulating)', cheapModel(true, false)],
  ['vjp writes all 5574 parameters, overwriting (discrete pass adds them up)', cheapModel(false, true)],
  ['vjp adds into all 5574 parameters (accumulateVjp)', cheapModel(true, true)],
];
const best = variants.map(() => Number.POSITIVE_INFINITY);
for (let r = 0; r <= 100; r++) {
  variants.forEach(([, m], i) => {
    const t = performance.now();
    odeGradient(m, obs, { method: 'rk4', h0: GRID[1]!, tstops: GRID, mode: 'discrete' });
    if (r > 0) best[i] = Math.min(best[i]!, performance.now() - t);
  });
}
for (const [i, [label]] of variants.entries()) {
  console.log(`${label}: ${best[i]!.toFixed(3)} ms per gradient (min of 100)`);
}
