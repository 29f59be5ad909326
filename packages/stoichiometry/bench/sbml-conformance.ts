/**
 * SBML Test Suite sample: pass rate and wall time per solver method.
 * Run from the repository root:
 *   npx tsx --conditions=source packages/stoichiometry/bench/sbml-conformance.ts [--level sbml-l2v4] [method ...]
 * Reads $KINETICA_SHARED/sbml-test-suite (default ../shared next to the repository).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MethodName } from '@kinetica/ode-core';
import { isMethodName } from '@kinetica/solvers-stiff';
import { listSbmlTestCases, runSbmlTestCase } from '../src/index';

const shared = process.env.KINETICA_SHARED ?? resolve(import.meta.dirname, '../../../../shared');
const suite = join(shared, 'sbml-test-suite');
if (!existsSync(suite)) {
  console.error(`no SBML Test Suite sample at ${suite}`);
  process.exit(1);
}
const args = process.argv.slice(2);
const levelFlag = args.indexOf('--level');
const levels = levelFlag >= 0 ? [args.splice(levelFlag, 2)[1]!] : undefined;
const methods: MethodName[] =
  args.length > 0 ? args.map(methodArg) : ['bdf', 'radau5', 'rodas5', 'auto', 'dopri5'];

/** A method name from the command line, or a one-line error naming it. */
function methodArg(name: string): MethodName {
  if (!isMethodName(name)) throw new RangeError(`sbml-conformance: unknown method '${name}'`);
  return name;
}
const missing = levels
  ? listSbmlTestCases(suite).filter((id) => !existsSync(join(suite, id, `${id}-${levels[0]}.xml`)))
  : [];
if (levels)
  console.log(`model files: ${levels[0]} (${missing.length} cases have none: ${missing.join(' ')})`);
const cases = listSbmlTestCases(suite).filter((id) => !missing.includes(id));
for (const method of methods) {
  const start = performance.now();
  const counts = { pass: 0, fail: 0, refused: 0, error: 0 };
  const notes: string[] = [];
  let slowest = { id: '', ms: 0 };
  for (const id of cases) {
    const t = performance.now();
    const r = runSbmlTestCase(suite, id, levels ? { method, levels } : { method });
    const ms = performance.now() - t;
    if (ms > slowest.ms) slowest = { id, ms };
    counts[r.outcome]++;
    if (r.outcome !== 'pass') notes.push(`  ${id} ${r.outcome}: ${r.detail}`);
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${method}: ${counts.pass}/${cases.length} pass, ${counts.refused} refused, ${counts.fail} fail, ${counts.error} error; ` +
      `${seconds.toFixed(2)} s total, slowest case ${slowest.id} ${slowest.ms.toFixed(0)} ms`,
  );
  for (const n of notes) console.log(n);
}
