import { defineConfig } from 'tsup';

// Five entries: index (Node root: everything), browser (the `browser` condition of the root:
// everything but the stiff test set, the taped solves and the ensembles on worker threads),
// testset (`@kinetica/solvers-stiff/testset`: ROBER, HIRES, POLLU, … in every environment),
// reverse (`@kinetica/solvers-stiff/reverse`: `solveTaped` and the transposed steps, in every
// environment) and ensemble-worker (not exported: the file that `solveEnsembleThreads`' worker
// threads load, dist/ensemble-worker.cjs, found beside the bundle through import.meta.url, which
// `shims` provides in CJS; its ESM twin is unused). Code splitting, in CJS too, puts the code they
// share in common chunks, so that a class is one class whichever entries a program loads.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    browser: 'src/browser.ts',
    testset: 'src/testset/index.ts',
    reverse: 'src/reverse.ts',
    'ensemble-worker': 'src/ensemble-worker.ts',
  },
  format: ['esm', 'cjs'],
  splitting: true,
  // The package's own tsconfig (src, test, bench), with the `source` condition off so that other
  // @kinetica packages resolve to their built declarations. Not the root tsconfig.build.json: with
  // no `include`, it lists every dist/*.d.ts of the repository, which the declaration build then
  // reads while parallel builds of other packages are rewriting them (TS6053, file not found).
  tsconfig: 'tsconfig.json',
  // Declarations for the four public entries only (nothing imports the worker).
  dts: {
    entry: {
      index: 'src/index.ts',
      browser: 'src/browser.ts',
      testset: 'src/testset/index.ts',
      reverse: 'src/reverse.ts',
    },
    compilerOptions: { customConditions: [] },
  },
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
