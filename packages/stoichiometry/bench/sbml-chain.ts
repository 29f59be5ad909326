/**
 * Large SBML models (issue 18, acceptance 4): wall time and peak memory of simulating the reversible
 * mass-action chain S1 ⇌ … ⇌ Sn (`sbml-chain-model.ts`) over [0, 10] with 11 output times, every
 * species reported, with the default method (bdf) and the tolerances of `kinetica simulate --sbml`
 * without a settings file (rtol 1e-8, atol 1e-12): through the library (`readSbml` + `simulateSbml`
 * of the built package, from reading the file to the result table) and through the CLI.
 * Each run is its own process (peak memory is per run): the library in `node` on the built package
 * (process.resourceUsage().maxRSS), the CLI under `/usr/bin/time` (wall time and maximum resident
 * set size of the whole command, start-up and CSV output included).
 *
 * Build first, then run from the repository root:
 *   npx -y pnpm@9.15.9 exec turbo run build --filter=@kinetica/reference...
 *   npx tsx packages/stoichiometry/bench/sbml-chain.ts [--sizes 100,1000,10000,100000] [--cli 10000]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reversibleChainSbml } from './sbml-chain-model';

const root = resolve(import.meta.dirname, '../../..');
const dist = join(root, 'packages/stoichiometry/dist/index.cjs');
const cli = join(root, 'apps/reference/dist/cli.cjs');
const args = process.argv.slice(2);
const listArg = (name: string, fallback: number[]): number[] => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const list = (args[at + 1] ?? '')
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 2))
    throw new RangeError(`sbml-chain: ${name} takes sizes ≥ 2, comma-separated`);
  return list;
};
const sizes = listArg('--sizes', [100, 1000, 10_000, 100_000]);
const cliSizes = listArg('--cli', [10_000]);
for (const [path, what] of [
  [dist, 'the built stoichiometry package'],
  [cli, 'the built CLI'],
] as const) {
  if (!existsSync(path)) {
    console.error(`sbml-chain: ${path} is missing: build ${what} first (see the header of this file)`);
    process.exit(1);
  }
}

/** The library run in a child process: prints one JSON line. */
const CHILD = `
const { readFileSync } = require('node:fs');
const lib = require(process.argv[1]);
const file = process.argv[2];
const start = performance.now();
const model = lib.readSbml(readFileSync(file, 'utf8'));
const variables = model.species.map((s) => s.id);
const settings = { start: 0, duration: 10, steps: 10, variables, absolute: 0, relative: 0, amount: [], concentration: variables };
const sim = lib.simulateSbml(model, settings, { rtol: 1e-8, atol: 1e-12 });
const seconds = (performance.now() - start) / 1000;
let massError = 0;
for (const row of sim.rows) {
  let total = 0;
  for (let k = 1; k < row.length; k++) total += row[k];
  massError = Math.max(massError, Math.abs(total - 1));
}
console.log(JSON.stringify({ status: sim.status, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, massError, rows: sim.rows.length }));
`;

interface Row {
  n: number;
  via: string;
  seconds: number;
  maxRssMiB: number;
  note: string;
}

const dir = mkdtempSync(join(tmpdir(), 'kinetica-sbml-chain-'));
const results: Row[] = [];
try {
  const modelFile = (n: number): string => {
    const file = join(dir, `chain-${n}.xml`);
    if (!existsSync(file)) writeFileSync(file, reversibleChainSbml(n));
    return file;
  };
  for (const n of sizes) {
    const r = spawnSync(process.execPath, ['-e', CHILD, dist, modelFile(n)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0) throw new Error(`library run for n=${n} failed:\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      status: string;
      seconds: number;
      maxRssMiB: number;
      massError: number;
      rows: number;
    };
    const note = `${out.status}, ${out.rows} rows, max deviation of ΣS from 1: ${out.massError.toExponential(1)}`;
    results.push({ n, via: 'library', seconds: out.seconds, maxRssMiB: out.maxRssMiB, note });
    console.log(results.at(-1));
  }
  const timed = existsSync('/usr/bin/time');
  for (const n of cliSizes) {
    const outFile = join(dir, `results-${n}.csv`);
    const command = [
      cli,
      'simulate',
      '--sbml',
      modelFile(n),
      '--t1',
      '10',
      '--points',
      '11',
      '--out',
      outFile,
    ];
    const start = performance.now();
    const r = timed
      ? spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, ...command], { encoding: 'utf8' })
      : spawnSync(process.execPath, command, { encoding: 'utf8' });
    const wall = (performance.now() - start) / 1000;
    if (r.status !== 0) throw new Error(`CLI run for n=${n} failed:\n${r.stderr}`);
    const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
    const lines = readFileSync(outFile, 'utf8').trimEnd().split('\n');
    const note = `exit 0, ${lines.length - 1} rows × ${lines[0]!.split(',').length} columns written`;
    results.push({
      n,
      via: 'CLI',
      seconds: m ? Number(m[1]) : wall,
      maxRssMiB: m ? Number(m[2]) / 1024 : Number.NaN,
      note,
    });
    console.log(results.at(-1));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('\n| species | via | wall time (s) | peak RSS (MiB) | result |');
console.log('|---:|---|---:|---:|---|');
for (const r of results) {
  console.log(
    `| ${r.n.toLocaleString('en-US')} | ${r.via} | ${r.seconds.toFixed(2)} | ${Number.isNaN(r.maxRssMiB) ? '–' : r.maxRssMiB.toFixed(0)} | ${r.note} |`,
  );
}
