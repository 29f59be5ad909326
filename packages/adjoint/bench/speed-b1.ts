/**
 * Acceptance 4: cost of one gradient for the B1-size MLP field (15 → 64 → 64 → 6, 5574
 * parameters, 9 interpolated controls, loss on 200 grid points) in each mode.
 * Run from the repository root: npx tsx --conditions=source packages/adjoint/bench/speed-b1.ts
 */
import { odeGradient } from '../src/index';
import type { GradientModel, GradientOptions, GradientResult } from '../src/types';
import { b1Trajectory, GRID, initialWeights, mlpModel, mseObservations } from './mlp-field';

const p = initialWeights(1);
const traj = b1Trajectory(0);
const model = mlpModel(p, traj.u, traj.y0);
const obs = mseObservations(traj.target);
const MODES = ['discrete', 'backsolve', 'interpolating', 'checkpointed'] as const;
const REPS = 25;

/**
 * Runs are interleaved (one of each per round) and the minimum over rounds is kept, so that the
 * shared machine's load affects all variants alike and its spikes drop out. Round 0 warms up.
 */
function timeInterleaved(
  variants: Array<[string, GradientModel, GradientOptions]>,
): Map<string, { ms: number; g: GradientResult }> {
  const out = new Map<string, { ms: number; g: GradientResult }>();
  for (let r = 0; r <= REPS; r++) {
    for (const [name, m, opts] of variants) {
      const t = performance.now();
      const g = odeGradient(m, obs, opts);
      const ms = performance.now() - t;
      if (g.status !== 'success') throw new Error(`${name}: ${g.message}`);
      const prev = out.get(name);
      if (!prev) out.set(name, { ms: r === 0 ? Number.POSITIVE_INFINITY : ms, g });
      else if (r > 0 && ms < prev.ms) out.set(name, { ms, g });
    }
  }
  return out;
}

const rows: string[] = [];
const configs: Array<[string, GradientOptions]> = [
  ['rk4, 199 fixed steps', { method: 'rk4', h0: GRID[1]!, tstops: GRID }],
  ['dopri5, rtol 1e-6, atol 1e-8', { method: 'dopri5', rtol: 1e-6, atol: 1e-8, tstops: GRID }],
  ['tsit5, rtol 1e-6, atol 1e-8', { method: 'tsit5', rtol: 1e-6, atol: 1e-8, tstops: GRID }],
];
for (const [label, base] of configs) {
  const res = timeInterleaved(MODES.map((mode) => [mode, model, { ...base, mode }]));
  const discreteMs = res.get('discrete')!.ms;
  for (const mode of MODES) {
    const { ms, g } = res.get(mode)!;
    rows.push(
      `| ${label} | ${mode} | ${ms.toFixed(2)} | ${(ms / discreteMs).toFixed(2)} | ${g.stats.nfev.forward} | ${g.stats.nfev.backward} | ${g.stats.nvjp} | ${g.stats.steps.forward} | ${g.stats.steps.backward} | ${g.stats.peakStoredStates} |`,
    );
  }
}
console.log(
  '| solver | mode | ms / gradient (min of 25, interleaved) | × discrete | nfev fwd | nfev bwd | nvjp | steps fwd | steps bwd | peak stored states |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);

const rk4: GradientOptions = { method: 'rk4', h0: GRID[1]!, tstops: GRID, mode: 'discrete' };
const acc = timeInterleaved([
  ['overwrite', model, rk4],
  ['accumulate', mlpModel(p, traj.u, traj.y0, true), rk4],
]);
console.log(
  `\nrk4 discrete: ${acc.get('accumulate')!.ms.toFixed(2)} ms per gradient with accumulateVjp, ${acc.get('overwrite')!.ms.toFixed(2)} ms with an overwriting vjp`,
);
