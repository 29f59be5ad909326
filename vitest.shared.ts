import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Shared Vitest settings: `@kinetica/<name>` resolves to the sibling package's TypeScript source,
 * so tests never depend on a stale build. Each package still declares its dependencies, and the
 * typecheck (which resolves through the workspace symlinks) fails when one is missing.
 */
export function kineticaVitestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: {
      alias: [{ find: /^@kinetica\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` }],
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 60_000,
      pool: 'forks',
      reporters: process.env.CI ? ['default'] : ['default'],
    },
  });
}
