import { defineConfig } from 'tsup';

export default defineConfig({
  // sweep-run: the file that sweep and worker pool threads load (src/sweep/run-train.ts).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'sweep-run': 'src/sweep/run-train.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  // import.meta.url in the CJS bundle (the sweep finds sweep-run.cjs beside itself).
  shims: true,
  target: 'node20',
  tsconfig: '../../tsconfig.build.json',
});
