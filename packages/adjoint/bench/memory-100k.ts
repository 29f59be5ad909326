/**
 * Acceptance 3: stored states and peak memory on a problem forced to take 100,000 steps
 * (a 10-state advection–damping ring, dopri5 with hmax = T/1e5, four observations).
 * Each mode runs in a fresh child process so that the peaks do not mix.
 * Run from the repository root: npx tsx --conditions=source packages/adjoint/bench/memory-100k.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { odeGradient } from '../src/index';
import type { GradientModel, GradientMode, Observations } from '../src/types';

const N = 10;
const T = 100;

function ring(sample: () => void): GradientModel {
  let calls = 0;
  return {
    t0: 0,
    y0: Array.from({ length: N }, (_, i) => Math.sin((2 * Math.PI * i) / N) + 1),
    p: [1, 0.01],
    f(_t, y, p, d) {
      if ((++calls & 8191) === 0) sample();
      for (let i = 0; i < N; i++) d[i] = p[0]! * (y[(i + N - 1) % N]! - y[(i + 1) % N]!) - p[1]! * y[i]!;
    },
    vjp(_t, y, p, v, vy, vp) {
      if ((++calls & 8191) === 0) sample();
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < N; i++) {
        vy[i] = p[0]! * (v[(i + 1) % N]! - v[(i + N - 1) % N]!) - p[1]! * v[i]!;
        s0 += v[i]! * (y[(i + N - 1) % N]! - y[(i + 1) % N]!);
        s1 -= v[i]! * y[i]!;
      }
      vp[0] = s0;
      vp[1] = s1;
    },
  };
}

const obs: Observations = {
  times: [25, 50, 75, 100],
  loss: (_i, y) => 0.5 * y.reduce((s, v) => s + v * v, 0),
  lossGrad: (_i, y, out) => out.set(y),
};

/** Live memory: collect garbage first (the bench runs with --expose-gc), then heap + typed-array buffers. */
const bytes = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const mode = process.argv[2] as GradientMode | undefined;
const K = Number(process.argv[3] ?? 8);
if (mode) {
  (globalThis as { gc?: () => void }).gc?.();
  const base = bytes();
  let peak = base;
  const g = odeGradient(
    ring(() => {
      peak = Math.max(peak, bytes());
    }),
    obs,
    { method: 'dopri5', mode, rtol: 1e-8, atol: 1e-10, hmax: T / 1e5, maxSteps: 200_000, checkpoints: K },
  );
  peak = Math.max(peak, bytes());
  console.log(
    JSON.stringify({
      mode,
      K,
      status: g.status,
      stats: g.stats,
      peakMiB: (peak - base) / 2 ** 20,
      dp: Array.from(g.dp),
    }),
  );
} else {
  console.log(
    '| mode | forward steps | backward steps | peak stored states (n-vectors) | peak heap + array buffers above baseline (MiB) | dp |',
  );
  console.log('|---|---|---|---|---|---|');
  const runs: Array<[string, number]> = [
    ['discrete', 8],
    ['interpolating', 8],
    ['checkpointed', 8],
    ['checkpointed', 64],
    ['checkpointed', 316],
    ['backsolve', 8],
    ['forward', 8],
  ];
  for (const [m, k] of runs) {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), m, String(k)],
      {
        encoding: 'utf8',
      },
    );
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const o = JSON.parse(line);
    console.log(
      `| ${o.mode}${o.mode === 'checkpointed' ? ` (K = ${o.K})` : ''} | ${o.stats.steps.forward} | ${o.stats.steps.backward} | ${o.stats.peakStoredStates} | ${o.peakMiB.toFixed(1)} | ${o.dp.map((v: number) => v.toPrecision(8)).join(', ')} |`,
    );
  }
}
