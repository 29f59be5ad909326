#!/usr/bin/env node
// Lines of TypeScript source under the given folders (default: the solver and gradient code),
// tests and the stiff test-set problems excluded: total, and without comments and blank lines.
//   node scripts/code-lines.mjs [root] [folder …]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [root = '.', ...given] = process.argv.slice(2);
const folders = given.length
  ? given
  : [
      'packages/ode-core/src',
      'packages/solvers-stiff/src',
      'packages/adjoint/src',
      'packages/autodiff-ode/src/integrate',
    ];
let total = 0;
let code = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'testset') walk(path);
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
      let inBlock = false;
      for (const raw of readFileSync(path, 'utf8').split('\n')) {
        total++;
        const s = raw.trim();
        if (inBlock) {
          if (s.includes('*/')) inBlock = false;
          continue;
        }
        if (s === '' || s.startsWith('//')) continue;
        if (s.startsWith('/*')) {
          if (!s.includes('*/')) inBlock = true;
          continue;
        }
        code++;
      }
    }
  }
};
for (const f of folders) walk(join(root, f));
console.log(`${total} lines, ${code} without comments and blank lines`);
