import { defineConfig } from 'tsup';

// Three entries: index (Node root: everything), browser (the `browser` condition of the root:
// no node:fs) and node (`@kinetica/omics-io/node`: the file-path readers). Code splitting, in
// CJS too, puts the code they share in common chunks, so that OmicsIOError is one class whichever
// entries a program loads.
export default defineConfig({
  entry: ['src/index.ts', 'src/browser.ts', 'src/node.ts'],
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
