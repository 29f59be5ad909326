#!/usr/bin/env node
// Packaging check for every published @kinetica package:
//   1. publint (strict) and @arethetypeswrong/cli on the packed tarball report no problems;
//   2. the tarball, installed with npm into an empty project together with the tarballs of the
//      @kinetica packages it depends on, loads with `import` and with `require`;
//   3. its types resolve for a TypeScript consumer (ESM and CJS, module "nodenext").
// `--self-test` checks that the checker itself fails on a package whose `exports` points at a
// missing file. Usage: node scripts/pack-check.mjs [--self-test] [--only name,name]
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath) ? process.env.npm_execpath : null;

function run(cmd, args, cwd, { allowFail = false } = {}) {
  const isJs = cmd.endsWith('.cjs') || cmd.endsWith('.js') || cmd.endsWith('.mjs');
  const res = spawnSync(isJs ? process.execPath : cmd, isJs ? [cmd, ...args] : args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
    },
  });
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.status !== 0 && !allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${out}`);
  }
  return { ok: res.status === 0, out };
}

function readPkg(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

function listPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => existsSync(join(p, 'package.json')))
    .map((p) => ({ dir: p, pkg: readPkg(p) }))
    .filter(({ pkg }) => !pkg.private);
}

function pack(dir, dest) {
  const args = ['pack', '--pack-destination', dest];
  const res = pnpm ? run(pnpm, args, dir) : run('npx', ['-y', 'pnpm@9.15.9', ...args], dir);
  const file = res.out
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.endsWith('.tgz'))
    .pop();
  if (!file) throw new Error(`could not find the tarball name in pnpm pack output for ${dir}`);
  return file.startsWith('/') ? file : join(dest, file);
}

function internalDeps(pkg, byName) {
  const seen = new Set();
  const visit = (p) => {
    for (const dep of Object.keys(p.dependencies ?? {})) {
      if (byName.has(dep) && !seen.has(dep)) {
        seen.add(dep);
        visit(byName.get(dep).pkg);
      }
    }
  };
  visit(pkg);
  return [...seen];
}

/** Static checks on one package folder (publint + attw on its tarball). Returns a list of problems. */
function lint(dir, tarball) {
  const problems = [];
  const pub = run(bin('publint'), ['run', tarball, '--strict'], dir, { allowFail: true });
  if (!pub.ok) problems.push(`publint: ${pub.out.trim()}`);
  const attw = run(bin('attw'), [tarball, '--format', 'ascii'], dir, { allowFail: true });
  if (!attw.ok) problems.push(`attw: ${attw.out.trim()}`);
  return problems;
}

/** Install the tarballs into an empty project and load the package every way a user would. */
function consume(name, tarballs, work) {
  const problems = [];
  const proj = join(work, `consumer-${name.replace(/[@/]/g, '_')}`);
  mkdirSync(proj, { recursive: true });
  writeFileSync(
    join(proj, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs],
    proj,
  );
  const esm = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(name)}); if (!Object.keys(m).length) { console.error('no exports'); process.exit(1); }`,
    ],
    proj,
    { allowFail: true },
  );
  if (!esm.ok) problems.push(`import('${name}') failed: ${esm.out.trim()}`);
  const cjs = run(
    process.execPath,
    [
      '-e',
      `const m = require(${JSON.stringify(name)}); if (!Object.keys(m).length) { console.error('no exports'); process.exit(1); }`,
    ],
    proj,
    { allowFail: true },
  );
  if (!cjs.ok) problems.push(`require('${name}') failed: ${cjs.out.trim()}`);
  // TypeScript consumer, as ESM (.mts) and CJS (.cts) under module nodenext.
  writeFileSync(
    join(proj, 'esm.mts'),
    `import * as m from ${JSON.stringify(name)};\nconst keys: Array<keyof typeof m> = Object.keys(m) as Array<keyof typeof m>;\nexport { keys };\n`,
  );
  writeFileSync(
    join(proj, 'cjs.cts'),
    `import m = require(${JSON.stringify(name)});\nconst keys: Array<keyof typeof m> = Object.keys(m) as Array<keyof typeof m>;\nexport { keys };\n`,
  );
  writeFileSync(
    join(proj, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: ['esm.mts', 'cjs.cts'],
    }),
  );
  const tsc = run(bin('tsc'), ['-p', proj], proj, { allowFail: true });
  if (!tsc.ok) problems.push(`TypeScript consumer failed:\n${tsc.out.trim()}`);
  return problems;
}

function selfTest() {
  const work = mkdtempSync(join(tmpdir(), 'kinetica-selftest-'));
  try {
    const dir = join(work, 'broken');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.js'), 'export const x = 1;\n');
    writeFileSync(join(dir, 'dist', 'index.d.ts'), 'export declare const x: number;\n');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: '@kinetica/broken',
        version: '0.0.0',
        type: 'module',
        files: ['dist'],
        exports: {
          '.': {
            import: { types: './dist/index.d.ts', default: './dist/index.js' },
            require: { types: './dist/index.d.cts', default: './dist/missing.cjs' },
          },
        },
      }),
    );
    const tarball = pack(dir, work);
    const problems = lint(dir, tarball);
    if (problems.length === 0) {
      console.error('pack-check self-test FAILED: a package whose exports point at missing files passed');
      process.exit(1);
    }
    console.log(
      `pack-check self-test passed: the broken package was rejected (${problems.length} problem(s))`,
    );
    for (const p of problems) console.log(`  expected: ${p.split('\n').slice(0, 3).join(' | ')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--self-test')) return selfTest();
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;
  const packages = listPackages();
  const byName = new Map(packages.map((p) => [p.pkg.name, p]));
  const work = mkdtempSync(join(tmpdir(), 'kinetica-pack-'));
  const tarballs = new Map();
  let failed = 0;
  try {
    for (const p of packages) {
      if (!existsSync(join(p.dir, 'dist')))
        throw new Error(`${p.pkg.name}: no dist/ folder; run the build first`);
      tarballs.set(p.pkg.name, pack(p.dir, work));
    }
    for (const p of packages) {
      const name = p.pkg.name;
      if (only && !only.has(name.replace('@kinetica/', ''))) continue;
      const t0 = Date.now();
      const tgz = [tarballs.get(name), ...internalDeps(p.pkg, byName).map((d) => tarballs.get(d))];
      const problems = [...lint(p.dir, tarballs.get(name)), ...consume(name, tgz, work)];
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (problems.length) {
        failed++;
        console.error(`✗ ${name} (${secs}s)`);
        for (const pr of problems) console.error(`  ${pr.replace(/\n/g, '\n    ')}`);
      } else {
        console.log(
          `✓ ${name}: publint, attw, npm install of the tarball, import, require, TypeScript types (${secs}s)`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (failed) {
    console.error(`pack-check: ${failed} package(s) failed`);
    process.exit(1);
  }
  console.log(`pack-check: all ${only ? only.size : packages.length} package(s) pass`);
}

main();
