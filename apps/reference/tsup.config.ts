import { defineConfig } from 'tsup';

export default defineConfig({
  // sweep-run: the file that sweep and worker pool threads load (src/sweep/run-train.ts);
  // ensemble-member: the file that train's and demo's pool threads load (src/pipeline/member-worker.ts).
  entry: {
    index: 'src/index.ts',
    web: 'src/web.ts',
    cli: 'src/cli.ts',
    'sweep-run': 'src/sweep/run-train.ts',
    'ensemble-member': 'src/pipeline/member-worker.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', web: 'src/web.ts' } },
  sourcemap: true,
  clean: true,
  // import.meta.url in the CJS bundle (the sweep finds sweep-run.cjs beside itself, train
  // ensemble-member.cjs).
  shims: true,
  // Observable Plot and d3 are ES modules only: bundled, so that cli.cjs loads them without
  // require(esm) (absent before Node 20.19, an experimental warning on stderr after).
  noExternal: ['@observablehq/plot'],
  target: 'node20',
  tsconfig: '../../tsconfig.build.json',
});
