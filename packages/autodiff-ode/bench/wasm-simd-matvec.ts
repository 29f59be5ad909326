/**
 * Why B1 runs its pair passes on WebAssembly: how fast is the MLP's core product (a 64 × 64
 * matrix times two vectors, the two trajectories of B1 in lockstep) in plain JS versus
 * WebAssembly SIMD (f64x2, the `mv2` kernel of src/mlp/wasm-kernels.ts), on this machine?
 *   npx tsx packages/autodiff-ode/bench/wasm-simd-matvec.ts
 */

import { MLP } from '../src/mlp/mlp';
import { createWasmKernels } from '../src/mlp/wasm-kernels';

const n = 64;
const kernels = createWasmKernels(n * n + 4 * n);
if (!kernels) throw new Error('WebAssembly SIMD is not available in this runtime');
const { mv2 } = kernels;
const F = kernels.f64;
// Layout (in doubles): M at 0, x_a at n², x_b at n² + n, y_a at n² + 2n, y_b at n² + 3n.
for (let k = 0; k < n * n + 2 * n; k++) F[k] = Math.sin(k * 0.37);
// The package's plain-JS pair forward pass (four rows × two samples) on the same product: one
// 64 → 64 layer with zero bias and identity activation, the two inputs on two tapes.
const layer = new MLP({ widths: [n, n], activation: 'identity', outputActivation: 'identity' });
const p = new Float64Array(layer.nParams);
p.set(F.subarray(0, n * n), layer.weightOffset[0]!);
const tp = new Float64Array(2 * layer.tapeSize);
const tb = layer.tapeSize;
tp.set(F.subarray(n * n, n * n + n), 0);
tp.set(F.subarray(n * n + n, n * n + 2 * n), tb);
const jsPair = () => layer.forwardPairFromTape(p, tp, 0, tb);
mv2(0, n, n, 8 * n * n, 8 * (n * n + n), 8 * (n * n + 2 * n), 8 * (n * n + 3 * n));
jsPair();
let err = 0;
const out = layer.aOff[1]!;
for (let i = 0; i < n; i++) {
  err = Math.max(err, Math.abs(F[n * n + 2 * n + i]! - tp[out + i]!));
  err = Math.max(err, Math.abs(F[n * n + 3 * n + i]! - tp[tb + out + i]!));
}
if (!(err < 1e-12)) throw new Error(`wasm and JS products differ by ${err}`);

const reps = 20000;
const rate = (f: () => void) => {
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) f();
    best = Math.min(best, performance.now() - t0);
  }
  return (reps * 2 * n * n) / best / 1e6;
};
const js = rate(jsPair);
const wasm = rate(() => mv2(0, n, n, 8 * n * n, 8 * (n * n + n), 8 * (n * n + 2 * n), 8 * (n * n + 3 * n)));
console.log(
  JSON.stringify({
    kernel: '64x64 matrix times 2 vectors, float64',
    js_gmac_per_s: Number(js.toFixed(2)),
    wasm_simd_gmac_per_s: Number(wasm.toFixed(2)),
    max_abs_difference: err,
  }),
);
