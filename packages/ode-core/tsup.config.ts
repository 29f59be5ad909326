import { defineConfig } from 'tsup';

// Three entries: index (Node root: everything), browser (the `browser` condition of the root:
// everything but the reverse-mode machinery) and reverse (`@kinetica/ode-core/reverse`: the step
// tape and the transposed explicit step, in every environment). Code splitting, in CJS too, puts
// the code they share in common chunks, so that a class is one class whichever entries a program
// loads.
export default defineConfig({
  entry: { index: 'src/index.ts', browser: 'src/browser.ts', reverse: 'src/reverse.ts' },
  format: ['esm', 'cjs'],
  splitting: true,
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
