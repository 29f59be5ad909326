import { defaultClientConditions, defineConfig } from 'vite';

/**
 * A static site with relative asset paths (served from any folder). Workspace packages resolve to
 * their TypeScript sources through the `source` export condition, and to their browser entries
 * through `browser`: the page never needs the packages built first.
 */
export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // One worker chunk holds the solvers, the trainer and tfjs-core.
    chunkSizeWarningLimit: 4096,
  },
});
