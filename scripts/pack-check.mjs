#!/usr/bin/env node
// Packaging check for every published @kinetica package:
//   1. publint (strict) and @arethetypeswrong/cli on the packed tarball report no problems;
//   2. the tarball, installed with npm into an empty project together with the tarballs of the
//      @kinetica packages it depends on, loads with `import` and with `require`;
//   3. its types resolve for a TypeScript consumer (ESM and CJS, module "nodenext");
//   (2 and 3 for the root and for every subpath in `exports`, e.g. `@kinetica/omics-io/node`)
//   4. it bundles for the browser: esbuild (the one tsup uses) bundles each entry listed in
//      scripts/bundle-budgets.json from the installed tarballs with the `browser` condition,
//      minified, and the check fails on any error (a Node built-in such as node:fs that cannot be
//      resolved), on a gzip size over the entry's budget, or on a forbidden package in the bundle
//      (fast-xml-parser outside the SBML entry). The table of sizes is printed at the end and
//      docs/bundles.md records it.
// `--self-test` checks that the checker itself fails on a package whose `exports` points at a
// missing file, and that the bundle check fails on a package importing node:fs, on a bundle over
// its budget and on a forbidden package. Usage: node scripts/pack-check.mjs [--self-test] [--only name,name]
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
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

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

/** The specifiers a package's `exports` offers: its name and name/subpath for each subpath (not ./package.json). */
function entrySpecifiers(pkg) {
  const keys = pkg.exports && typeof pkg.exports === 'object' ? Object.keys(pkg.exports) : ['.'];
  return keys
    .filter((k) => k === '.' || (k.startsWith('./') && !k.endsWith('.json') && !k.includes('*')))
    .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
}

/**
 * Install the tarballs into an empty project and load the package, root and subpaths, every way a
 * user would. Returns the problems and the project folder (the bundle check reuses it).
 */
function consume(name, specifiers, tarballs, work) {
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
  for (const spec of specifiers) {
    const esm = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(spec)}); if (!Object.keys(m).length) { console.error('no exports'); process.exit(1); }`,
      ],
      proj,
      { allowFail: true },
    );
    if (!esm.ok) problems.push(`import('${spec}') failed: ${esm.out.trim()}`);
    const cjs = run(
      process.execPath,
      [
        '-e',
        `const m = require(${JSON.stringify(spec)}); if (!Object.keys(m).length) { console.error('no exports'); process.exit(1); }`,
      ],
      proj,
      { allowFail: true },
    );
    if (!cjs.ok) problems.push(`require('${spec}') failed: ${cjs.out.trim()}`);
  }
  // TypeScript consumer, as ESM (.mts) and CJS (.cts) under module nodenext.
  const files = [];
  specifiers.forEach((spec, i) => {
    writeFileSync(
      join(proj, `esm${i}.mts`),
      `import * as m from ${JSON.stringify(spec)};\nconst keys: Array<keyof typeof m> = Object.keys(m) as Array<keyof typeof m>;\nexport { keys };\n`,
    );
    writeFileSync(
      join(proj, `cjs${i}.cts`),
      `import m = require(${JSON.stringify(spec)});\nconst keys: Array<keyof typeof m> = Object.keys(m) as Array<keyof typeof m>;\nexport { keys };\n`,
    );
    files.push(`esm${i}.mts`, `cjs${i}.cts`);
  });
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
      files,
    }),
  );
  const tsc = run(bin('tsc'), ['-p', proj], proj, { allowFail: true });
  if (!tsc.ok) problems.push(`TypeScript consumer failed:\n${tsc.out.trim()}`);
  return { problems, proj };
}

// ---------------------------------------------------------------------------------------------
// Browser bundles

const budgetsName = 'scripts/bundle-budgets.json';
const budgetsFile = join(root, ...budgetsName.split('/'));

/** The bundle table: [{ entry, import?, budgetKb, forbid? }], from scripts/bundle-budgets.json. */
function readBudgets() {
  const { bundles } = JSON.parse(readFileSync(budgetsFile, 'utf8'));
  if (!Array.isArray(bundles)) throw new Error(`${budgetsFile}: expected { "bundles": [...] }`);
  for (const b of bundles) {
    if (typeof b.entry !== 'string' || !(typeof b.budgetKb === 'number' && b.budgetKb > 0)) {
      throw new Error(
        `${budgetsFile}: each bundle needs an "entry" and a positive "budgetKb": ${JSON.stringify(b)}`,
      );
    }
  }
  return bundles;
}

/** The package an entry specifier belongs to: '@kinetica/stoichiometry/sbml' → '@kinetica/stoichiometry'. */
const packageOf = (entry) =>
  entry
    .split('/')
    .slice(0, entry.startsWith('@') ? 2 : 1)
    .join('/');

/** What a bundle row is called in the table: the entry, and the names imported when not all. */
const bundleLabel = (b) => (b.import ? `{ ${b.import.join(', ')} } from ${b.entry}` : b.entry);

let esbuildModule;
/** esbuild, as installed for tsup (no dependency of its own). */
function esbuild() {
  if (!esbuildModule) {
    const requireRoot = createRequire(join(root, 'package.json'));
    esbuildModule = createRequire(requireRoot.resolve('tsup/package.json'))('esbuild');
  }
  return esbuildModule;
}

const formatEsbuildMessage = (m) => {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
  const notes = (m.notes ?? []).map((n) => n.text).filter(Boolean);
  return `${where}${m.text}${notes.length ? ` (${notes.join(' ')})` : ''}`;
};

/**
 * Bundle one row of the table for the browser, the way a web app's bundler would, from the
 * packages installed under `proj`: ESM, minified, `browser` condition, nothing external. Returns
 * the sizes and the problems (errors such as an unresolved node:fs, an unresolved import left
 * as a warning, a forbidden package, a gzip size over budget).
 */
function bundleCheck(b, proj) {
  const problems = [];
  const from = JSON.stringify(b.entry);
  const contents = b.import
    ? `export { ${b.import.join(', ')} } from ${from};\n`
    : `export * from ${from};\n`;
  let result;
  try {
    result = esbuild().buildSync({
      stdin: { contents, resolveDir: proj, sourcefile: 'browser-entry.js', loader: 'js' },
      absWorkingDir: proj,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      conditions: ['browser'],
      legalComments: 'none',
      metafile: true,
      logLevel: 'silent',
    });
  } catch (err) {
    const messages = err.errors?.length ? err.errors.map(formatEsbuildMessage) : [String(err.message ?? err)];
    return { problems: messages.map((m) => `browser bundle of ${bundleLabel(b)}: ${m}`) };
  }
  for (const w of result.warnings) {
    // A require() of a Node built-in inside try/catch is only a warning to esbuild; in a browser
    // it is still a module that is not there.
    if (/could not resolve/i.test(w.text)) {
      problems.push(`browser bundle of ${bundleLabel(b)}: ${formatEsbuildMessage(w)}`);
    }
  }
  const inputs = Object.keys(result.metafile.inputs);
  for (const name of b.forbid ?? []) {
    const hits = inputs.filter((p) => p.split(/[\\/]/).join('/').includes(`node_modules/${name}/`));
    if (hits.length) {
      problems.push(
        `browser bundle of ${bundleLabel(b)} contains ${name} (${hits.length} module(s), e.g. ${hits[0]})`,
      );
    }
  }
  const code = result.outputFiles[0].contents;
  const minBytes = code.length;
  const gzipBytes = gzipSync(code).length;
  if (gzipBytes > b.budgetKb * 1000) {
    problems.push(
      `browser bundle of ${bundleLabel(b)} is ${kb(gzipBytes)} kB gzip, over its budget of ${b.budgetKb} kB (${budgetsName})`,
    );
  }
  return { problems, minBytes, gzipBytes };
}

const kb = (bytes) => (bytes / 1000).toFixed(1);

function printBundleTable(rows) {
  if (!rows.length) return;
  const width = Math.max(5, ...rows.map((r) => bundleLabel(r.bundle).length));
  console.log(`\nbrowser bundles (esbuild, ESM, minified, conditions ['browser']; kB = 1000 bytes):`);
  console.log(
    `  ${'entry'.padEnd(width)}  ${'min kB'.padStart(7)}  ${'gzip kB'.padStart(7)}  ${'budget'.padStart(6)}`,
  );
  for (const { bundle, minBytes, gzipBytes, ok } of rows) {
    const min = minBytes === undefined ? '—' : kb(minBytes);
    const gz = gzipBytes === undefined ? '—' : kb(gzipBytes);
    console.log(
      `  ${bundleLabel(bundle).padEnd(width)}  ${min.padStart(7)}  ${gz.padStart(7)}  ${String(bundle.budgetKb).padStart(6)}  ${ok ? '✓' : '✗'}`,
    );
  }
}

/** Writes a fake installed package under `proj/node_modules`. */
function fakePackage(proj, name, files) {
  const dir = join(proj, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '0.0.0', type: 'module', exports: { '.': './index.js' } }),
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

/** The bundle check must reject node:fs, a bundle over budget and a forbidden package, and pass a clean one. */
function selfTestBundles(work) {
  const proj = join(work, 'bundles');
  fakePackage(proj, '@kinetica/clean', { 'index.js': 'export const twice = (x) => 2 * x;\n' });
  fakePackage(proj, '@kinetica/uses-fs', {
    'index.js':
      "import { readFileSync } from 'node:fs';\nexport const read = (p) => readFileSync(p, 'utf8');\n",
  });
  fakePackage(proj, 'fast-xml-parser', { 'index.js': 'export const XMLParser = class {};\n' });
  fakePackage(proj, '@kinetica/uses-xml', {
    'index.js': "import { XMLParser } from 'fast-xml-parser';\nexport const parse = () => new XMLParser();\n",
  });
  fakePackage(proj, '@kinetica/large', {
    'index.js': `export const table = ${JSON.stringify(Array.from({ length: 4000 }, (_, i) => Math.sin(i)))};\n`,
  });
  const cases = [
    { bundle: { entry: '@kinetica/clean', budgetKb: 1 }, expect: null },
    { bundle: { entry: '@kinetica/uses-fs', budgetKb: 100 }, expect: /node:fs/ },
    {
      bundle: { entry: '@kinetica/uses-xml', budgetKb: 100, forbid: ['fast-xml-parser'] },
      expect: /contains fast-xml-parser/,
    },
    { bundle: { entry: '@kinetica/large', budgetKb: 1 }, expect: /over its budget/ },
  ];
  let failed = 0;
  for (const c of cases) {
    const { problems } = bundleCheck(c.bundle, proj);
    const ok = c.expect === null ? problems.length === 0 : problems.some((p) => c.expect.test(p));
    if (!ok) {
      failed++;
      console.error(
        `pack-check self-test FAILED: bundle check of ${c.bundle.entry} gave ${problems.length ? problems.join(' | ') : 'no problem'}, expected ${c.expect ?? 'none'}`,
      );
    } else if (c.expect) {
      console.log(`  expected: ${problems.find((p) => c.expect.test(p)).split('\n')[0]}`);
    }
  }
  return failed;
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
    if (selfTestBundles(work) > 0) process.exit(1);
    console.log(
      'pack-check self-test passed: the bundle check rejected node:fs, a forbidden package and a bundle over budget, and passed a clean one',
    );
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
  const budgets = readBudgets();
  for (const b of budgets) {
    if (!byName.has(packageOf(b.entry)))
      throw new Error(`${budgetsFile}: ${b.entry} is no published package`);
  }
  const work = mkdtempSync(join(tmpdir(), 'kinetica-pack-'));
  const tarballs = new Map();
  const bundleRows = [];
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
      const specifiers = entrySpecifiers(p.pkg);
      const consumed = consume(name, specifiers, tgz, work);
      const problems = [...lint(p.dir, tarballs.get(name)), ...consumed.problems];
      const own = budgets.filter((b) => packageOf(b.entry) === name);
      if (!own.length) problems.push(`no browser bundle budget for ${name} in ${budgetsName}`);
      for (const bundle of own) {
        const r = bundleCheck(bundle, consumed.proj);
        problems.push(...r.problems);
        bundleRows.push({ bundle, ...r, ok: r.problems.length === 0 });
      }
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (problems.length) {
        failed++;
        console.error(`✗ ${name} (${secs}s)`);
        for (const pr of problems) console.error(`  ${pr.replace(/\n/g, '\n    ')}`);
      } else {
        const subpaths = specifiers.length > 1 ? ` (${specifiers.join(', ')})` : '';
        console.log(
          `✓ ${name}: publint, attw, npm install of the tarball, import, require, TypeScript types${subpaths}, browser bundle within budget (${secs}s)`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  printBundleTable(bundleRows);
  if (failed) {
    console.error(`pack-check: ${failed} package(s) failed`);
    process.exit(1);
  }
  console.log(`pack-check: all ${only ? only.size : packages.length} package(s) pass`);
}

main();
