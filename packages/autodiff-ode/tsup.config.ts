import { defineConfig, type Options } from 'tsup';

const common = {
  format: ['esm', 'cjs'],
  sourcemap: true,
  // The package's own tsconfig (src, test, bench), with the `source` condition off so that other
  // @kinetica packages resolve to their built declarations. Not the root tsconfig.build.json: with
  // no `include`, it lists every dist/*.d.ts of the repository, which the declaration build then
  // reads while parallel builds of other packages are rewriting them (TS6053, file not found).
  tsconfig: 'tsconfig.json',
} satisfies Options;

export default defineConfig([
  // Node entries: index (the root: everything) and node (`@kinetica/autodiff-ode/node`), sharing
  // chunks (CJS too) so that a class is one class whichever of them a program loads. The
  // declarations of all three entries come from here; the clean spares the browser build's files.
  {
    ...common,
    entry: ['src/index.ts', 'src/node.ts'],
    splitting: true,
    dts: {
      entry: ['src/index.ts', 'src/node.ts', 'src/browser.ts'],
      compilerOptions: { customConditions: [] },
    },
    clean: ['!browser.js', '!browser.cjs', '!browser.js.map', '!browser.cjs.map'],
    target: 'node20',
  },
  // The `browser` condition of the root: one self-contained file per format.
  {
    ...common,
    entry: ['src/browser.ts'],
    platform: 'browser',
    // The `#checkpoint-files` import resolves to its browser stand-in here (package.json
    // "imports"); any Node built-in reaching the browser entry fails the build.
    removeNodeProtocol: false,
    splitting: false,
    dts: false,
    clean: false,
    target: 'es2022',
  },
]);
