import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * `@kinetica/<name>/<subpath>` → the TypeScript source its package.json export names under the
 * `source` condition (e.g. `@kinetica/ode-core/reverse` → packages/ode-core/src/reverse.ts), for
 * every subpath of every package under packages/. Vitest does not resolve the `source` condition,
 * so without these a subpath import would read the package's dist (stale, or missing before a build).
 */
function subpathSourceAliases(): { find: string; replacement: string }[] {
  const aliases: { find: string; replacement: string }[] = [];
  for (const dir of readdirSync(`${root}packages`)) {
    const manifest = `${root}packages/${dir}/package.json`;
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    for (const [key, target] of Object.entries(pkg.exports ?? {})) {
      if (key === '.' || typeof target !== 'object' || target === null) continue;
      const source = (target as { source?: unknown }).source;
      if (typeof source !== 'string') continue;
      aliases.push({
        find: `${pkg.name}${key.slice(1)}`,
        replacement: `${root}packages/${dir}/${source.replace(/^\.\//, '')}`,
      });
    }
  }
  return aliases;
}

/**
 * Shared Vitest settings: `@kinetica/<name>` resolves to the sibling package's TypeScript source,
 * and so does each `@kinetica/<name>/<subpath>` (through its `source` export condition), so tests
 * never depend on a stale build. Each package still declares its dependencies, and the typecheck
 * (which resolves through the workspace symlinks) fails when one is missing.
 */
export function kineticaVitestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: {
      alias: [
        { find: /^@kinetica\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
        ...subpathSourceAliases(),
      ],
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 60_000,
      pool: 'forks',
      reporters: process.env.CI ? ['default'] : ['default'],
    },
  });
}
