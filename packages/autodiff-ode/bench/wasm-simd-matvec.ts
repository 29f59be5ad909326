/**
 * Why B1 runs its pair passes on WebAssembly: how fast is the MLP's core product (a 64 × 64
 * matrix times two vectors, the two trajectories of B1 in lockstep) in plain JS versus
 * WebAssembly SIMD (f64x2, the `mv2` kernel of src/mlp/wasm-kernels.ts), on this machine?
 *   npx tsx packages/autodiff-ode/bench/wasm-simd-matvec.ts
 */

import { createWasmKernels } from '../src/mlp/wasm-kernels';

/** The JS kernel of the package's pair forward pass (four rows × two samples). */
function matvecPairJs(
  M: Float64Array,
  rows: number,
  cols: number,
  X: Float64Array,
  xa: number,
  xb: number,
  Y: Float64Array,
  ya: number,
  yb: number,
): void {
  for (let r = 0, m0 = 0; r < rows; r += 4, m0 += 4 * cols) {
    const m1 = m0 + cols;
    const m2 = m1 + cols;
    const m3 = m2 + cols;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let c = 0; c < cols; c++) {
      const x = X[xa + c]!;
      const z = X[xb + c]!;
      const p0 = M[m0 + c]!;
      const p1 = M[m1 + c]!;
      const p2 = M[m2 + c]!;
      const p3 = M[m3 + c]!;
      a0 += p0 * x;
      b0 += p0 * z;
      a1 += p1 * x;
      b1 += p1 * z;
      a2 += p2 * x;
      b2 += p2 * z;
      a3 += p3 * x;
      b3 += p3 * z;
    }
    Y[ya + r] = a0;
    Y[ya + r + 1] = a1;
    Y[ya + r + 2] = a2;
    Y[ya + r + 3] = a3;
    Y[yb + r] = b0;
    Y[yb + r + 1] = b1;
    Y[yb + r + 2] = b2;
    Y[yb + r + 3] = b3;
  }
}

const n = 64;
const kernels = createWasmKernels(n * n + 4 * n);
if (!kernels) throw new Error('WebAssembly SIMD is not available in this runtime');
const { mv2 } = kernels;
const F = kernels.f64;
// Layout (in doubles): M at 0, x_a at n², x_b at n² + n, y_a at n² + 2n, y_b at n² + 3n.
for (let k = 0; k < n * n + 2 * n; k++) F[k] = Math.sin(k * 0.37);
const M = F.slice(0, n * n);
const X = F.slice(n * n, n * n + 2 * n);
const Y = new Float64Array(2 * n);
mv2(0, n, n, 8 * n * n, 8 * (n * n + n), 8 * (n * n + 2 * n), 8 * (n * n + 3 * n));
matvecPairJs(M, n, n, X, 0, n, Y, 0, n);
let err = 0;
for (let i = 0; i < 2 * n; i++) err = Math.max(err, Math.abs(F[n * n + 2 * n + i]! - Y[i]!));
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
const js = rate(() => matvecPairJs(M, n, n, X, 0, n, Y, 0, n));
const wasm = rate(() => mv2(0, n, n, 8 * n * n, 8 * (n * n + n), 8 * (n * n + 2 * n), 8 * (n * n + 3 * n)));
console.log(
  JSON.stringify({
    kernel: '64x64 matrix times 2 vectors, float64',
    js_gmac_per_s: Number(js.toFixed(2)),
    wasm_simd_gmac_per_s: Number(wasm.toFixed(2)),
    max_abs_difference: err,
  }),
);
