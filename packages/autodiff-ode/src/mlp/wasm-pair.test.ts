import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { MLP } from './mlp';
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
});
