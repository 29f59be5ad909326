import { defineConfig } from 'tsup';

// Entries: index (Node root: everything), browser (the `browser` condition of the root: no SBML,
// so no fast-xml-parser), sbml (`@kinetica/stoichiometry/sbml`, browser-safe) and node
// (`@kinetica/stoichiometry/node`: the SBML Test Suite runner, node:fs). Code splitting, in CJS
// too, puts shared code in common chunks, so that a class is one class whichever entries load it.
export default defineConfig({
  entry: ['src/index.ts', 'src/browser.ts', 'src/sbml.ts', 'src/node.ts'],
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
