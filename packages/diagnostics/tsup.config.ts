import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // The package's own tsconfig (src, test, bench), with the `source` condition off so that other
  // @kinetica packages resolve to their built declarations. Not the root tsconfig.build.json: with
  // no `include`, it lists every dist/*.d.ts of the repository, which the declaration build then
  // reads while parallel builds of other packages are rewriting them (TS6053, file not found).
  tsconfig: 'tsconfig.json',
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
