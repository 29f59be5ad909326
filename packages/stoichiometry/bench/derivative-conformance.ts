/**
 * Exact derivatives of compiled SBML models (SbmlOde.derivatives: ∂f/∂y, ∂f/∂p, vjp) against central
 * finite differences over the SBML Test Suite sample, at the initial state and at the state after
 * integrating the ODE (events left out) to the middle of the case's time span.
 * Run from the repository root:
 *   npx tsx --conditions=source packages/stoichiometry/bench/derivative-conformance.ts [--verbose]
 * Reads $KINETICA_SHARED/sbml-test-suite (default ../shared next to the repository).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { solve } from '@kinetica/solvers-stiff';
import { compileSbml, listSbmlTestCases, parseSettings, readSbml, type SbmlOde } from '../src/index';
import { checkDerivatives, type DerivativeCheck } from '../src/sbml/derivative-check';

const shared = process.env.KINETICA_SHARED ?? resolve(import.meta.dirname, '../../../../shared');
const suite = join(shared, 'sbml-test-suite');
if (!existsSync(suite)) {
  console.error(`no SBML Test Suite sample at ${suite}`);
  process.exit(1);
}
const verbose = process.argv.includes('--verbose');
const LEVELS = ['sbml-l3v2', 'sbml-l3v1', 'sbml-l2v5', 'sbml-l2v4', 'sbml-l2v3'];
const counts = {
  cases: 0,
  notCompiled: 0,
  noJac: new Map<string, number>(),
  noParams: 0,
  noStates: 0,
  checked: 0,
  points: 0,
  laterSkipped: 0,
  failedCases: [] as string[],
};
const total: DerivativeCheck = {
  entries: 0,
  failures: [],
  maxRelative: 0,
  atFloor: 0,
  nonSmooth: 0,
  nonFinite: 0,
};
let worst = { id: '', rel: 0 };
const start = performance.now();
for (const id of listSbmlTestCases(suite)) {
  counts.cases++;
  const file = LEVELS.map((l) => join(suite, id, `${id}-${l}.xml`)).find(existsSync);
  if (!file) continue;
  let ode: SbmlOde;
  try {
    ode = compileSbml(readSbml(readFileSync(file, 'utf8')));
  } catch {
    counts.notCompiled++;
    continue;
  }
  try {
    ode.derivatives();
  } catch (e) {
    const why = (e as Error).message.includes('delay') ? 'delay csymbol' : 'algebraic rules';
    counts.noJac.set(why, (counts.noJac.get(why) ?? 0) + 1);
    continue;
  }
  if (ode.y0.length === 0) {
    counts.noStates++;
    continue;
  }
  // Cases without parameters are checked too (∂f/∂y only), and counted apart.
  if (ode.params.length === 0) counts.noParams++;
  else counts.checked++;
  const settings = parseSettings(readFileSync(join(suite, id, `${id}-settings.txt`), 'utf8'));
  const t0 = settings.start;
  const tMid = t0 + settings.duration / 2;
  const points: Array<[number, Float64Array]> = [[t0, Float64Array.from(ode.y0)]];
  const sol = solve(
    { f: ode.f, y0: ode.y0, tspan: [t0, tMid] },
    { method: 'radau5', rtol: 1e-8, atol: 1e-12 },
  );
  const yMid = sol.y[sol.y.length - 1];
  if (sol.status === 'success' && yMid && yMid.every(Number.isFinite))
    points.push([tMid, Float64Array.from(yMid)]);
  else counts.laterSkipped++;
  const before = total.failures.length;
  for (const [t, y] of points) {
    const c = checkDerivatives(ode, t, y);
    counts.points++;
    total.entries += c.entries;
    total.nonSmooth += c.nonSmooth;
    total.nonFinite += c.nonFinite;
    total.atFloor += c.atFloor;
    total.failures.push(...c.failures.map((f) => ({ ...f, column: `${id} t=${t} ${f.column}` })));
    if (c.maxRelative > worst.rel) worst = { id: `${id} t=${t}`, rel: c.maxRelative };
    total.maxRelative = Math.max(total.maxRelative, c.maxRelative);
  }
  if (total.failures.length > before) counts.failedCases.push(id);
  else if (verbose) console.log(`${id} ok`);
}
const seconds = (performance.now() - start) / 1000;
console.log(`cases: ${counts.cases}; not compiled (refused/invalid): ${counts.notCompiled}`);
console.log(
  `no analytic Jacobian: ${[...counts.noJac].map(([k, v]) => `${v} (${k})`).join(', ') || 0}; ` +
    `no states: ${counts.noStates}`,
);
console.log(
  `checked: ${counts.checked} cases with parameters + ${counts.noParams} without (∂f/∂y only), ${counts.points} points ` +
    `(later state unavailable: ${counts.laterSkipped}), ${total.entries} entries of ∂f/∂y and ∂f/∂p; ` +
    `max relative error ${total.maxRelative.toExponential(2)} (${worst.id}) over entries ≥ 100× their floor, ` +
    `${total.atFloor} entries within the floor only`,
);
console.log(
  `skipped entries: ${total.nonSmooth} at a kink or jump of f (one-sided differences disagree), ` +
    `${total.nonFinite} where f or the derivative is not finite`,
);
console.log(
  `failures (> 1e-7 relative + floor): ${total.failures.length} in ${counts.failedCases.length} cases; ${seconds.toFixed(1)} s`,
);
for (const f of total.failures.slice(0, 40))
  console.log(`  ${f.column} row ${f.row}: exact ${f.exact} fd ${f.fd} (rel ${f.error.toExponential(2)})`);
