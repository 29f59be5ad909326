import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { softplus } from './activations';
import { MLP } from './mlp';
import { createWasmKernels } from './wasm-kernels';
import { WasmPairMLP } from './wasm-pair';

const probe = WasmPairMLP.create(new MLP({ widths: [2, 2] }));
if (!probe) console.warn('wasm-pair tests skipped: WebAssembly SIMD is not available in this runtime');

describe('WasmPairMLP', () => {
  for (const activation of ['tanh', 'silu'] as const)
    it.skipIf(!probe)(
      `matches the JS pair passes: outputs, input and parameter cotangents to 1e-13 (${activation})`,
      () => {
        // Odd widths exercise the zero padding of rows and columns; tanh has its own fused reverse
        // step, silu and softplus read z_l.
        const mlp = new MLP({ widths: [5, 7, 9, 3], activation, outputActivation: 'softplus' });
        const rng = createRng(8);
        const p = mlp.initParams(rng, 0.7);
        for (let q = 0; q < p.length; q++) p[q] += 0.1 * rng.normal();
        const wasm = WasmPairMLP.create(mlp)!;
        const ts = mlp.tapeSize;
        const pairs = 6;
        const tapeJs = new Float64Array(2 * pairs * ts);
        for (let q = 0; q < tapeJs.length; q++) tapeJs[q] = rng.normal();
        const tapeWasm = tapeJs.slice();
        const vxLength = 4;
        const gJs = new Float64Array(p.length);
        const gWasm = new Float64Array(p.length);
        wasm.load(p);
        for (let k = 0; k < pairs; k++) {
          const a = 2 * k * ts;
          const b = a + ts;
          mlp.forwardPairFromTape(p, tapeJs, a, b);
          wasm.forwardPair(p, tapeWasm, a, b);
          // Every activation a_l (the output included), and z_l where the activation needs it.
          for (const o of [a, b]) {
            for (let l = 0; l < mlp.nLayers; l++) {
              const n = mlp.widths[l + 1]!;
              const slots = [mlp.aOff[l + 1]!, ...(activation === 'tanh' ? [] : [mlp.zOff[l]!])];
              for (const so of slots)
                for (let i = 0; i < n; i++)
                  expect(Math.abs(tapeWasm[o + so + i]! - tapeJs[o + so + i]!)).toBeLessThan(1e-13);
            }
          }
          const va = Float64Array.from({ length: 3 }, () => rng.normal());
          const vb = Float64Array.from({ length: 3 }, () => rng.normal());
          const x = [0, 1, 2, 3].map(() => new Float64Array(vxLength));
          mlp.backwardPair(p, tapeJs, a, b, va, vb, x[0]!, x[1]!, gJs, vxLength);
          wasm.backwardPair(tapeWasm, a, b, va, vb, x[2]!, x[3]!, gWasm, vxLength);
          for (let j = 0; j < vxLength; j++) {
            expect(Math.abs(x[2]![j]! - x[0]![j]!)).toBeLessThan(1e-13);
            expect(Math.abs(x[3]![j]! - x[1]![j]!)).toBeLessThan(1e-13);
          }
        }
        wasm.addGradient(gWasm);
        const scale = Math.max(...gJs.map(Math.abs));
        expect(scale).toBeGreaterThan(0.1);
        for (let q = 0; q < p.length; q++) expect(Math.abs(gWasm[q]! - gJs[q]!)).toBeLessThan(1e-13 * scale);
        // The gradient was handed over: a second hand-over adds nothing.
        const again = gWasm.slice();
        wasm.addGradient(gWasm);
        expect(Array.from(gWasm)).toEqual(Array.from(again));
      },
    );

  for (const [activation, output] of [
    ['tanh', 'identity'],
    ['tanh', 'softplus'],
    ['silu', 'identity'],
  ] as const)
    it.skipIf(!probe)(
      `predictPair equals the JS forward pass to 1e-13, softplus of the outputs too (${activation}, ${output})`,
      () => {
        // Odd widths: the padding rows of a tanh layer must come out as zeros for the next layer.
        const mlp = new MLP({ widths: [5, 7, 9, 3], activation, outputActivation: output });
        const rng = createRng(21);
        const p = mlp.initParams(rng, 1.5);
        for (let q = 0; q < p.length; q++) p[q] += 0.3 * rng.normal();
        const wasm = WasmPairMLP.create(mlp)!;
        wasm.load(p);
        const y = new Float64Array(3);
        const [ya, yb, sa, sb] = [0, 1, 2, 3].map(() => new Float64Array(3));
        let spread = 0;
        for (let k = 0; k < 20; k++) {
          const xa = Float64Array.from({ length: 5 }, () => 3 * rng.normal());
          const xb = Float64Array.from({ length: 5 }, () => 3 * rng.normal());
          wasm.predictPair(xa, xb, ya!, yb!, sa!, sb!);
          for (const [x, got, sp] of [
            [xa, ya!, sa!],
            [xb, yb!, sb!],
          ] as const) {
            mlp.forward(p, x, y);
            for (let i = 0; i < 3; i++) {
              expect(Math.abs(got[i]! - y[i]!)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(y[i]!)));
              expect(Math.abs(sp[i]! - softplus(y[i]!))).toBeLessThanOrEqual(
                1e-13 * Math.max(1, softplus(y[i]!)),
              );
              spread = Math.max(spread, Math.abs(y[i]!));
            }
          }
        }
        expect(spread).toBeGreaterThan(1);
      },
    );

  it.skipIf(!probe)(
    'the tanh2 and softplus2 kernels are within 4 ulp of Math.tanh and softplus, special values included',
    () => {
      const k = createWasmKernels(1 << 16)!;
      const F = k.f64;
      const specials = [
        0,
        -0,
        1e-300,
        -5e-324,
        1e-9,
        -1e-5,
        0.17,
        -0.3465,
        0.3466,
        0.881373587,
        5,
        -18.7,
        19.99,
        20,
        -20.01,
        36,
        -36,
        40,
        700,
        -700,
        -701,
        -745,
        1e10,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NaN,
      ];
      const rng = createRng(4);
      const xs = [...specials];
      while (xs.length < 4096) xs.push((rng.uniform() < 0.5 ? -1 : 1) * 10 ** (12 * rng.uniform() - 10));
      const N = xs.length;
      // Inputs at 0, bias at 2N (half the values, half their negatives), sample B reversed.
      for (let i = 0; i < N; i++) {
        F[i] = xs[i]! / 2;
        F[2 * N + i] = xs[i]! - xs[i]! / 2;
        F[3 * N + i] = F[N - 1 - i]!;
      }
      const ulps = (got: number, want: number) =>
        Number.isNaN(want)
          ? Number.isNaN(got)
            ? 0
            : Infinity
          : got === want
            ? 0
            : Math.abs(got - want) / (Math.abs(want) * 2 ** -52);
      for (const [name, kernel, ref] of [
        ['tanh', k.tanh2, Math.tanh],
        ['softplus', k.softplus2, (x: number) => (x < -700 ? 0 : softplus(x))],
      ] as const) {
        // A at [0, N) → [N, 2N); B at [3N, 4N) → [4N, 5N), over the bias at [2N, 3N): B reads the
        // bias of its own index, so it is compared with that sum.
        kernel(0, 8 * N, 8 * 3 * N, 8 * 4 * N, 8 * 2 * N, 8 * N);
        let worst = 0;
        for (let i = 0; i < N; i++) {
          const x = F[i]! + F[2 * N + i]!;
          worst = Math.max(worst, ulps(F[N + i]!, ref(x)));
          const xb = F[3 * N + i]! + F[2 * N + i]!;
          worst = Math.max(worst, ulps(F[4 * N + i]!, ref(xb)));
        }
        expect(worst, name).toBeLessThanOrEqual(4);
      }
    },
  );
});
